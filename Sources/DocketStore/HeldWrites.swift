import DocketCore
import GRDB

/// Rows a push writes at its end, a few multi-row inserts instead of a statement per row: the change-log rows
/// (and audiences) of the entities its mutations created, every mutation's remembered result, and the clock.
///
/// A statement's fixed cost in SQLite (binding, opening a cursor on each index, seeking from the root) was more
/// than its insert, and a `suggestion.create` wrote five such rows. Held, a push of 50 writes them in five
/// statements of up to 64 rows (`RowInsert`; measured in the issue 3 notes).
///
/// Rows may be held only while nothing reads them. A created entity has no earlier change row, and the only
/// mutations that run while rows are held are `MutationRegistry.runBesideHeldRows` (`suggestion.create`; every
/// other one `settle`s first, see `Store.apply`); where it may read the change log (an existing paper: its change row and audiences) it flushes
/// first (`MutationContext.flushHeld`).
/// A flush inside a mutation's savepoint that is then rolled back is undone in SQLite, so `apply` puts those
/// rows back (`saved` / `restore`). The push flushes before its own last statements; its transaction commits
/// only after that, so no reader ever sees a push without its rows.
final class HeldWrites {
    /// A created entity's change row, as `ChangeLog.write` would have written it.
    struct Change {
        var version: Int64
        var type: EntityType
        var id: String
        var snapshot: ChangeLog.Snapshot
        var at: Int64
    }

    /// One mutation's remembered outcome (the `mutation_result` row).
    struct Result {
        var clientID: String
        var mutationID: Int64
        var name: String
        var status: MutationStatus
        var problem: String?
    }

    /// Everything held, kept together so that it can be put back whole (`saved`, `restore`).
    struct State {
        var changes: [Change] = []
        var results: [Result] = []
        /// The clock's version as this push moved it (nil: not read yet), and whether the stored clock is behind it.
        var version: Int64?
        var clockMoved = false
    }

    private var state = State()

    /// Each series' visibility and the pushing person's role in it, as `MutationContext.require` read them for
    /// the mutations of `MutationRegistry.runBesideHeldRows`, which change neither. Every other one `settle`s first.
    var access: [String: (visibility: String, role: String?)] = [:]

    var isEmpty: Bool { state.changes.isEmpty && state.results.isEmpty && !state.clockMoved }

    func hold(_ new: [Change]) { state.changes += new }

    func hold(_ result: Result) { state.results.append(result) }

    /// The outcome held for a mutation of this push, if it is still held.
    func result(client: String, mutation: Int64) -> Result? {
        state.results.last { $0.clientID == client && $0.mutationID == mutation }
    }

    /// Takes `count` new versions from the clock and returns the last of them (`ChangeLog.nextVersion`), moving
    /// the stored clock only at the flush: two statements a mutation fewer.
    func nextVersion(_ db: Database, count: Int64) throws -> Int64 {
        let current = try state.version ?? Int64.fetchOne(db, cached: "SELECT version FROM clock WHERE id = 1")!
        state.version = current + count
        state.clockMoved = true
        return current + count
    }

    /// What is held now, to put back if a savepoint around a flush rolls back.
    var saved: State { state }

    func restore(_ saved: State) { state = saved }

    /// Before a mutation not in `MutationRegistry.runBesideHeldRows`: writes what is held, and forgets what was read.
    func settle(_ db: Database) throws {
        try flush(db)
        access = [:]
    }

    /// Writes everything held and forgets it.
    func flush(_ db: Database) throws {
        if state.clockMoved, let version = state.version {
            try db.execute(cached: "UPDATE clock SET version = ? WHERE id = 1", arguments: [version])
        }
        let changes = state.changes, results = state.results
        try ChangeLog.changeRows.run(
            changes.flatMap { ChangeLog.changeValues($0.type, $0.id, $0.snapshot, version: $0.version, at: $0.at) }, db)
        try ChangeLog.audienceRows.run(
            changes.flatMap { ChangeLog.audienceValues($0.type, $0.id, Set($0.snapshot.audiences)) }, db)
        try Self.resultRows.run(
            results.flatMap { result -> [SQLValue] in
                [.text(result.clientID), .integer(result.mutationID), .text(result.name), .text(result.status.rawValue), SQLValue(result.problem)]
            }, db)
        state.changes = []
        state.results = []
        state.clockMoved = false
    }

    /// Remembered results: client, mutation id, name, status, problem.
    private static let resultRows = RowInsert(
        "INSERT OR REPLACE INTO mutation_result (client_id, mutation_id, name, status, problem) VALUES", columns: 5)
}
