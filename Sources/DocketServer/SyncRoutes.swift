import DocketAPI
import DocketCore
import DocketStore
import HTTPTypes
import Hummingbird

/// `POST /v1/sync/push`, `POST /v1/sync/pull` and `POST /v1/mutations`.
struct SyncRoutes {
    let store: Store
    let settings: ServerSettings
    let metrics: ServerMetrics

    func register(on router: Router<AppContext>) {
        router.post("/v1/sync/push") { request, context in try await push(request, context) }
        router.post("/v1/sync/pull") { request, context in try await pull(request, context) }
        router.post("/v1/mutations") { request, context in try await mutation(request, context) }
    }

    func push(_ request: Request, _ context: AppContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let push = try PushRequest.parse(try await readJSON(request, limit: settings.maxBodyBytes))
        let outcome = try await store.push(
            actor: principal, clientID: push.clientID,
            mutations: push.mutations.map { IncomingMutation(id: $0.id, name: $0.name, at: $0.at, args: $0.args) })
        let names = Dictionary(push.mutations.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let results = JSONValue.array(outcome.results.map { result in
            let wire: PushResultWire
            switch result.outcome {
            case .applied: wire = .applied
            case .rejected(let problem): wire = .rejected(problem)
            case .duplicate(let status, let problem): wire = .duplicate(status: status?.rawValue, problem: problem)
            }
            metrics.mutation(names[result.id] ?? "", outcome: wire.status)
            return wire.json(id: result.id)
        })
        if outcome.gap {
            throw Problem(
                .mutationGap, "mutation ids must follow \(outcome.lastMutationID) without a gap; resend from \(outcome.lastMutationID + 1)",
                extensions: ["lastMutationID": .int(outcome.lastMutationID), "results": results])
        }
        return jsonResponse([
            "lastMutationID": .int(outcome.lastMutationID), "version": .int(outcome.version), "results": results,
        ])
    }

    func pull(_ request: Request, _ context: AppContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let pull = try PullRequest.parse(try await readJSON(request, limit: settings.maxBodyBytes))
        let page = try await store.pull(actor: principal, clientID: pull.clientID, cursor: pull.cursor, limit: pull.limit)
        return jsonResponse(
            renderPullResponse(
                cursor: page.cursor, hasMore: page.hasMore, reset: page.reset, lastMutationID: page.lastMutationID,
                remaining: page.remaining, personID: principal.personID?.rawValue,
                changes: page.changes.map { PullChange(type: $0.type, id: $0.id, version: $0.version, deleted: $0.deleted, value: $0.value) }))
    }

    /// One mutation as a plain REST call: the same handler, no sync client; a rejection is the HTTP answer.
    func mutation(_ request: Request, _ context: AppContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await readJSON(request, limit: settings.maxBodyBytes)
        guard case .string(let name)? = body["name"], !name.isEmpty else { throw Problem(.badRequest, "name must be a mutation name") }
        guard let args = body["args"], case .object = args else { throw Problem(.badRequest, "args must be an object") }
        var at: Timestamp?
        if case .string(let text)? = body["at"] {
            guard let parsed = Timestamp(rfc3339: text) else { throw Problem(.badRequest, "at must be an RFC 3339 timestamp") }
            at = parsed
        }
        let version: Int64
        do {
            version = try store.run(name, args, as: principal, at: at)
        } catch {
            metrics.mutation(name, outcome: "rejected")
            throw error
        }
        metrics.mutation(name, outcome: "applied")
        return jsonResponse(["status": "applied", "version": .int(version)])
    }
}
