public import DocketCore
import GRDB

/// One change as pull returns it: the entity's stored JSON, never re-encoded.
public struct PulledChange: Sendable {
    public var type: String
    public var id: String
    public var version: Int64
    public var deleted: Bool
    /// The entity's complete JSON value as stored; nil for a deletion.
    public var value: String?
}

/// One page of a pull.
public struct PullPage: Sendable {
    public var cursor: String
    public var hasMore: Bool
    public var reset: Bool
    public var lastMutationID: Int64
    public var changes: [PulledChange]
    /// How many changes remain after this page (an upper bound), when `hasMore`.
    public var remaining: Int64?
}

/// A position in one database's change log; opaque to clients.
struct Cursor: Equatable {
    var databaseID: String
    var epoch: Int64
    var version: Int64

    var encoded: String {
        Crypto.base64URL(Array("1:\(databaseID):\(epoch):\(version)".utf8))
    }

    /// Parses a cursor this server issued; nil for anything else.
    init?(encoded: String) {
        guard encoded.utf8.count <= 200, let bytes = Crypto.decodeBase64URL(encoded),
            let text = String(validating: bytes, as: UTF8.self)
        else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "1", EntityID<ClientKind>.isCanonicalUUID(String(parts[1])),
            let epoch = Int64(parts[2]), let version = Int64(parts[3]), version >= 0, epoch >= 0
        else { return nil }
        self.init(databaseID: String(parts[1]), epoch: epoch, version: version)
    }

    /// The cursor a pull names: nil for none; `bad_request` for a string this server did not issue.
    static func parse(_ text: String?) throws -> Cursor? {
        guard let text else { return nil }
        guard let cursor = Cursor(encoded: text) else { throw Problem(.badRequest, "cursor is not one this server issued") }
        return cursor
    }

    init(databaseID: String, epoch: Int64, version: Int64) {
        self.databaseID = databaseID
        self.epoch = epoch
        self.version = version
    }
}

extension Store {
    /// Pull's default and largest page sizes.
    public static let defaultPullLimit = 500
    public static let maxPullLimit = 5000

    /// What changed for this reader since `cursor` (everything when nil), one consistent page.
    ///
    /// Reads from one snapshot, so a page is never torn by concurrent writes;
    /// each entity appears once, at its latest state. A cursor of another
    /// database, or one ahead of this one (a copied-back backup), gets a reset.
    /// Throws `bad_request` for a string that is not a cursor.
    public func pull(actor: Principal, clientID: ClientID, cursor text: String?, limit requested: Int?) throws -> PullPage {
        let cursor = try Cursor.parse(text)
        if let page = try pool.read(pageForKnownClient(actor: actor, clientID: clientID, cursor: cursor, limit: requested)) { return page }
        let lastMutationID = try pool.write(bindClientForPull(actor: actor, clientID: clientID))
        return try pool.read(pullPage(actor: actor, cursor: cursor, limit: requested, lastMutationID: lastMutationID))
    }

    /// The same pull for the server: reads on the caller's thread, the one-time binding of a new client
    /// without blocking it.
    ///
    /// A pull's read is CPU work on cached pages that never waits for a lock (WAL readers don't), and
    /// handing it to GRDB's queue and back cost more than the read: thread switches were a quarter of
    /// a no-change pull's time in a profile. Writes still wait for SQLite's one writer off the thread.
    ///
    /// A client asking again from the cursor of its last page, with nothing committed since, is answered
    /// from `QuietCache` without a read: the answer a read would give (no changes, the same cursor).
    public func pull(actor: Principal, clientID: ClientID, cursor text: String?, limit requested: Int?) async throws -> PullPage {
        let person = actor.personID?.rawValue ?? ""
        let version = try quiet.dataVersion()
        // A cursor equal to one this server issued is well-formed: parse it only when it is not.
        if let text, let settled = quiet.settled(clientID, at: version), settled.cursor == text, settled.person == person {
            return PullPage(cursor: text, hasMore: false, reset: false, lastMutationID: settled.lastMutationID, changes: [])
        }
        let cursor = try Cursor.parse(text)
        var page = try readHere(pageForKnownClient(actor: actor, clientID: clientID, cursor: cursor, limit: requested))
        if page == nil {
            let lastMutationID = try await pool.write(bindClientForPull(actor: actor, clientID: clientID))
            page = try readHere(pullPage(actor: actor, cursor: cursor, limit: requested, lastMutationID: lastMutationID))
        }
        let answer = page!
        if !answer.hasMore {
            quiet.settle(
                clientID, QuietCache.Settled(person: person, cursor: answer.cursor, lastMutationID: answer.lastMutationID), at: version)
        }
        return answer
    }

    /// The page for a client already bound (one read transaction, the common case); nil for a client never seen.
    private func pageForKnownClient(actor: Principal, clientID: ClientID, cursor: Cursor?, limit: Int?)
        -> @Sendable (Database) throws -> PullPage?
    {
        let known = knownClient(actor: actor, clientID: clientID)
        return { db in
            guard let lastMutationID = try known(db) else { return nil }
            return try self.pullPage(actor: actor, cursor: cursor, limit: limit, lastMutationID: lastMutationID)(db)
        }
    }

