public import DocketStore
public import Logging
public import ServiceLifecycle

/// Once a second: closes voting rounds whose `closesAt` passed and writes the standings that changed;
/// once an hour (and at start): forgets deletions older than the retention period.
///
/// A service in the application's group; stops at graceful shutdown.
public struct Housekeeper: Service {
    let store: Store
    let logger: Logger
    let tombstoneRetentionDays: Int

    public init(store: Store, logger: Logger, tombstoneRetentionDays: Int = 30) {
        self.store = store
        self.logger = logger
        self.tombstoneRetentionDays = tombstoneRetentionDays
    }

    public func run() async throws {
        var lastPurge: ContinuousClock.Instant?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if lastPurge.map({ ContinuousClock.now - $0 > .seconds(3600) }) ?? true {
                    lastPurge = ContinuousClock.now
                    let purged = try await store.purgeTombstones(retentionDays: tombstoneRetentionDays)
                    if purged > 0 { logger.info("old deletions purged", metadata: ["count": .stringConvertible(purged)]) }
                }
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
