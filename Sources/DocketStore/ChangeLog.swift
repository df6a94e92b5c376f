import DocketCore
import GRDB

/// Writes the change log: each touched entity's serialized state at a new version.
///
/// Versions come from the `clock` row, incremented inside the writing
/// transaction, so they are gap-free and strictly increasing across the
/// server. Each entity keeps one row, moved to its newest version.
enum ChangeLog {
    /// One reader class who may see an entity.
    struct Audience: Hashable {
        var level: String
        var seriesID: String = ""
        var personID: String = ""
    }

    /// An entity's stored form: what everyone who may see it sees, and the fuller private form.
    struct Snapshot {
        var value: String
        var privateValue: String?
        var audiences: [Audience]
    }

    /// Records every entity `context` touched; returns the highest version written (or nil when none).
    ///
    /// An entity whose stored form and audience are unchanged (a person named
    /// again in a series that already sees them) keeps its version: pulls then
    /// carry only what really changed.
    @discardableResult
    static func record(_ context: MutationContext) throws -> Int64? {
        // First what changed, then one move of the clock for all of it.
        var changes: [(type: EntityType, id: String, snapshot: Snapshot?, existed: Bool, stored: Set<Audience>?)] = []
        for (type, id) in context.touched {
            let key = "\(type.rawValue):\(id)"
            let snapshot = try context.precomputed[key] ?? snapshot(type, id, context.db)
            #if DEBUG
            // A form the handler built from what it wrote must be the form a read would give.
            if context.built.contains(key), let built = snapshot {
                let read = try self.snapshot(type, id, context.db)
                precondition(
                    read?.value == built.value && read?.privateValue == built.privateValue
                        && read.map { Set($0.audiences) } == Set(built.audiences),
                    "the handler's form of \(key) differs from the stored entity's")
            }
            #endif
            if context.created.contains(key) {
                // New in this mutation: there is no change row to compare with (its own insert, on the entity's
                // primary key, showed the id unused; entities are never deleted from their tables).
                changes.append((type, id, snapshot, false, nil))
                continue
            }
            // The entity may have been created earlier in this push, its row still held.
            try context.flushHeld()
            let row = try Row.fetchOne(
                context.db, cached: "SELECT deleted, value, private_value FROM change WHERE type = ? AND entity_id = ?",
                arguments: [type.rawValue, id])
            let stored = row?["deleted"] == false ? try storedAudiences(type, id, context.db) : nil
            if isUnchanged(row, snapshot, stored) { continue }
            changes.append((type, id, snapshot, row != nil, stored))
        }
        let last = changes.isEmpty ? nil : try nextVersion(context, count: Int64(changes.count))
        var versions: [String: Int64] = [:]
        for (offset, change) in changes.enumerated() {
            let version = last! - Int64(changes.count - 1 - offset)
            let key = "\(change.type.rawValue):\(change.id)"
            versions[key] = version
            if context.held != nil, !change.existed, let snapshot = change.snapshot, context.created.contains(key) {
                // Created by this mutation: nothing reads its row before the push writes it (see `HeldWrites`).
                context.heldChanges.append(
                    HeldWrites.Change(version: version, type: change.type, id: change.id, snapshot: snapshot, at: context.now.milliseconds))
                continue
            }
            try write(
                change.type, change.id, change.snapshot, version: version, at: context.now, existed: change.existed,
                audiences: change.stored, db: context.db)
            if let snapshot = change.snapshot, let stored = change.stored {
                let removed = stored.subtracting(snapshot.audiences)
                if !removed.isEmpty { try Sight.audiencesShrank(Sight.Key(type: change.type.rawValue, id: change.id), removed: removed, context) }
            }
        }
        try Sight.record(context)
        for (type, id, fields) in context.fieldChanges {
            guard let version = versions["\(type.rawValue):\(id)"] else { continue }
            for field in fields {
                try context.db.execute(
                    cached: """
                        INSERT INTO field_change (type, entity_id, field, version, client_id) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (type, entity_id, field) DO UPDATE SET version = excluded.version, client_id = excluded.client_id
                        """,
                    arguments: [type.rawValue, id, field, version, context.clientID?.rawValue])
            }
        }
        return last
    }

    /// Takes `count` new versions from the clock and returns the last of them.
    static func nextVersion(_ context: MutationContext, count: Int64 = 1) throws -> Int64 {
        if let held = context.held { return try held.nextVersion(context.db, count: count) }
        let db = context.db
        // An update and a read, not `RETURNING`: SQLite gathers returned rows in a table of their own first, and
        // as one statement this was 3% slower on a push (DocketBench push).
        try db.execute(cached: "UPDATE clock SET version = version + ? WHERE id = 1", arguments: [count])
        return try Int64.fetchOne(db, cached: "SELECT version FROM clock WHERE id = 1")!
    }

    /// Whether the stored change row (nil: never written) already holds `snapshot` with the same audiences.
    private static func isUnchanged(_ row: Row?, _ snapshot: Snapshot?, _ stored: Set<Audience>?) -> Bool {
        guard let row else { return snapshot == nil }  // never written and still nothing: no tombstone
        guard let snapshot else { return row["deleted"] == true }
        guard row["deleted"] == false, row["value"] == snapshot.value, row["private_value"] == snapshot.privateValue else { return false }
        return stored == Set(snapshot.audiences)
    }