    private func pullPage(actor: Principal, cursor: Cursor?, limit requested: Int?, lastMutationID: Int64)
        -> @Sendable (Database) throws -> PullPage
    {
        let limit = min(max(requested ?? Store.defaultPullLimit, 1), Store.maxPullLimit)
        return { db in
            let clock = try Store.clockRow(db)
            let epoch = try Store.readerEpoch(actor, everyone: clock.epoch, db)
            var since: Int64 = 0
            var reset = false
            if let cursor {
                // Another database, a copied-back backup, tombstones purged since, or a change in what this
                // reader may see that deletions cannot express: start again from nothing.
                if cursor.databaseID != clock.databaseID || cursor.version > clock.version || cursor.version < clock.purgedThrough
                    || cursor.epoch != epoch
                {
                    reset = true
                } else {
                    since = cursor.version
                }
            }
            var changes = try Store.changes(since: since, limit: limit + 1, actor: actor, includeDeleted: since > 0, db)
            if since > 0 {
                // Entities this reader lost sight of, merged in version order (each entity is in one list only:
                // the first holds what the reader sees now, the second what they do not).
                changes = Array((changes + (try Store.lostSight(since: since, limit: limit + 1, actor: actor, db)))
                    .sorted { $0.version < $1.version }.prefix(limit + 1))
            }
            let hasMore = changes.count > limit
            if hasMore {
                let next = changes.removeLast().version
                // A page ends at a version, and the next one starts after it: never end inside a group of
                // losses sharing a version (older releases wrote them so), or the rest would be skipped.
                // End before the group; when the group is the whole page, carry all of it, over the limit.
                if changes.last?.version == next {
                    if changes.first!.version != next {
                        changes.removeAll { $0.version == next }
                    } else {
                        changes = try Store.lostSight(since: next - 1, through: next, limit: Int.max, actor: actor, db)
                    }
                }
            }
            let through = hasMore ? changes.last!.version : clock.version
            var remaining: Int64?
            if hasMore {
                remaining = try Int64.fetchOne(
                    db,
                    cached: """
                        SELECT (SELECT count(*) FROM change WHERE version > :through)
                            + (SELECT count(*) FROM lost_sight WHERE person_id IN (:me, '') AND version > :through)
                        """,
                    arguments: ["through": through, "me": actor.personID?.rawValue ?? ""])
            }
            return PullPage(
                cursor: Cursor(databaseID: clock.databaseID, epoch: epoch, version: through).encoded, hasMore: hasMore, reset: reset,
                lastMutationID: lastMutationID, changes: changes, remaining: remaining)
        }
    }

    /// The client's lastMutationID when it is known (nil when unseen); `forbidden` when it is someone else's.
    private func knownClient(actor: Principal, clientID: ClientID) -> @Sendable (Database) throws -> Int64? {
        let person = actor.personID?.rawValue ?? ""
        return { db in
            guard let known = try Row.fetchOne(
                db, cached: "SELECT person_id, last_mutation_id FROM sync_client WHERE id = ?", arguments: [clientID.rawValue])
            else { return nil }
            guard known["person_id"] == person else { throw Problem(.forbidden, "this clientID belongs to another person") }
            return known["last_mutation_id"]
        }
    }

    private func bindClientForPull(actor: Principal, clientID: ClientID) -> @Sendable (Database) throws -> Int64 {
        let now = environment.now()
        let person = actor.personID?.rawValue ?? ""
        return { db in try self.bindClient(clientID, person: person, now: now, db) }
    }

    static func clockRow(_ db: Database) throws -> (databaseID: String, version: Int64, epoch: Int64, purgedThrough: Int64) {
        let row = try Row.fetchOne(db, cached: "SELECT database_id, version, visibility_epoch, purged_through FROM clock WHERE id = 1")!
        return (row["database_id"], row["version"], row["visibility_epoch"], row["purged_through"])
    }

    /// The reader's visibility epoch: everyone's plus their own (see `Sight`).
    static func readerEpoch(_ actor: Principal, everyone: Int64, _ db: Database) throws -> Int64 {
        guard let person = actor.personID else { return everyone }
        let own = try Int64.fetchOne(db, cached: "SELECT epoch FROM reader_epoch WHERE person_id = ?", arguments: [person.rawValue]) ?? 0
        return everyone + own
    }

