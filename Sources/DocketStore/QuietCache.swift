import DocketCore
import Foundation
import GRDBSQLite
import Synchronization

/// Answers that stay true while nothing is committed: whom a token's hash stands for, and "nothing new"
/// for a client asking again from the cursor it was last given.
///
/// Every use first asks SQLite whether anything was committed since the last ask: `PRAGMA data_version`
/// on a read-only connection of its own, which changes with every commit by any other connection, in
/// this process or another (a token revoked at the command line is refused at once). A change empties
/// the cache. The ask is one step of a prepared statement on a raw SQLite connection (GRDB's queue
/// around it cost more than the step); the reads it saves cost tens of microseconds each (a profile
/// of the no-change pull: a GRDB read transaction each for the token and the pull).
///
/// Entries are labelled with the data version asked *before* the read that filled them: content at
/// least as new as the label, and any later commit moves the version, so nothing stale is served.
final class QuietCache: Sendable {
    /// A token as authentication needs it.
    struct Token {
        var principal: Principal
        var expiresAt: Int64?
        var lastUsedAt: Int64?
    }

    /// A client that was given `cursor` on a last page: asking again from it, with nothing committed
    /// since, gets no changes and the same cursor.
    struct Settled {
        var person: String
        var cursor: String
        var lastMutationID: Int64
    }

    private struct State {
        var dataVersion: Int64 = -1
        var tokens: [Data: Token] = [:]
        var settled: [ClientID: Settled] = [:]
    }

    /// Entries kept per kind before the cache starts again (a bound on memory, not a tuning knob).
    static let capacity = 10_000

    /// The read-only connection and its prepared `PRAGMA data_version`, used under the lock only.
    private struct Probe {
        var connection: OpaquePointer?
        var statement: OpaquePointer?
    }

    /// A failure of the probe connection (the database file cannot be read).
    struct ProbeError: Error, CustomStringConvertible {
        var description: String
    }

    private let probe: Mutex<Probe>
    private let state = Mutex(State())

    init(path: String) throws {
        var probe = Probe()
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &probe.connection, flags, nil) == SQLITE_OK,
            sqlite3_busy_timeout(probe.connection, 10_000) == SQLITE_OK,
            sqlite3_prepare_v2(probe.connection, "PRAGMA data_version", -1, &probe.statement, nil) == SQLITE_OK
        else {
            let message = probe.connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_finalize(probe.statement)
            sqlite3_close(probe.connection)
            throw ProbeError(description: "cannot open \(path) to watch for commits: \(message)")
        }
        self.probe = Mutex(probe)
    }

    deinit {
        probe.withLock { probe in
            sqlite3_finalize(probe.statement)
            sqlite3_close(probe.connection)
        }
    }

    /// The database's data version now; the cache empties when it moved since the last ask.
    func dataVersion() throws -> Int64 {
        let version = try probe.withLock { probe in
            defer { sqlite3_reset(probe.statement) }
            guard sqlite3_step(probe.statement) == SQLITE_ROW else {
                throw ProbeError(description: "PRAGMA data_version failed: \(String(cString: sqlite3_errmsg(probe.connection)))")
            }
            return sqlite3_column_int64(probe.statement, 0)
        }
        state.withLock { state in
            if state.dataVersion != version { state = State(dataVersion: version) }
        }
        return version
    }

    func token(_ hash: Data, at version: Int64) -> Token? {
        entry(\.tokens, hash, at: version)
    }

    func remember(_ token: Token, for hash: Data, at version: Int64) {
        keep(\.tokens, hash, token, at: version)
    }

    func settled(_ client: ClientID, at version: Int64) -> Settled? {
        entry(\.settled, client, at: version)
    }

    func settle(_ client: ClientID, _ settled: Settled, at version: Int64) {
        keep(\.settled, client, settled, at: version)
    }

    /// The entry of one kind, when the cache is still at `version`.
    private func entry<Key: Sendable, Value: Sendable>(_ kind: KeyPath<State, [Key: Value]>, _ key: Key, at version: Int64) -> Value? {
        state.withLock { $0.dataVersion == version ? $0[keyPath: kind][key] : nil }
    }

    /// Keeps an entry filled by a read that began at `version`, unless a commit has been seen since.
    private func keep<Key: Sendable, Value: Sendable>(_ kind: WritableKeyPath<State, [Key: Value]>, _ key: Key, _ value: Value, at version: Int64) {
        state.withLock { state in
            guard state.dataVersion == version else { return }
            if state[keyPath: kind].count >= Self.capacity { state[keyPath: kind] = [:] }
            state[keyPath: kind][key] = value
        }
    }
}

extension Store {
    /// A number that moves with every commit to the database, by this process or another (SQLite's
    /// data version): what a cache of anything read from it may be keyed by.
    public func commitStamp() throws -> Int64 {
        try quiet.dataVersion()
    }
}