    /// The audiences stored with a live entity.
    private static func storedAudiences(_ type: EntityType, _ id: String, _ db: Database) throws -> Set<Audience> {
        Set(try Row.fetchAll(
            db, cached: "SELECT level, series_id, person_id FROM audience WHERE type = ? AND entity_id = ?", arguments: [type.rawValue, id]
        ).map { Audience(level: $0["level"], seriesID: $0["series_id"], personID: $0["person_id"]) })
    }

    /// Stores the entity's new state at `version` (one row per entity, moved to its newest version), and its
    /// audiences when they differ from the `audiences` stored with it. A tombstone keeps the audiences of the
    /// entity it replaces, so whoever could see the entity sees its deletion.
    private static func write(
        _ type: EntityType, _ id: String, _ snapshot: Snapshot?, version: Int64, at: Timestamp, existed: Bool, audiences: Set<Audience>?,
        db: Database
    ) throws {
        try changeRows.run(changeValues(type, id, snapshot, version: version, at: at.milliseconds), db)
        guard let snapshot else { return }
        let wanted = Set(snapshot.audiences)
        guard wanted != audiences else { return }
        if existed { try db.execute(cached: "DELETE FROM audience WHERE type = ? AND entity_id = ?", arguments: [type.rawValue, id]) }
        try audienceRows.run(audienceValues(type, id, wanted), db)
    }

    /// Change rows: version, type, id, deleted, value, private value, time. An entity's row moves to its newest version.
    static let changeRows = RowInsert(
        "INSERT INTO change (version, type, entity_id, deleted, value, private_value, changed_at) VALUES", columns: 7,
        """
        ON CONFLICT (type, entity_id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted,
            value = excluded.value, private_value = excluded.private_value, changed_at = excluded.changed_at
        """)

    /// The `changeRows` values of an entity's state at `version` (a tombstone when `snapshot` is nil).
    static func changeValues(_ type: EntityType, _ id: String, _ snapshot: Snapshot?, version: Int64, at: Int64) -> [SQLValue] {
        [
            .integer(version), .text(type.rawValue), .text(id), .integer(snapshot == nil ? 1 : 0), SQLValue(snapshot?.value),
            SQLValue(snapshot?.privateValue), .integer(at),
        ]
    }

    /// Audience rows: type, id, level, series, person.
    static let audienceRows = RowInsert("INSERT INTO audience (type, entity_id, level, series_id, person_id) VALUES", columns: 5)

    /// The `audienceRows` values of an entity's audiences.
    static func audienceValues(_ type: EntityType, _ id: String, _ audiences: Set<Audience>) -> [SQLValue] {
        audiences.flatMap { [.text(type.rawValue), .text(id), .text($0.level), .text($0.seriesID), .text($0.personID)] as [SQLValue] }
    }

    /// The entity's current stored form, or nil when it no longer exists.
    static func snapshot(_ type: EntityType, _ id: String, _ db: Database) throws -> Snapshot? {
        switch type {
        case .series:
            guard let series = try Loaders.series(db, id) else { return nil }
            return Snapshot(value: series.json.jsonString, audiences: [Audience(level: "series", seriesID: id)])
        case .person:
            guard let person = try Loaders.person(db, id) else { return nil }
            // Everyone who sees the person sees their roles in public series only; the full list and
            // the email go to the person, administrators and organizers of a series they belong to.
            var shown = person
            shown.roles = try person.roles.filter {
                try String.fetchOne(db, cached: "SELECT visibility FROM series WHERE id = ?", arguments: [$0.seriesID.rawValue])
                    == SeriesVisibility.public.rawValue
            }
            let privateValue = person.json(includingEmail: true).jsonString
            let value = shown.json(includingEmail: false).jsonString
            return Snapshot(
                value: value,
                privateValue: privateValue == value ? nil : privateValue,
                audiences: try personAudiences(id, db))
        case .paper:
            guard let paper = try Loaders.paper(db, id) else { return nil }
            return snapshot(of: paper, audiences: try paperAudiences(id, db))
        case .suggestion:
            guard let suggestion = try Loaders.suggestion(db, id) else { return nil }
            return snapshot(of: suggestion)
        case .ballot:
            guard let ballot = try Loaders.ballot(db, id) else { return nil }
            return Snapshot(value: ballot.json.jsonString, audiences: [Audience(level: "owner", personID: ballot.voterID.rawValue)])
        case .episode:
            guard let episode = try Loaders.episode(db, id) else { return nil }
            return Snapshot(value: episode.json.jsonString, audiences: [Audience(level: "series", seriesID: episode.seriesID.rawValue)])
        case .standing:
            // Standings are counted by the standing service and always arrive precomputed; this is the stored one.
            guard let value = try String.fetchOne(
                db, cached: "SELECT value FROM change WHERE type = 'standing' AND entity_id = ? AND deleted = 0", arguments: [id])
            else { return nil }
            return Snapshot(value: value, audiences: [Audience(level: "results", seriesID: id)])
        case .round:
            guard let round = try Loaders.round(db, id) else { return nil }
            return Snapshot(value: round.json.jsonString, audiences: [Audience(level: "member", seriesID: round.seriesID.rawValue)])
        }
    }

