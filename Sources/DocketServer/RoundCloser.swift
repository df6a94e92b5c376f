public import DocketStore
public import Logging
public import ServiceLifecycle

/// Closes voting rounds when their `closesAt` passes: a service in the application's group.
///
/// Polls once a second (a round closes within a second of its time); stops at
/// graceful shutdown.
public struct RoundCloser: Service {
    let store: Store
    let logger: Logger

    public init(store: Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let outcome = try await store.closeDueRounds()
                if outcome.closed > 0 { logger.info("rounds closed", metadata: ["count": .stringConvertible(outcome.closed)]) }
                for failure in outcome.failures { logger.error("round could not close", metadata: ["round": .string(failure)]) }
            } catch {
                logger.error("round closing failed", metadata: ["error": .string(String(describing: type(of: error)))])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }
}
