import ArgumentParser
import DocketClient
import DocketCore
import Foundation

/// The `--home` option shared by every client command, and the composition root of the client.
struct ClientHome: ParsableArguments {
    @Option(name: .long, help: "Directory of the client's state (default: $DOCKET_HOME, else ~/.docket).")
    var home: String?

    /// The directory from --home, DOCKET_HOME or the default.
    func directory() throws -> String {
        if let home, !home.isEmpty { return home }
        if let env = ProcessInfo.processInfo.environment["DOCKET_HOME"], !env.isEmpty { return env }
        guard let user = ProcessInfo.processInfo.environment["HOME"], !user.isEmpty else {
            throw ValidationError("--home DIR (or DOCKET_HOME) is required when HOME is not set")
        }
        return user + "/.docket"
    }

    /// Opens (creating if needed) the replica under the home directory (mode 0700).
    func replica() throws -> Replica {
        let directory = try directory()
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ReplicaError("cannot create \(directory): \(error.localizedDescription)")
        }
        return try Replica(path: directory + "/client.db", newClientID: ClientClock.newClientID)
    }
}

/// The client's only sources of time and identity (habit 12: composition roots only).
enum ClientClock {
    static func now() -> Timestamp { Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))) }

    static func newClientID() -> ClientID { ClientID(trusted: UUID().uuidString.lowercased()) }

    static func newID() -> String { UUID().uuidString.lowercased() }
}

extension Replica {
    /// The series with this slug (or id), or a one-line error that says how to get it.
    func requireSeries(_ slug: String) throws -> SeriesID {
        guard let id = try seriesID(slug) else {
            throw ReplicaError("no series '\(slug)' in the local replica (run `docket client sync` to fetch it)")
        }
        return id
    }

    /// The server and token of the last login, or an error that says to log in.
    func requireLogin() throws -> (server: ServerURL, token: String) {
        let installation = try installation()
        guard let text = installation.serverURL, let server = ServerURL(text), let token = installation.token else {
            throw ReplicaError("not logged in: run `docket client login --server URL --token TOKEN` first")
        }
        return (server, token)
    }
}

/// Reads `--server`: an http URL.
func parseServer(_ text: String) throws -> ServerURL {
    guard let server = ServerURL(text) else {
        throw ValidationError("--server must be an http URL such as http://127.0.0.1:8080 (got '\(text)')")
    }
    return server
}
