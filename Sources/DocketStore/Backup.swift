import DocketCore
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
    /// The server must be stopped. A new identity makes every client's old
    /// cursor reset on its next pull (PROTOCOL section 8).
    public static func restore(path: String, from source: String, environment: Environment = .live) throws {
        let backup = try DatabaseQueue(path: source, configuration: readOnly())
        let target = try DatabaseQueue(path: path)
        try backup.backup(to: target)
        try target.write { db in
            try db.execute(sql: "UPDATE clock SET database_id = ? WHERE id = 1", arguments: [environment.newID()])
        }
        try target.close()
        try backup.close()
    }

    private static func readOnly() -> Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }
}
