import DocketCore
import DocketStore
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `GET /v1/sync/events`: Server-Sent Events; pokes carry only a version, pull brings the data.
struct EventRoutes {
    let hub: PokeHub

    func register(on router: Router<AppContext>) {
        router.get("/v1/sync/events") { request, context in try await events(request, context) }
    }

    func events(_ request: Request, _ context: AppContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let (id, stream) = await hub.connect(principal)
        let hub = self.hub
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                defer { Task { await hub.disconnect(id) } }
                // The stream ends itself when the client closes the connection (so a client that left costs
                // nothing, without waiting for a write to fail), and at graceful shutdown: the server waits for
                // open responses when it stops, and the hub stops after the server, so SIGTERM would hang.
                // (Requests from a socket only: an in-memory test request's body cannot watch a connection.)
                try await withGracefulShutdownHandler {
                    try await request.body.consumeWithInboundCloseHandler { _ in
                        // A first comment sends the headers at once.
                        try await writer.write(ByteBuffer(string: ": connected\n\n"))
                        for await event in stream {
                            switch event {
                            case .poke(let version): try await writer.write(ByteBuffer(string: "event: poke\ndata: {\"version\":\(version)}\n\n"))
                            case .keepAlive: try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                            }
                        }
                    } onInboundClosed: {
                        Task { await hub.disconnect(id) }
                    }
                } onGracefulShutdown: {
                    Task { await hub.disconnect(id) }
                }
                try? await writer.finish(nil)
            })
    }
}
