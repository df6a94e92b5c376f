public import DocketAPI
public import DocketCore
import GRDB

extension Replica {
    /// Stores one pull page and rebases the view, in one transaction.
    ///
    /// `replacing` drops the pulled state first (a reset's first page, or a pull
    /// from no cursor); the outbox stays and is replayed on the new state. Pending
    /// entries up to the page's `lastMutationID` are settled ("confirmed by pull").
    /// Only the last page (`hasMore` false) moves `pulledThrough`: until then a
    /// mutation's effects may still be in a later page, so it stays in the overlay.
    public func apply(_ page: PulledPage, replacing: Bool, at now: Timestamp) throws {
        try pool.write { db in
            if replacing { try db.execute(sql: "DELETE FROM pulled") }
            for change in page.changes {
                if change.deleted {
                    try db.execute(sql: "DELETE FROM pulled WHERE type = ? AND id = ?", arguments: [change.type, change.id])
                } else if let value = change.value {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO pulled (type, id, version, value) VALUES (?, ?, ?, ?)",
                        arguments: [change.type, change.id, change.version, value.jsonString])
                }
            }
            let summary = page.summary
            try db.execute(
                sql: """
                    UPDATE installation SET cursor = ?, last_mutation_id = ?, pulled_at = ?,
                    pulled_through = CASE WHEN ? THEN ? ELSE pulled_through END WHERE id = 1
                    """,
                arguments: [summary.cursor, summary.lastMutationID, now.milliseconds, !summary.hasMore, summary.lastMutationID])
            try db.execute(
                sql: "UPDATE outbox SET state = 'applied', settled_by = 'pull' WHERE state = 'pending' AND id <= ?",
                arguments: [summary.lastMutationID])
            // The server names the person the token acts for; login may not have known it.
            if let person = page.personID {
                try db.execute(sql: "UPDATE installation SET person_id = ? WHERE id = 1 AND person_id IS NULL", arguments: [person.rawValue])
            }
            try Replica.rebase(db)
        }
    }

    /// Rebuilds the view: the pulled state, then every mutation not yet part of it (and not rejected), in order.
    static func rebase(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM view")
        try db.execute(sql: "INSERT INTO view (type, id, value, local) SELECT type, id, value, 0 FROM pulled")
        let installation = try installation(db)
        let overlay = try entries(db, where: "id > ? AND state <> 'rejected'", arguments: [installation.pulledThrough])
        let editor = ViewEditor(db: db)
        for entry in overlay {
            try Overlay.apply(entry, me: installation.personID, to: editor)
        }
    }
}
