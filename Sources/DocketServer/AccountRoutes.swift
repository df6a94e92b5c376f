import DocketAPI
import DocketCore
import DocketStore
import HTTPTypes
import Hummingbird

/// PROTOCOL section 7: invitations, redemption and per-device tokens.
struct AccountRoutes {
    let store: Store
    let settings: ServerSettings

    func register(on router: Router<AppContext>) {
        router.post("/v1/auth/invites") { request, context in try await invite(request, context) }
        router.post("/v1/auth/redeem") { request, _ in try await redeem(request) }
        router.post("/v1/auth/tokens") { request, context in try await newToken(request, context) }
        router.get("/v1/auth/tokens") { _, context in try listTokens(context) }
        router.delete("/v1/auth/tokens/{id}") { _, context in try revoke(context) }
    }

    func invite(_ request: Request, _ context: AppContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        var args = Args(try await readJSON(request, limit: 64 * 1024), path: "body")
        let series = args.id("seriesID", SeriesKind.self)
        let role = args.optionalChoice("role", SeriesRole.self) ?? .member
        let now = store.environment.now()
        let expiresAt = args.optionalTimestamp("expiresAt") ?? now.adding(milliseconds: 7 * 86_400_000)
        try args.finish()
        let code = try store.createInvite(actor: principal, series: series!, role: role, expiresAt: expiresAt)
        return jsonResponse(["code": .string(code), "expiresAt": .string(expiresAt.rfc3339)], status: .created)
    }

    func redeem(_ request: Request) async throws -> Response {
        var args = Args(try await readJSON(request, limit: 64 * 1024), path: "body")
        let code = args.string("code", maxLength: 100)
        let name = args.string("name")
        let device = args.optionalString("device", maxLength: 100) ?? "first device"
        try args.finish()
        let (person, token) = try store.redeem(code: code!, name: name!, device: device)
        return jsonResponse(["personID": .string(person.rawValue), "token": .string(token)], status: .created)
    }

    func newToken(_ request: Request, _ context: AppContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let person = principal.personID else { throw Problem(.forbidden, "tokens belong to people") }
        var args = Args(try await readJSON(request, limit: 64 * 1024), path: "body")
        let device = args.string("device", maxLength: 100)
        let expiresAt = args.optionalTimestamp("expiresAt")
        if let expiresAt, expiresAt <= store.environment.now() { args.fail("expiresAt", "must lie in the future") }
        try args.finish()
        let token = try store.issueToken(person: person, device: device!, expiresAt: expiresAt)
        return jsonResponse(["id": .string(token.id.rawValue), "token": .string(token.secret)], status: .created)
    }

    func listTokens(_ context: AppContext) throws -> Response {
        let principal = try context.requirePrincipal()
        guard let person = principal.personID else { throw Problem(.forbidden, "tokens belong to people") }
        let tokens = try store.tokens(of: person).filter { !$0.revoked }
        return jsonResponse([
            "tokens": .array(tokens.map { token in
                [
                    "id": .string(token.id.rawValue), "device": .string(token.device), "createdAt": .string(token.createdAt.rfc3339),
                    "lastUsedAt": .optional(token.lastUsedAt?.rfc3339), "expiresAt": .optional(token.expiresAt?.rfc3339),
                ]
            })
        ])
    }

    func revoke(_ context: AppContext) throws -> Response {
        let principal = try context.requirePrincipal()
        guard let person = principal.personID else { throw Problem(.forbidden, "tokens belong to people") }
        guard let text = context.parameters.get("id"), let id = TokenID(text) else { throw Problem(.notFound, "no such token") }
        try store.revokeToken(id, owner: person)
        return Response(status: .noContent)
    }
}
