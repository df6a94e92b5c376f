public import DocketCore
import GRDB

extension Replica {
    /// Adds a mutation to the outbox and applies it to the user's view at once; returns its id.
    @discardableResult
    public func enqueue(name: String, args: JSONValue, at: Timestamp) throws -> Int64 {
        try pool.write { db in
            let id = (try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) + 1 FROM outbox")) ?? 1
            try db.execute(
                sql: "INSERT INTO outbox (id, name, args, at) VALUES (?, ?, ?, ?)",
                arguments: [id, name, args.jsonString, at.rfc3339])
            let me = try Replica.installation(db).personID
            try Overlay.apply(OutboxEntry(id: id, name: name, args: args, at: at, outcome: .pending), me: me, to: ViewEditor(db: db))
            return id
        }
    }

    /// Every outbox entry, oldest first.
    public func outbox() throws -> [OutboxEntry] {
        try pool.read { db in try Replica.entries(db, where: "1", arguments: []) }
    }

    /// The entries with these ids, in id order.
    public func entries(_ ids: [Int64]) throws -> [OutboxEntry] {
        try pool.read { db in
            try Replica.entries(db, where: "id IN (SELECT value FROM json_each(?))", arguments: [JSONValue.array(ids.map { .int($0) }).jsonString])
        }
    }

    /// The pending ids and the highest id, for the sync machine.
    public func outboxSnapshot() throws -> OutboxSnapshot {
        try pool.read { db in
            let pending = try Int64.fetchAll(db, sql: "SELECT id FROM outbox WHERE state = 'pending' ORDER BY id")
            let highest = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM outbox") ?? 0
            return OutboxSnapshot(pending: pending, highest: highest)
        }
    }

    static func entries(_ db: Database, where condition: String, arguments: StatementArguments) throws -> [OutboxEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE \(condition) ORDER BY id", arguments: arguments).map { row in
            let args = (try? JSONParser.parse(row["args"] as String)) ?? .object([])
            return OutboxEntry(
                id: row["id"], name: row["name"], args: args,
                at: Timestamp(rfc3339: row["at"]) ?? Timestamp(milliseconds: 0), outcome: outcome(row))
        }
    }

    static func outcome(_ row: Row) -> MutationOutcome {
        switch (row["state"] as String, row["settled_by"] as String?) {
        case ("applied", "pull"): return .confirmedByPull
        case ("applied", _): return .applied
        case ("rejected", _):
            let text: String? = row["problem"]
            return .rejected(problem: text.flatMap { try? JSONParser.parse($0) } ?? .null)
        default: return .pending
        }
    }

    /// Stores a push's outcomes; a result replaces a pull's mere confirmation, never a push's own result.
    ///
    /// A rejection takes its mutation out of the view, so the view is rebased.
    public func record(_ reply: PushReply) throws {
        try pool.write { db in
            var rejected = false
            for result in reply.results {
                let (state, settledBy, problem) = Replica.columns(result.outcome)
                guard let state else { continue }
                try db.execute(
                    sql: """
                        UPDATE outbox SET state = ?, settled_by = ?, problem = ?
                        WHERE id = ? AND (state = 'pending' OR settled_by = 'pull')
                        """,
                    arguments: [state, settledBy, problem, result.id])
                rejected = rejected || (state == "rejected" && db.changesCount > 0)
            }
            try db.execute(sql: "UPDATE installation SET last_mutation_id = ? WHERE id = 1", arguments: [reply.lastMutationID])
            if rejected { try Replica.rebase(db) }
        }
    }

    static func columns(_ outcome: MutationOutcome) -> (state: String?, settledBy: String?, problem: String?) {
        switch outcome {
        case .pending: return (nil, nil, nil)
        case .applied: return ("applied", "push", nil)
        case .rejected(let problem): return ("rejected", "push", problem.jsonString)
        case .processed, .confirmedByPull: return ("applied", "pull", nil)
        }
    }

    /// The server lost the mutations after `lastMutationID` (a restored database): make them pending again.
    public func requeue(after lastMutationID: Int64) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE outbox SET state = 'pending', settled_by = NULL, problem = NULL WHERE id > ?", arguments: [lastMutationID])
            try db.execute(
                sql: "UPDATE installation SET last_mutation_id = ?, pulled_through = min(pulled_through, ?) WHERE id = 1",
                arguments: [lastMutationID, lastMutationID])
            try Replica.rebase(db)
        }
    }
}
