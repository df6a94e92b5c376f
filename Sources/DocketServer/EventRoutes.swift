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
        router.get("/v1/sync/events") { _, context in try await events(context) }
    }

    func events(_ context: AppContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let (id, stream) = await hub.connect(principal)
        let hub = self.hub
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                defer { Task { await hub.disconnect(id) } }
                // The server waits for open responses when it stops gracefully, and the hub stops after
                // the server: so the stream ends itself at graceful shutdown, or SIGTERM would hang.
                try await withGracefulShutdownHandler {
                    // A first comment sends the headers at once.
                    try await writer.write(ByteBuffer(string: ": connected\n\n"))
                    for await event in stream {
                        switch event {
                        case .poke(let version): try await writer.write(ByteBuffer(string: "event: poke\ndata: {\"version\":\(version)}\n\n"))
                        case .keepAlive: try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        }
                    }
                } onGracefulShutdown: {
                    Task { await hub.disconnect(id) }
                }
                try await writer.finish(nil)
            })
    }
}
