import DocketCore
import GRDB

extension Store {
    /// Forgets deletions older than `retentionDays` days: tombstones, and what readers lost sight of.
    ///
    /// A cursor at or before the newest version forgotten could have missed one of them, so such a
    /// cursor gets a reset from now on (`clock.purged_through`). Returns how many rows went.
    @discardableResult
    public func purgeTombstones(retentionDays: Int) async throws -> Int {
        let horizon = environment.now().milliseconds - Int64(retentionDays) * 86_400_000
        return try await pool.write { db in try Store.purge(before: horizon, db) }
    }

    /// The same, blocking (for the CLI and tests).
    @discardableResult
    public func purgeTombstonesNow(retentionDays: Int) throws -> Int {
        let horizon = environment.now().milliseconds - Int64(retentionDays) * 86_400_000
        return try pool.write { db in try Store.purge(before: horizon, db) }
    }

    private static func purge(before horizon: Int64, _ db: Database) throws -> Int {
        let newest = try Int64.fetchOne(
            db,
            cached: """
                SELECT max(v) FROM (SELECT max(version) AS v FROM change WHERE deleted = 1 AND changed_at < ?1
                UNION ALL SELECT max(version) FROM lost_sight WHERE changed_at < ?1)
                """,
            arguments: [horizon])
        guard let newest else { return 0 }
        try db.execute(
            cached: """
                DELETE FROM audience WHERE (type, entity_id) IN (SELECT type, entity_id FROM change WHERE deleted = 1 AND changed_at < ?1)
                """,
            arguments: [horizon])
        try db.execute(
            cached: """
                DELETE FROM field_change WHERE (type, entity_id) IN (SELECT type, entity_id FROM change WHERE deleted = 1 AND changed_at < ?1)
                """,
            arguments: [horizon])
        try db.execute(cached: "DELETE FROM change WHERE deleted = 1 AND changed_at < ?", arguments: [horizon])
        var purged = db.changesCount
        try db.execute(cached: "DELETE FROM lost_sight WHERE changed_at < ?", arguments: [horizon])
        purged += db.changesCount
        try db.execute(cached: "UPDATE clock SET purged_through = max(purged_through, ?) WHERE id = 1", arguments: [newest])
        return purged
    }
}