    /// A suggestion's stored form: its members see it.
    static func snapshot(of suggestion: Suggestion) -> Snapshot {
        Snapshot(value: suggestion.json.jsonString, audiences: [Audience(level: "member", seriesID: suggestion.seriesID.rawValue)])
    }

    /// A paper's stored form, seen by `audiences` (those of the suggestions and episodes that name it).
    static func snapshot(of paper: Paper, audiences: [Audience]) -> Snapshot {
        Snapshot(value: paper.json.jsonString, audiences: audiences)
    }

    private static func personAudiences(_ id: String, _ db: Database) throws -> [Audience] {
        let rows = try Row.fetchAll(
            db,
            cached: """
                WITH RECURSIVE proposed(series_id) AS (
                    -- The distinct series of a person's suggestions, found by skipping through the
                    -- (proposer_id, series_id) index rather than reading every suggestion.
                    SELECT min(series_id) FROM suggestion WHERE proposer_id = :id
                    UNION ALL
                    SELECT (SELECT min(series_id) FROM suggestion WHERE proposer_id = :id AND series_id > proposed.series_id)
                    FROM proposed WHERE proposed.series_id IS NOT NULL)
                SELECT 'member' AS level, series_id FROM membership WHERE person_id = :id
                UNION SELECT 'series', e.series_id FROM presenter p JOIN episode e ON e.id = p.episode_id WHERE p.person_id = :id
                UNION SELECT 'member', series_id FROM proposed WHERE series_id IS NOT NULL
                UNION SELECT 'member', s.series_id FROM volunteer v JOIN suggestion s ON s.id = v.suggestion_id WHERE v.person_id = :id
                """,
            arguments: ["id": id])
        return [Audience(level: "owner", personID: id)] + rows.map { Audience(level: $0["level"], seriesID: $0["series_id"]) }
    }

    private static func paperAudiences(_ id: String, _ db: Database) throws -> [Audience] {
        try Row.fetchAll(
            db,
            cached: """
                SELECT 'member' AS level, s.series_id FROM suggestion_paper sp JOIN suggestion s ON s.id = sp.suggestion_id
                WHERE sp.paper_id = :id
                UNION SELECT 'series', e.series_id FROM episode_paper ep JOIN episode e ON e.id = ep.episode_id
                WHERE ep.paper_id = :id
                """,
            arguments: ["id": id]
        ).map { Audience(level: $0["level"], seriesID: $0["series_id"]) }
    }

    /// Whether the reader may see an entity now (the pull's rule, for one entity).
    static func isVisible(_ type: EntityType, _ id: String, to actor: Principal, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            cached: "SELECT 1 FROM change c WHERE c.type = :type AND c.entity_id = :id AND c.deleted = 0 AND \(visibleToReader)",
            arguments: ["type": type.rawValue, "id": id, "me": actor.personID?.rawValue ?? "", "admin": actor.isAdmin]) ?? false
    }

    /// SQL that is true when the reader (`:me`, `:admin`) may see change row `c`.
    static let visibleToReader = """
        (:admin = 1 OR EXISTS (SELECT 1 FROM audience a WHERE a.type = c.type AND a.entity_id = c.entity_id AND (
            (a.level = 'owner' AND a.person_id = :me)
            OR (a.level = 'series' AND (
                EXISTS (SELECT 1 FROM series s WHERE s.id = a.series_id AND s.visibility = 'public')
                OR EXISTS (SELECT 1 FROM membership m WHERE m.series_id = a.series_id AND m.person_id = :me)))
            OR (a.level = 'member' AND EXISTS (
                SELECT 1 FROM membership m WHERE m.series_id = a.series_id AND m.person_id = :me))
            OR (a.level = 'organizer' AND EXISTS (
                SELECT 1 FROM membership m WHERE m.series_id = a.series_id AND m.person_id = :me AND m.role = 'organizer'))
            OR (a.level = 'results' AND EXISTS (
                SELECT 1 FROM membership m JOIN series s ON s.id = m.series_id
                WHERE m.series_id = a.series_id AND m.person_id = :me
                AND (m.role = 'organizer' OR s.results_visibility = 'live'))))))
        """

    /// SQL for the value the reader sees of change row `c`: the private form for the person
    /// themself, administrators, and organizers of a series the person belongs to or proposes in
    /// (being named as a presenter does not show one's email to that series' organizers).
    static let valueForReader = """
        CASE WHEN c.private_value IS NULL THEN c.value
             WHEN :admin = 1 OR c.entity_id = :me THEN c.private_value
             WHEN EXISTS (SELECT 1 FROM audience a JOIN membership m ON m.series_id = a.series_id
                          WHERE a.type = c.type AND a.entity_id = c.entity_id AND a.level = 'member'
                          AND m.person_id = :me AND m.role = 'organizer') THEN c.private_value
             ELSE c.value END
        """
}
