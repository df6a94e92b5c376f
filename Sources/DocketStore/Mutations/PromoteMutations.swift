import DocketCore
import GRDB

/// `suggestion.promote`: a suggestion becomes an episode in the given or the next free slot.
enum PromoteMutations {
    static func promote(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", SuggestionKind.self)
        let episodeID = args.id("episodeID", EpisodeKind.self)
        let startsAt = args.optionalTimestamp("startsAt")
        let title = args.optionalString("title")
        try args.finish()
        guard let id, let episodeID else { return }
        let facts = try SuggestionMutations.load(id, context)
        try context.require(.organizer, in: facts.series, field: "args.id")
        if let startsAt, startsAt <= context.now { throw Problem.invalid("args.startsAt", "must lie in the future") }
        let slot = try startsAt ?? nextFreeSlots(series: facts.series, count: 1, context).first
        guard let slot else { throw Problem(.conflict, "the series has no free slot in the next ten years") }
        try promote(id, into: episodeID, startsAt: slot, title: title, context)
    }

    /// Makes episode `episodeID` from an open suggestion: its title, pitch as abstract, papers (the first as
    /// main) and volunteers as proposed presenters; links both ways and marks the suggestion promoted.
    static func promote(_ id: SuggestionID, into episodeID: EpisodeID, startsAt: Timestamp, title: String?, _ context: MutationContext) throws {
        guard let suggestion = try Loaders.suggestion(context.db, id.rawValue) else { throw Problem.invalid("args.id", "names an unknown suggestion") }
        guard suggestion.status == .open else {
            throw Problem(.conflict, "the suggestion is \(suggestion.status.rawValue), not open", extensions: ["current": suggestion.json])
        }
        var episode = Args([
            "id": .string(episodeID.rawValue), "seriesID": .string(suggestion.seriesID.rawValue),
            "title": .string(title ?? suggestion.title), "startsAt": .string(startsAt.rfc3339), "abstract": .optional(suggestion.pitch),
            "papers": .array(suggestion.paperIDs.enumerated().map { index, paper in
                ["paperID": .string(paper.rawValue), "role": index == 0 ? "main" : "background"]
            }),
            "presenters": .array(suggestion.volunteers.map {
                ["personID": .string($0.personID.rawValue), "role": "presenter", "status": "proposed"]
            }),
        ])
        try EpisodeMutations.create(&episode, context)
        try context.db.execute(
            cached: "UPDATE episode SET suggestion_id = ? WHERE id = ?", arguments: [id.rawValue, episodeID.rawValue])
        try context.db.execute(
            cached: "UPDATE suggestion SET status = 'promoted', episode_id = ?, updated_at = ?, closed_at = ? WHERE id = ?",
            arguments: [episodeID.rawValue, context.now.milliseconds, context.now.milliseconds, id.rawValue])
        context.touch(.suggestion, id.rawValue)
    }

    /// The series' next `count` free cadence slots after now (PROTOCOL section 8, "Promotion").
    static func nextFreeSlots(series: SeriesID, count: Int, _ context: MutationContext) throws -> [Timestamp] {
        let calendar = try slotCalendar(series, context)
        let skipped = try String.fetchAll(
            context.db, cached: "SELECT local_date FROM skipped_date WHERE series_id = ?", arguments: [series.rawValue])
        let occupied = try Int64.fetchAll(
            context.db, cached: "SELECT starts_at FROM episode WHERE series_id = ? AND status <> 'cancelled' AND starts_at >= ?",
            arguments: [series.rawValue, context.now.milliseconds - 86_400_000])
        return calendar.nextFreeSlots(
            after: context.now, count: count, skipped: Set(skipped.compactMap(CivilDate.init(iso:))),
            occupied: occupied.map(Timestamp.init(milliseconds:))
        ).map(\.startsAt)
    }

    /// The series' meeting calendar; `conflict` when its stored cadence cannot be followed.
    static func slotCalendar(_ series: SeriesID, _ context: MutationContext) throws -> SlotCalendar {
        guard let row = try Row.fetchOne(
            context.db, cached: "SELECT time_zone, rrule, start_date, start_time, duration_minutes FROM series WHERE id = ?",
            arguments: [series.rawValue])
        else { throw Problem.invalid("args.seriesID", "names an unknown series") }
        let cadence = Cadence(
            rrule: row["rrule"], startDate: CivilDate(iso: row["start_date"])!, startTime: LocalTime(row["start_time"])!,
            durationMinutes: row["duration_minutes"])
        guard let calendar = try? SlotCalendar(cadence: cadence, timeZone: row["time_zone"]) else {
            throw Problem(.conflict, "the series' cadence cannot be followed; fix it with series.update")
        }
        return calendar
    }
}
