public import DocketStore
public import Logging
public import ServiceLifecycle

/// Once a second: closes voting rounds whose `closesAt` passed and writes the standings that changed.
///
/// A service in the application's group; stops at graceful shutdown.
public struct Housekeeper: Service {
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
                try await store.refreshStandings()
            } catch is CancellationError {
                return
            } catch {
                logger.error("housekeeping failed", metadata: ["error": .string(String(describing: type(of: error)))])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }
}
