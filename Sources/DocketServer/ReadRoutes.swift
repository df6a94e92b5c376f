import DocketAPI
import DocketCore
import DocketStore
import HTTPTypes
import Hummingbird

/// Reads for clients that do not sync: the section 5 values the caller may see.
struct ReadRoutes {
    let store: Store

    func register(on router: Router<AppContext>) {
        router.get("/healthz") { _, _ in try health() }
        router.get("/v1/series") { _, context in
            let principal = try context.requirePrincipal()
            return list("series", try store.values(of: .series, actor: principal))
        }
        router.get("/v1/series/{idOrSlug}") { _, context in
            let (principal, series) = try resolve(context)
            return jsonResponse(try store.values(of: .series, id: series.rawValue, actor: principal)[0])
        }
        router.get("/v1/series/{idOrSlug}/suggestions") { _, context in
            let (principal, series) = try resolve(context)
            return list("suggestions", try store.values(of: .suggestion, inSeries: series, actor: principal))
        }
        router.get("/v1/rounds/{id}/ballots") { request, context in try roundBallots(request, context) }
        router.get("/v1/series/{idOrSlug}/episodes") { _, context in
            let (principal, series) = try resolve(context)
            return list("episodes", try store.values(of: .episode, inSeries: series, actor: principal))
        }
    }

    private func roundBallots(_ request: Request, _ context: AppContext) throws -> Response {
        // Without a token: the rounds of public series with live results (the seminar page's recount steps).
        if context.rejectedCredentials { _ = try context.requirePrincipal() }
        guard let text = context.parameters.get("id"), let id = RoundID(text),
            let export = try store.roundExport(id, actor: context.principal)
        else { throw Problem(.notFound, "no round with that id is visible to you") }
        switch request.uri.queryParameters.get("format") ?? "json" {
        case "json": return jsonResponse(export.tallyJSON)
        case "toi":
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: export.toi)))
        default: throw Problem(.badRequest, "format must be json or toi")
        }
    }

    private func health() throws -> Response {
        let clock = try store.clock()
        return jsonResponse(["status": "ok", "version": .int(clock.version)])
    }

    private func resolve(_ context: AppContext) throws -> (Principal, SeriesID) {
        let principal = try context.requirePrincipal()
        guard let key = context.parameters.get("idOrSlug"), let series = try store.resolveSeries(key, actor: principal) else {
            throw Problem(.notFound, "no series with that id or slug is visible to you")
        }
        return (principal, series)
    }

    private func list(_ key: String, _ values: [String]) -> Response {
        var out = JSONBodyWriter(capacity: values.reduce(32) { $0 + $1.utf8.count + 1 })
        out.raw("{")
        out.string(key)
        out.raw(":[")
        out.raw(values.joined(separator: ","))
        out.raw("]}")
        return jsonResponse(out.text)
    }
}
