import DocketCore
import GRDB

/// `series.skip`, `series.unskip`, `episode.reschedule` and the `presenter.*` mutations.
enum CalendarMutations {
    static func skip(_ args: inout Args, _ context: MutationContext) throws {
        let seriesID = args.id("seriesID", SeriesKind.self)
        let date = readDate(&args)
        let reason = args.optionalString("reason")
        try args.finish()
        guard let seriesID, let date else { return }
        try context.require(.organizer, in: seriesID)
        guard try PromoteMutations.slotCalendar(seriesID, context).slot(onLocalDate: date) != nil else {
            throw Problem.invalid("args.date", "is not a meeting date of the series")
        }
        try context.db.execute(
            cached: """
                INSERT INTO skipped_date (series_id, local_date, reason, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (series_id, local_date) DO UPDATE SET reason = excluded.reason
                """,
            arguments: [seriesID.rawValue, date.iso, reason, context.now.milliseconds])
        context.touch(.series, seriesID.rawValue)
    }

    static func unskip(_ args: inout Args, _ context: MutationContext) throws {
        let seriesID = args.id("seriesID", SeriesKind.self)
        let date = readDate(&args)
        try args.finish()
        guard let seriesID, let date else { return }
        try context.require(.organizer, in: seriesID)
        try context.db.execute(
            cached: "DELETE FROM skipped_date WHERE series_id = ? AND local_date = ?", arguments: [seriesID.rawValue, date.iso])
        context.touch(.series, seriesID.rawValue)
    }

    private static func readDate(_ args: inout Args) -> CivilDate? {
        guard let text = args.string("date", maxLength: 10) else { return nil }
        guard let date = CivilDate(iso: text) else {
            args.fail("date", "must be a local date YYYY-MM-DD")
            return nil
        }
        return date
    }

    static func reschedule(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", EpisodeKind.self)
        let startsAt = args.timestamp("startsAt")
        try args.finish()
        guard let id, let startsAt else { return }
        let facts = try EpisodeMutations.load(id, context)
        try context.require(.organizer, in: facts.series, field: "args.id")
        guard facts.status == .scheduled else {
            throw Problem(.conflict, "only a scheduled episode can be rescheduled; this one is \(facts.status.rawValue)")
        }
        try context.db.execute(
            cached: "UPDATE episode SET starts_at = ?, sequence = sequence + 1, updated_at = ? WHERE id = ?",
            arguments: [startsAt.milliseconds, context.now.milliseconds, id.rawValue])
        context.touch(.episode, id.rawValue)
        try Numbering.renumber(series: facts.series, context, newlyHeld: nil)
    }

    static func assign(_ args: inout Args, _ context: MutationContext) throws {
        let episodeID = args.id("episodeID", EpisodeKind.self)
        let personID = args.id("personID", PersonKind.self)
        let role = args.optionalChoice("role", PresenterRole.self) ?? .presenter
        try args.finish()
        guard let episodeID, let personID else { return }
        let facts = try episode(episodeID, context)
        try context.require(.organizer, in: facts.series, field: "args.episodeID")
        try PersonMutations.requirePresentable(personID, in: facts.series, field: "args.personID", context)
        try context.db.execute(
            cached: """
                INSERT INTO presenter (episode_id, position, person_id, role, status)
                VALUES (?1, (SELECT coalesce(max(position) + 1, 0) FROM presenter WHERE episode_id = ?1), ?2, ?3, 'proposed')
                ON CONFLICT (episode_id, person_id) DO UPDATE SET role = excluded.role
                """,
            arguments: [episodeID.rawValue, personID.rawValue, role.rawValue])
        context.touch(.episode, episodeID.rawValue)
        context.touch(.person, personID.rawValue)
    }

    static func unassign(_ args: inout Args, _ context: MutationContext) throws {
        let episodeID = args.id("episodeID", EpisodeKind.self)
        let personID = args.id("personID", PersonKind.self)
        try args.finish()
        guard let episodeID, let personID else { return }
        let facts = try episode(episodeID, context)
        try context.require(.organizer, in: facts.series, field: "args.episodeID")
        try context.db.execute(
            cached: "DELETE FROM presenter WHERE episode_id = ? AND person_id = ?", arguments: [episodeID.rawValue, personID.rawValue])
        guard context.db.changesCount > 0 else { throw Problem.invalid("args.personID", "does not present in this episode") }
        context.touch(.episode, episodeID.rawValue)
        context.touch(.person, personID.rawValue)
    }

    static func respond(_ args: inout Args, _ context: MutationContext) throws {
        let episodeID = args.id("episodeID", EpisodeKind.self)
        let accept = args.bool("accept")
        try args.finish()
        guard let episodeID, let accept else { return }
        let person = try context.person()
        let facts = try episode(episodeID, context)
        guard try context.role(in: facts.series) != nil || facts.public else { throw Problem.invalid("args.episodeID", "names an unknown episode") }
        try context.db.execute(
            cached: "UPDATE presenter SET status = ? WHERE episode_id = ? AND person_id = ?",
            arguments: [accept ? "confirmed" : "declined", episodeID.rawValue, person.rawValue])
        guard context.db.changesCount > 0 else { throw Problem(.forbidden, "only a presenter of the episode may respond") }
        context.touch(.episode, episodeID.rawValue)
        context.touch(.person, person.rawValue)
    }

    private static func episode(_ id: EpisodeID, _ context: MutationContext) throws -> (series: SeriesID, public: Bool) {
        guard let row = try Row.fetchOne(
            context.db,
            cached: "SELECT e.series_id, s.visibility FROM episode e JOIN series s ON s.id = e.series_id WHERE e.id = ?",
            arguments: [id.rawValue])
        else { throw Problem.invalid("args.episodeID", "names an unknown episode") }
        let series = SeriesID(trusted: row["series_id"])
        let isPublic = row["visibility"] == SeriesVisibility.public.rawValue
        if !isPublic, try context.role(in: series) == nil { throw Problem.invalid("args.episodeID", "names an unknown episode") }
        return (series, isPublic)
    }
}
