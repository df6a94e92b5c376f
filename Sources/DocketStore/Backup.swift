import DocketCore
import Foundation
import GRDB

extension Store {
    /// Writes an online, consistent copy of the database to `path` (SQLite's backup API; the server may keep running).
    public func backup(to path: String) throws {
        let destination = try DatabaseQueue(path: path)
        try pool.backup(to: destination)
        try destination.close()
    }

    /// Replaces the database at `path` with the backup at `source` and gives it a new identity.
    ///
    /// The server must be stopped. The backup is checked first (a sound SQLite
    /// file with Docket's tables) and copied into a file beside the target,
    /// which then replaces it: a bad backup leaves the database as it was. A
    /// new identity makes every client's old cursor reset on its next pull
    /// (PROTOCOL section 8).
    public static func restore(path: String, from source: String, environment: Environment = .live) throws {
        let backup: DatabaseQueue
        do {
            backup = try DatabaseQueue(path: source, configuration: readOnly())
            try backup.read { db in
                guard try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok",
                    try db.tableExists("clock"), try Row.fetchOne(db, sql: "SELECT 1 FROM clock WHERE id = 1") != nil
                else { throw Problem(.badRequest, "\(source) is not a sound Docket backup") }
            }
        } catch let error as DatabaseError {
            throw Problem(.badRequest, "\(source) is not a Docket backup (\(error.resultCode))")
        }
        let staging = path + ".restoring"
        try? FileManager.default.removeItem(atPath: staging)
        let target = try DatabaseQueue(path: staging)
        try backup.backup(to: target)
        try target.write { db in
            try db.execute(sql: "UPDATE clock SET database_id = ? WHERE id = 1", arguments: [environment.newID()])
        }
        try target.close()
        try backup.close()
        // The old file's WAL must not be replayed onto the restored one.
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        guard rename(staging, path) == 0 else { throw Problem(.internal, "could not move the restored database into place") }
    }

    private static func readOnly() -> Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }
}
