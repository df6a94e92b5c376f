import DocketCore
import GRDB

/// Rows a push writes at its end, a few multi-row inserts instead of a statement per row: the change-log rows
/// (and audiences) of the entities its mutations created, every mutation's remembered result, and the clock.
///
/// A statement's fixed cost in SQLite (binding, opening a cursor on each index, seeking from the root) was more
/// than its insert, and a `suggestion.create` wrote five such rows. Held, a push of 50 writes them in three
/// statements (measured in the issue 3 notes).
///
/// Rows may be held only while nothing reads them. A created entity has no earlier change row, and the only
/// mutation that runs while rows are held is `suggestion.create` (every other one `settle`s first, see
/// `Store.apply`); where it may read the change log (an existing paper: its change row and audiences) it flushes
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
    /// `suggestion.create`s, which change neither. Every other mutation `settle`s first, which forgets them.
    var access: [String: (visibility: String, role: String?)] = [:]

    /// The most rows one insert statement carries (7 values each at most: well under SQLite's 32,766 variables).
    static let rowsPerStatement = 64

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

    /// Before a mutation other than `suggestion.create`: writes what is held, and forgets what was read.
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
        for chunk in changes.chunked(Self.rowsPerStatement) {
            var values: [SQLValue] = []
            values.reserveCapacity(chunk.count * 7)
            for change in chunk {
                values += [
                    .integer(change.version), .text(change.type.rawValue), .text(change.id), .integer(0), .text(change.snapshot.value),
                    SQLValue(change.snapshot.privateValue), .integer(change.at),
                ]
            }
            try db.run(
                """
                INSERT INTO change (version, type, entity_id, deleted, value, private_value, changed_at) VALUES \
                \(Self.rowsOfSeven[chunk.count])
                ON CONFLICT (type, entity_id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted,
                    value = excluded.value, private_value = excluded.private_value, changed_at = excluded.changed_at
                """,
                values)
        }
        var audiences: [SQLValue] = []
        for change in changes {
            for audience in Set(change.snapshot.audiences) {
                audiences += [.text(change.type.rawValue), .text(change.id), .text(audience.level), .text(audience.seriesID), .text(audience.personID)]
            }
        }
        for chunk in audiences.chunked(Self.rowsPerStatement * 5) {
            try db.run(
                """
                INSERT INTO audience (type, entity_id, level, series_id, person_id) VALUES \
                \(Self.rowsOfFive[chunk.count / 5])
                """,
                Array(chunk))
        }
        for chunk in results.chunked(Self.rowsPerStatement) {
            var values: [SQLValue] = []
            values.reserveCapacity(chunk.count * 5)
            for result in chunk {
                values += [
                    .text(result.clientID), .integer(result.mutationID), .text(result.name), .text(result.status.rawValue),
                    SQLValue(result.problem),
                ]
            }
            try db.run(
                """
                INSERT OR REPLACE INTO mutation_result (client_id, mutation_id, name, status, problem) VALUES \
                \(Self.rowsOfFive[chunk.count])
                """,
                values)
        }
        state.changes = []
        state.results = []
        state.clockMoved = false
    }

    /// The placeholders of 0 to `rowsPerStatement` rows of seven and of five values, made once.
    private static let rowsOfSeven = (0...rowsPerStatement).map { placeholders(rows: $0, columns: 7) }
    private static let rowsOfFive = (0...rowsPerStatement).map { placeholders(rows: $0, columns: 5) }

    /// `(?, ?), (?, ?)` for `rows` rows of `columns` values.
    private static func placeholders(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: row, count: rows).joined(separator: ", ")
    }
}

extension Array {
    /// The elements in consecutive slices of at most `size`.
    fileprivate func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
