public import DocketStore
import Foundation
public import Logging
public import ServiceLifecycle

/// The open `GET /v1/sync/events` streams, and the service that pokes them.
///
/// The service polls the database's change version four times a second (so
/// writes by the CLI or another process count too); when it moved, each
/// connected person whose visible entities changed gets `poke` with the new
/// version. Every 20 s each stream gets a keep-alive. A stream whose
/// client closes the connection is dropped at once and costs nothing after.
public actor PokeHub: Service {
    /// A value sent down a stream: a poke with a version, or a keep-alive.
    enum Event: Sendable {
        case poke(Int64)
        case keepAlive
    }

    private struct Listener {
        let principal: Principal
        let continuation: AsyncStream<Event>.Continuation
    }

    private let store: Store
    private let logger: Logger
    private let keepAliveEvery: Duration
    private var listeners: [UUID: Listener] = [:]

    public init(store: Store, logger: Logger, keepAliveEvery: Duration = .seconds(20)) {
        self.store = store
        self.logger = logger
        self.keepAliveEvery = keepAliveEvery
    }

    /// How many streams are open.
    public var connectionCount: Int { listeners.count }

    func connect(_ principal: Principal) -> (UUID, AsyncStream<Event>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(4))
        listeners[id] = Listener(principal: principal, continuation: continuation)
        return (id, stream)
    }

    func disconnect(_ id: UUID) {
        listeners.removeValue(forKey: id)?.continuation.finish()
    }

    public func run() async throws {
        var seen = (try? await store.currentVersion()) ?? 0
        var sinceKeepAlive = Duration.zero
        let tick = Duration.milliseconds(250)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
            sinceKeepAlive += tick
            if sinceKeepAlive >= keepAliveEvery {
                sinceKeepAlive = .zero
                for listener in listeners.values { listener.continuation.yield(.keepAlive) }
            }
            guard let now = try? await store.currentVersion(), now > seen else { continue }
            await poke(since: seen, through: now)
            seen = now
        }
        for listener in listeners.values { listener.continuation.finish() }
        listeners.removeAll()
    }

    /// Pokes every stream whose person may see something in `(since, through]`, asking once per person.
    private func poke(since: Int64, through: Int64) async {
        let byPrincipal = Dictionary(grouping: listeners.values, by: \.principal)
        for (principal, group) in byPrincipal {
            do {
                guard try await store.hasVisibleChanges(since: since, through: through, actor: principal) else { continue }
                for listener in group { listener.continuation.yield(.poke(through)) }
            } catch {
                logger.error("poke check failed", metadata: ["error": .string(String(describing: type(of: error)))])
            }
        }
    }
}
