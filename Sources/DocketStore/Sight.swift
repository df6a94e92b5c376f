import DocketCore
import Foundation
import GRDB

/// What readers lose and gain sight of when memberships, series settings or an entity's audience change.
///
/// PROTOCOL sections 3 and 8: an entity leaving what a reader may see reaches
/// them as a deletion. A loss that can be listed is kept as `lost_sight` rows,
/// which the reader's next pull carries as `deleted: true` for each entity they
/// cannot see by then. A reader who may newly see entities that did not change
/// (joined a series, became an organizer, a series made public, live results),
/// or who sees unchanged entities differently (an organizer no longer sees
/// emails), cannot be sent that as changes: their visibility epoch rises and
/// their next pull is a reset.
enum Sight {
    /// One entity, as the change log names it.
    struct Key: Hashable {
        var type: String
        var id: String
    }

    /// Who lost sight: one person, or (`everyone`) every reader who cannot see the entity now.
    static let everyone = ""

    /// The change log's reader rule with the reader taken from a column rather than the `:me` parameter.
    /// The column's table alias must not be one the rule uses inside (`a`, `c`, `m`, `s`).
    private static func visibleTo(_ column: String) -> String {
        ChangeLog.visibleToReader
            .replacingOccurrences(of: ":admin", with: "coalesce((SELECT is_admin FROM person WHERE id = \(column)), 0)")
            .replacingOccurrences(of: ":me", with: column)
    }

    /// The live entities with an audience in `series` that `person` may see now.
    static func visibleInSeries(_ series: String, to person: String, _ db: Database) throws -> Set<Key> {
        let rows = try Row.fetchAll(
            db,
            cached: """
                SELECT c.type, c.entity_id FROM change c
                WHERE c.deleted = 0
                AND EXISTS (SELECT 1 FROM audience a WHERE a.type = c.type AND a.entity_id = c.entity_id AND a.series_id = :series)
                AND \(visibleTo(":person"))
                """,
            arguments: ["series": series, "person": person])
        return Set(rows.map { Key(type: $0["type"], id: $0["entity_id"]) })
    }

    /// A person's role in a series changed from `old` to `new`; `before` is what they saw, when a loss is to be listed.
    ///
    /// A member who leaves loses what only the series showed them: listed. Every other change is a
    /// gain, or changes how unchanged entities look (an organizer sees emails): a reset.
    static func membershipChanged(
        person: String, series: String, from old: SeriesRole?, to new: SeriesRole?, before: Set<Key>?, _ context: MutationContext
    ) throws {
        guard old != new else { return }
        if new == nil, old == .member, let before {
            let after = try visibleInSeries(series, to: person, context.db)
            for key in before.subtracting(after) { context.lostSight.append((person, key)) }
        } else {
            context.epochRaised.insert(person)
        }
    }

    /// A series' visibility or results visibility changed (old values given, new ones already written).
    static func seriesSettingsChanged(
        _ series: String, visibility old: String, resultsVisibility oldResults: String, _ context: MutationContext
    ) throws {
        guard let row = try Row.fetchOne(
            context.db, cached: "SELECT visibility, results_visibility FROM series WHERE id = ?", arguments: [series])
        else { return }
        let visibility: String = row["visibility"], results: String = row["results_visibility"]
        if old == SeriesVisibility.public.rawValue, visibility != old {
            // Everything the series showed everyone: each reader who cannot see it now gets a deletion.
            let rows = try Row.fetchAll(
                context.db,
                cached: "SELECT DISTINCT type, entity_id FROM audience WHERE series_id = ? AND level = 'series'", arguments: [series])
            for row in rows { context.lostSight.append((everyone, Key(type: row["type"], id: row["entity_id"]))) }
        } else if visibility == SeriesVisibility.public.rawValue, visibility != old {
            context.everyoneEpochRaised = true
        }
        guard results != oldResults else { return }
        let members = try String.fetchAll(
            context.db, cached: "SELECT person_id FROM membership WHERE series_id = ? AND role = 'member'", arguments: [series])
        for member in members {
            if results == ResultsVisibility.live.rawValue {
                context.epochRaised.insert(member)
            } else {
                context.lostSight.append((member, Key(type: EntityType.standing.rawValue, id: series)))
            }
        }
    }

    /// An entity's audiences shrank: who matched a removed audience and cannot see it now.
    ///
    /// The members of a series are checked in one query, not one by one: a series may have thousands.
    static func audiencesShrank(_ key: Key, removed: Set<ChangeLog.Audience>, _ context: MutationContext) throws {
        var readers: Set<String> = []
        for audience in removed {
            if audience.level == "owner" {
                if try !isVisible(key, to: audience.personID, context.db) { readers.insert(audience.personID) }
                continue
            }
            readers.formUnion(try String.fetchAll(
                context.db,
                cached: """
                    SELECT reader.person_id FROM membership reader WHERE reader.series_id = :series AND NOT EXISTS (
                        SELECT 1 FROM change c WHERE c.type = :type AND c.entity_id = :id AND c.deleted = 0
                        AND \(visibleTo("reader.person_id")))
                    """,
                arguments: ["series": audience.seriesID, "type": key.type, "id": key.id]))
            if audience.level == "series", try String.fetchOne(
                context.db, cached: "SELECT visibility FROM series WHERE id = ?", arguments: [audience.seriesID]) == SeriesVisibility.public.rawValue,
                try !isVisible(key, to: everyone, context.db)
            {
                readers.insert(everyone)
            }
        }
        for reader in readers.sorted() { context.lostSight.append((reader, key)) }
    }

    /// Whether `reader` (a person id, or `everyone` for a reader who belongs to nothing) may see the entity now.
    static func isVisible(_ key: Key, to reader: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            cached: "SELECT 1 FROM change c WHERE c.type = :type AND c.entity_id = :id AND c.deleted = 0 AND \(visibleTo(":reader"))",
            arguments: ["type": key.type, "id": key.id, "reader": reader]) ?? false
    }

    /// Writes the losses and epochs a mutation collected: each loss at its own new version.
    ///
    /// One version per row, never one shared by many: pull pages end at a version, so a page
    /// boundary inside a group of equal versions would skip the rest of the group.
    static func record(_ context: MutationContext) throws {
        var seen: Set<String> = []
        let losses = context.lostSight.filter { seen.insert("\($0.person) \($0.key.type):\($0.key.id)").inserted }
        if !losses.isEmpty {
            let last = try ChangeLog.nextVersion(context, count: Int64(losses.count))
            for (offset, (person, key)) in losses.enumerated() {
                try context.db.execute(
                    cached: "INSERT OR IGNORE INTO lost_sight (version, person_id, type, entity_id, changed_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [last - Int64(losses.count - 1 - offset), person, key.type, key.id, context.now.milliseconds])
            }
        }
        for person in context.epochRaised.sorted() {
            try context.db.execute(
                cached: """
                    INSERT INTO reader_epoch (person_id, epoch) VALUES (?, 1)
                    ON CONFLICT (person_id) DO UPDATE SET epoch = epoch + 1
                    """,
                arguments: [person])
        }
        if context.everyoneEpochRaised {
            try context.db.execute(cached: "UPDATE clock SET visibility_epoch = visibility_epoch + 1 WHERE id = 1")
        }
    }
}
