public import DocketCore
import Foundation
public import GRDB

/// Docket's database: one SQLite file in WAL mode, the only place state lives.
///
/// Every write goes through `run(_:)` (mutations) or one of the account
/// methods, each in one transaction. Reads use the pool's concurrent readers.
public final class Store: Sendable {
    let pool: DatabasePool
    public let environment: Environment
    public let path: String
    /// Each series' standing, counted in memory from the change log (see `StandingCounter`).
    let standings = StandingCounter()
    /// Token look-ups and no-change pulls answered without a read while nothing is committed.
    let quiet: QuietCache
    /// Server pushes waiting for the writer, committed together.
    let pushGroups: PushGroups

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String, environment: Environment = .live) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            if ProcessInfo.processInfo.environment["DOCKET_SQL_PROFILE"] != nil {
                db.trace(options: .profile) { event in
                    if case let .profile(statement, duration) = event, duration > 0.0003 {
                        FileHandle.standardError.write(Data("SLOW \(Int(duration * 1_000_000))us \(statement.sql.prefix(160).replacingOccurrences(of: "\n", with: " "))\n".utf8))
                    }
                }
            }
        }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { db in
            // An acknowledged write must survive a power cut, not only a crash. GRDB sets the writer to
            // NORMAL when it turns WAL on (after `prepareDatabase`), so FULL is set here, once it has.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Each mutation's savepoint keeps the original of every page it changes. Past 64 KiB SQLite
            // moves that record to a temporary file and writes every later page there with a system
            // call; kept in memory, it stays as small as one mutation's pages.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // A push touches index pages all over the file (ids are random); with SQLite's 2 MB default the
            // writer spilled and re-read pages within one transaction. 16 MB kept the push rate from falling
            // by a quarter as the file grew to 24,000 suggestions (DocketBench push, 3 rounds).
            try db.execute(sql: "PRAGMA cache_size = -16384")
        }
        self.environment = environment
        self.path = path
        try Store.migrator.migrate(pool)
        try pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO clock (id, database_id, version) VALUES (1, ?, 0)",
                arguments: [environment.newID()])
        }
        self.quiet = try QuietCache(path: path)
        self.pushGroups = PushGroups(pool: pool)
    }

    /// A read on the caller's thread, also from async code (where `pool.read` would hop to GRDB's queue).
    func readHere<T>(_ value: (Database) throws -> T) throws -> T {
        try pool.read(value)
    }

    /// The names of the migrations the binary carries, in order.
    public static var migrationNames: [String] { EmbeddedSchema.migrations.map(\.name) }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in EmbeddedSchema.migrations {
            migrator.registerMigration(migration.name) { db in
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }

    /// Applies the embedded migrations up to and including `name` only (for upgrade tests).
    public static func migrate(path: String, upTo name: String) throws {
        let pool = try DatabasePool(path: path)
        try migrator.migrate(pool, upTo: name)
    }

    /// The migrations already applied to this database.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Store.migrator.appliedMigrations(db) }
    }

    /// The database's identity and its current change version.
    public func clock() throws -> (databaseID: String, version: Int64) {
        try pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT database_id, version FROM clock WHERE id = 1")!
            return (row["database_id"], row["version"])
        }
    }

    /// `PRAGMA integrity_check`'s answer: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    /// The writer's `PRAGMA synchronous` (2, FULL: every commit is synced to disk before it is acknowledged).
    public func synchronous() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The journal mode SQLite reports (Docket always uses "wal").
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}

extension Environment {
    /// The system clock and libcrypto's random bytes.
    public static var live: Environment {
        Environment(
            now: { Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))) },
            randomBytes: { Crypto.randomBytes($0) })
    }
}
