public import DocketCore
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The offline client's local state: one SQLite file (WAL) holding the pulled entities, the
/// user's view, the outbox and the installation's identity.
///
/// The file is created readable by its owner only (it holds the token). Every
/// method is one transaction; several processes may use the file at once.
public final class Replica: Sendable {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the replica at `path`; `newClientID` is asked once, for a new file.
    public init(path: String, newClientID: () -> ClientID) throws {
        try Replica.createPrivately(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        // The outbox must survive a power cut. GRDB sets the writer to NORMAL when it turns WAL on.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        self.path = path
        try Replica.migrator.migrate(pool)
        let clientID = newClientID()
        try pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO installation (id, client_id) VALUES (1, ?)", arguments: [clientID.rawValue])
        }
    }

    /// The names of the client migrations the binary carries, in order.
    public static var migrationNames: [String] { EmbeddedClientSchema.migrations.map(\.name) }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in EmbeddedClientSchema.migrations {
            migrator.registerMigration(migration.name) { db in try db.execute(sql: migration.sql) }
        }
        return migrator
    }

    /// Creates the file with mode 0600 before SQLite opens it (SQLite gives its WAL the same mode),
    /// and narrows an existing file's mode to 0600.
    static func createPrivately(_ path: String) throws {
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ReplicaError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        fchmod(descriptor, 0o600)
        close(descriptor)
    }

    /// The installation's identity, server, token and sync position.
    public func installation() throws -> Installation {
        try pool.read(Replica.installation)
    }

    static func installation(_ db: Database) throws -> Installation {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM installation WHERE id = 1") else {
            throw ReplicaError("the replica has no installation row")
        }
        return Installation(
            clientID: ClientID(trusted: row["client_id"]), serverURL: row["server_url"], token: row["token"],
            personID: (row["person_id"] as String?).map(PersonID.init(trusted:)), cursor: row["cursor"],
            lastMutationID: row["last_mutation_id"], pulledThrough: row["pulled_through"],
            pulledAt: (row["pulled_at"] as Int64?).map(Timestamp.init(milliseconds:)))
    }

    /// Points the replica at `serverURL` with `token` (and the person, when known).
    ///
    /// The same server keeps everything (a new token for the same account). Another server
    /// starts a new installation: a new clientID, no pulled state, an empty outbox; refused
    /// while mutations are still pending, which would be lost.
    public func login(serverURL: String, token: String, personID: PersonID?, newClientID: () -> ClientID) throws {
        let clientID = newClientID()
        try pool.write { db in
            let current = try Replica.installation(db)
            let otherServer = current.serverURL.map { $0 != serverURL } ?? false
            let otherPerson = personID != nil && current.personID != nil && personID != current.personID
            if otherServer || otherPerson {
                let old = current.serverURL ?? serverURL
                let pending = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE state = 'pending'") ?? 0
                guard pending == 0 else {
                    throw ReplicaError("\(pending) mutation(s) for \(old) are still pending; sync them before logging in elsewhere")
                }
                for table in ["pulled", "view", "outbox"] { try db.execute(sql: "DELETE FROM \(table)") }
                try db.execute(
                    sql: """
                        UPDATE installation SET client_id = ?, person_id = NULL, cursor = NULL, last_mutation_id = 0,
                        pulled_through = 0, pulled_at = NULL WHERE id = 1
                        """,
                    arguments: [clientID.rawValue])
            }
            try db.execute(
                sql: "UPDATE installation SET server_url = ?, token = ?, person_id = coalesce(?, person_id) WHERE id = 1",
                arguments: [serverURL, token, personID?.rawValue])
        }
    }
}