    /// Deletions for the entities the reader lost sight of after `since` and cannot see now, in version order.
    static func lostSight(since: Int64, through: Int64 = .max, limit: Int, actor: Principal, _ db: Database) throws -> [PulledChange] {
        guard !actor.isAdmin else { return [] }
        // Most pulls have no losses to carry: ask the primary key first, which costs a fraction of the full query.
        guard try Bool.fetchOne(
            db,
            cached: "SELECT 1 FROM lost_sight WHERE person_id IN (?, '') AND version > ? LIMIT 1",
            arguments: [actor.personID?.rawValue ?? "", since]) == true
        else { return [] }
        let sql = """
            SELECT max(l.version) AS version, l.type, l.entity_id FROM lost_sight l
            JOIN change c ON c.type = l.type AND c.entity_id = l.entity_id AND c.deleted = 0
            WHERE l.version > :since AND l.version <= :through AND l.person_id IN (:me, '') AND NOT \(ChangeLog.visibleToReader)
            GROUP BY l.type, l.entity_id ORDER BY version LIMIT :limit
            """
        let arguments: StatementArguments = [
            "since": since, "through": through, "limit": limit, "me": actor.personID?.rawValue ?? "", "admin": false,
        ]
        return try Row.fetchAll(db, cached: sql, arguments: arguments).map { row in
            PulledChange(type: row["type"], id: row["entity_id"], version: row["version"], deleted: true, value: nil)
        }
    }

    static func changes(since: Int64, limit: Int, actor: Principal, includeDeleted: Bool, _ db: Database) throws -> [PulledChange] {
        let sql = """
            SELECT c.version, c.type, c.entity_id, c.deleted, \(ChangeLog.valueForReader) AS body
            FROM change c
            WHERE c.version > :since \(includeDeleted ? "" : "AND c.deleted = 0") AND \(ChangeLog.visibleToReader)
            ORDER BY c.version LIMIT :limit
            """
        let arguments: StatementArguments = [
            "since": since, "limit": limit, "me": actor.personID?.rawValue ?? "", "admin": actor.isAdmin,
        ]
        // A cursor over the statement, columns by position: no copied row and no name look-up per
        // column, which were a third of an initial pull's time in the store.
        var changes: [PulledChange] = []
        changes.reserveCapacity(min(limit, 1024))
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        while let row = try rows.next() {
            changes.append(PulledChange(type: row[1], id: row[2], version: row[0], deleted: row[3], value: row[4]))
        }
        return changes
    }

    /// The stored JSON values of one type that the reader may see, optionally within one series, in a natural order.
    public func values(of type: EntityType, inSeries series: SeriesID? = nil, id: String? = nil, actor: Principal) throws -> [String] {
        var filter = ""
        var order = "c.version"
        switch type {
        case .suggestion:
            filter = "AND c.entity_id IN (SELECT id FROM suggestion WHERE series_id = :series)"
            order = "(SELECT created_at FROM suggestion s WHERE s.id = c.entity_id), c.entity_id"
        case .episode:
            filter = "AND c.entity_id IN (SELECT id FROM episode WHERE series_id = :series)"
            order = "(SELECT starts_at FROM episode e WHERE e.id = c.entity_id), c.entity_id"
        case .series:
            order = "(SELECT slug FROM series s WHERE s.id = c.entity_id)"
        default: break
        }
        if series == nil { filter = "" }
        if id != nil { filter += " AND c.entity_id = :id" }
        let sql = """
            SELECT \(ChangeLog.valueForReader) AS body FROM change c
            WHERE c.type = :type AND c.deleted = 0 \(filter) AND \(ChangeLog.visibleToReader)
            ORDER BY \(order)
            """
        let arguments: StatementArguments = [
            "type": type.rawValue, "series": series?.rawValue, "id": id, "me": actor.personID?.rawValue ?? "",
            "admin": actor.isAdmin,
        ]
        return try pool.read { db in try String.fetchAll(db, cached: sql, arguments: arguments) }
    }

    /// The id of the series with this id or slug, if the reader may see it.
    public func resolveSeries(_ idOrSlug: String, actor: Principal) throws -> SeriesID? {
        let id = try pool.read { db in
            try String.fetchOne(db, cached: "SELECT id FROM series WHERE id = ? OR slug = ?", arguments: [idOrSlug, idOrSlug])
        }
        guard let id, try !values(of: .series, id: id, actor: actor).isEmpty else { return nil }
        return SeriesID(trusted: id)
    }
}

extension Store {
    /// Whether anything the reader may see changed in versions `(since, through]` (for live pokes).
    public func hasVisibleChanges(since: Int64, through: Int64, actor: Principal) async throws -> Bool {
        let sql = """
            SELECT EXISTS (SELECT 1 FROM change c
                WHERE c.version > :since AND c.version <= :through AND \(ChangeLog.visibleToReader))
            OR EXISTS (SELECT 1 FROM lost_sight l
                WHERE l.version > :since AND l.version <= :through AND l.person_id IN (:me, ''))
            """
        let arguments: StatementArguments = [
            "since": since, "through": through, "me": actor.personID?.rawValue ?? "", "admin": actor.isAdmin,
        ]
        return try await pool.read { db in try Bool.fetchOne(db, cached: sql, arguments: arguments) ?? false }
    }

    /// The current change version (cheap; for the poke service's polling).
    public func currentVersion() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, cached: "SELECT version FROM clock WHERE id = 1") ?? 0 }
    }
}
