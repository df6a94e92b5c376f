import DocketCore
import GRDB

/// `episode.create`, `episode.update` and `episode.cancel`.
enum EpisodeMutations {
    static let updatableFields = [
        "title", "durationMinutes", "status", "abstract", "location", "streamURL", "recordingURL", "papers", "presenters",
        "links", "relatedEpisodeIDs",
    ]

    static func create(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", EpisodeKind.self)
        let seriesID = args.id("seriesID", SeriesKind.self)
        let title = args.string("title")
        let startsAt = args.timestamp("startsAt")
        let duration = args.optionalInt("durationMinutes", in: 1...1440)
        let status = args.optionalChoice("status", EpisodeStatus.self) ?? .scheduled
        if status == .cancelled { args.fail("status", "must be \"scheduled\" or \"held\" (cancel with episode.cancel)") }
        let abstract = args.optionalString("abstract", maxLength: 20_000, trim: false)
        let location = args.optionalString("location")
        let streamURL = args.optionalURL("streamURL")
        let recordingURL = args.optionalURL("recordingURL")
        let papers = readPapers(&args) ?? []
        let presenters = readPresenters(&args) ?? []
        let links = readLinks(&args) ?? []
        let related = readRelated(&args) ?? []
        try args.finish()
        guard let id, let seriesID, let title, let startsAt else { return }
        try context.require(.organizer, in: seriesID)
        if try Bool.fetchOne(context.db, cached: "SELECT 1 FROM episode WHERE id = ?", arguments: [id.rawValue]) == true {
            throw Problem(.conflict, "an episode with id \(id) already exists")
        }
        let defaultDuration = try Int.fetchOne(
            context.db, cached: "SELECT duration_minutes FROM series WHERE id = ?", arguments: [seriesID.rawValue]) ?? 60
        try checkReferences(papers: papers, presenters: presenters, related: related, series: seriesID, self: id, path: "args", actor: context.actor, context.db)
        try context.db.execute(
            cached: """
                INSERT INTO episode (id, series_id, number, title, starts_at, duration_minutes, status, abstract, location,
                    stream_url, recording_url, links, related_episode_ids, created_at, updated_at)
                VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id.rawValue, seriesID.rawValue, title, startsAt.milliseconds, duration.map { Int($0) } ?? defaultDuration,
                status == .held ? "scheduled" : status.rawValue, abstract, location, streamURL, recordingURL,
                linksJSON(links), JSONValue.strings(related.map(\.rawValue)).jsonString, context.now.milliseconds,
                context.now.milliseconds,
            ])
        try writePapers(papers, episode: id, context)
        try writePresenters(presenters, episode: id, context)
        context.touch(.episode, id.rawValue)
        try Numbering.renumber(series: seriesID, context, newlyHeld: status == .held ? id : nil)
    }

    static func update(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", EpisodeKind.self)
        guard let update = Merge.readUpdate(&args), let id else { try args.finish(); return }
        var values = update.set
        let fields = Merge.fields(in: &values, allowed: updatableFields, raw: args.raw("set"))
        var assignments: [(String, (any DatabaseValueConvertible)?)] = []
        var papers: [EpisodePaper]?, presenters: [Presenter]?, related: [EpisodeID]?
        var newStatus: EpisodeStatus?
        for field in fields {
            switch field {
            case "title": values.string("title").map { assignments.append(("title", $0)) }
            case "durationMinutes": values.int("durationMinutes", in: 1...1440).map { assignments.append(("duration_minutes", $0)) }
            case "status":
                newStatus = values.choice("status", EpisodeStatus.self)
                if newStatus == .cancelled {
                    values.fail("status", "must be \"scheduled\" or \"held\" (cancel with episode.cancel)")
                    newStatus = nil
                }
            case "abstract": assignments.append(("abstract", values.optionalString("abstract", maxLength: 20_000, trim: false)))
            case "location": assignments.append(("location", values.optionalString("location")))
            case "streamURL": assignments.append(("stream_url", values.optionalURL("streamURL")))
            case "recordingURL": assignments.append(("recording_url", values.optionalURL("recordingURL")))
            case "papers": papers = readPapers(&values) ?? []
            case "presenters": presenters = readPresenters(&values) ?? []
            case "links": assignments.append(("links", linksJSON(readLinks(&values) ?? [])))
            case "relatedEpisodeIDs":
                related = readRelated(&values) ?? []
                assignments.append(("related_episode_ids", JSONValue.strings(related!.map(\.rawValue)).jsonString))
            default: break
            }
        }
        args.absorb(values)
        try args.finish()
        let facts = try load(id, context)
        try context.require(.organizer, in: facts.series, field: "args.id")
        if facts.status == .cancelled && (newStatus != nil) {
            throw Problem(.conflict, "a cancelled episode cannot change status")
        }
        try checkReferences(
            papers: papers ?? [], presenters: presenters ?? [], related: related ?? [], series: facts.series, self: id, path: "args.set",
            actor: context.actor, context.db)
        try Merge.check(.episode, id.rawValue, fields: fields, baseVersion: update.baseVersion, context)
        let moved = try movesInCalendar(id, assignments, context.db)
        try Updates.apply(table: "episode", id: id.rawValue, assignments, context)
        if moved {
            try context.db.execute(cached: "UPDATE episode SET sequence = sequence + 1 WHERE id = ?", arguments: [id.rawValue])
        }
        if let papers {
            try context.db.execute(cached: "DELETE FROM episode_paper WHERE episode_id = ?", arguments: [id.rawValue])
            try writePapers(papers, episode: id, context)
        }
        if let presenters {
            try context.db.execute(cached: "DELETE FROM presenter WHERE episode_id = ?", arguments: [id.rawValue])
            try writePresenters(presenters, episode: id, context)
        }
        context.recordFieldChanges(.episode, id.rawValue, fields)
        context.touch(.episode, id.rawValue)
        if let newStatus, newStatus != facts.status {
            if newStatus == .scheduled {
                try context.db.execute(cached: "UPDATE episode SET status = 'scheduled' WHERE id = ?", arguments: [id.rawValue])
            }
            try Numbering.renumber(series: facts.series, context, newlyHeld: newStatus == .held ? id : nil)
        }
    }

    static func cancel(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", EpisodeKind.self)
        try args.finish()
        guard let id else { return }
        let facts = try load(id, context)
        try context.require(.organizer, in: facts.series, field: "args.id")
        guard facts.status == .scheduled else { throw Problem(.conflict, "only a scheduled episode can be cancelled; this one is \(facts.status.rawValue)") }
        try context.db.execute(
            cached: "UPDATE episode SET status = 'cancelled', number = NULL, sequence = sequence + 1, updated_at = ? WHERE id = ?",
            arguments: [context.now.milliseconds, id.rawValue])
        context.touch(.episode, id.rawValue)
        try Numbering.renumber(series: facts.series, context, newlyHeld: nil)
    }

    static func load(_ id: EpisodeID, _ context: MutationContext) throws -> (series: SeriesID, status: EpisodeStatus) {
        guard let row = try Row.fetchOne(
            context.db,
            cached: "SELECT e.series_id, e.status, s.visibility FROM episode e JOIN series s ON s.id = e.series_id WHERE e.id = ?",
            arguments: [id.rawValue])
        else { throw Problem.invalid("args.id", "names an unknown episode") }
        let series = SeriesID(trusted: row["series_id"])
        // An episode the actor may not see is as unknown as one that does not exist.
        if row["visibility"] != SeriesVisibility.public.rawValue, try context.role(in: series) == nil {
            throw Problem.invalid("args.id", "names an unknown episode")
        }
        return (series, EpisodeStatus(rawValue: row["status"])!)
    }

    /// Whether `assignments` change the episode's duration or location, which calendars show as a
    /// new version of the event (its `SEQUENCE` grows); setting a field to its value changes nothing.
    private static func movesInCalendar(
        _ id: EpisodeID, _ assignments: [(String, (any DatabaseValueConvertible)?)], _ db: Database
    ) throws -> Bool {
        let watched = assignments.filter { $0.0 == "duration_minutes" || $0.0 == "location" }
        guard !watched.isEmpty,
            let row = try Row.fetchOne(db, cached: "SELECT duration_minutes, location FROM episode WHERE id = ?", arguments: [id.rawValue])
        else { return false }
        return watched.contains { column, value in (row[column] as DatabaseValue) != (value?.databaseValue ?? .null) }
    }

    private static func readPapers(_ args: inout Args) -> [EpisodePaper]? {
        guard let list = args.list("papers", maxCount: 50) else { return nil }
        var result: [EpisodePaper] = []
        for (index, entry) in list.enumerated() {
            var item = args.element("papers", index, entry)
            let paper = item.id("paperID", PaperKind.self)
            let role = item.optionalChoice("role", PaperRole.self) ?? .main
            args.absorb(item)
            if let paper {
                if result.contains(where: { $0.paperID == paper }) {
                    args.fail("papers[\(index)].paperID", "appears twice")
                } else {
                    result.append(EpisodePaper(paperID: paper, role: role))
                }
            }
        }
        return result
    }

    private static func readPresenters(_ args: inout Args) -> [Presenter]? {
        guard let list = args.list("presenters", maxCount: 50) else { return nil }
        var result: [Presenter] = []
        for (index, entry) in list.enumerated() {
            var item = args.element("presenters", index, entry)
            let person = item.id("personID", PersonKind.self)
            let role = item.optionalChoice("role", PresenterRole.self) ?? .presenter
            let status = item.optionalChoice("status", PresenterStatus.self) ?? .proposed
            args.absorb(item)
            if let person {
                if result.contains(where: { $0.personID == person }) {
                    args.fail("presenters[\(index)].personID", "appears twice")
                } else {
                    result.append(Presenter(personID: person, role: role, status: status))
                }
            }
        }
        return result
    }

    private static func readLinks(_ args: inout Args) -> [Link]? {
        guard let list = args.list("links", maxCount: 50) else { return nil }
        var result: [Link] = []
        for (index, entry) in list.enumerated() {
            var item = args.element("links", index, entry)
            let label = item.string("label", maxLength: 100)
            let url = item.optionalURL("url")
            if url == nil && item.isValid { item.fail("url", "is required") }
            args.absorb(item)
            if let label, let url { result.append(Link(label: label, url: url)) }
        }
        return result
    }

    private static func readRelated(_ args: inout Args) -> [EpisodeID]? {
        guard let list = args.stringList("relatedEpisodeIDs", maxCount: 50, maxLength: 36) else { return nil }
        var result: [EpisodeID] = []
        for (index, text) in list.enumerated() {
            guard let id = EpisodeID(text) else {
                args.fail("relatedEpisodeIDs[\(index)]", "must be an episode id")
                continue
            }
            result.append(id)
        }
        return result
    }

    private static func linksJSON(_ links: [Link]) -> String {
        JSONValue.array(links.map { ["label": .string($0.label), "url": .string($0.url)] }).jsonString
    }

    private static func checkReferences(
        papers: [EpisodePaper], presenters: [Presenter], related: [EpisodeID], series: SeriesID, self id: EpisodeID, path: String,
        actor: Principal, _ db: Database
    ) throws {
        var errors: [FieldError] = []
        for (index, paper) in papers.enumerated() where try !PaperMutations.isUsable(paper.paperID, actor: actor, db) {
            errors.append(FieldError(field: "\(path).papers[\(index)].paperID", message: "unknown paper"))
        }
        for (index, presenter) in presenters.enumerated() where try !PersonMutations.isPresentable(presenter.personID, in: series, db) {
            errors.append(FieldError(field: "\(path).presenters[\(index)].personID", message: "unknown person"))
        }
        for (index, episode) in related.enumerated() {
            let known = try Bool.fetchOne(
                db, cached: "SELECT 1 FROM episode WHERE id = ? AND series_id = ?", arguments: [episode.rawValue, series.rawValue])
            if known != true || episode == id {
                errors.append(FieldError(field: "\(path).relatedEpisodeIDs[\(index)]", message: "unknown episode of this series"))
            }
        }
        if let first = errors.first { throw Problem(.validationFailed, "\(first.field): \(first.message)", errors: errors) }
    }

    private static func writePapers(_ papers: [EpisodePaper], episode: EpisodeID, _ context: MutationContext) throws {
        for (position, paper) in papers.enumerated() {
            try context.db.execute(
                cached: "INSERT INTO episode_paper (episode_id, position, paper_id, role) VALUES (?, ?, ?, ?)",
                arguments: [episode.rawValue, position, paper.paperID.rawValue, paper.role.rawValue])
            context.touch(.paper, paper.paperID.rawValue)
        }
    }

    private static func writePresenters(_ presenters: [Presenter], episode: EpisodeID, _ context: MutationContext) throws {
        for (position, presenter) in presenters.enumerated() {
            try context.db.execute(
                cached: "INSERT INTO presenter (episode_id, position, person_id, role, status) VALUES (?, ?, ?, ?, ?)",
                arguments: [episode.rawValue, position, presenter.personID.rawValue, presenter.role.rawValue, presenter.status.rawValue])
            context.touch(.person, presenter.personID.rawValue)
        }
    }
}

/// Keeps episode numbers as `EpisodeNumbering` says after any change to a series' episodes.
enum Numbering {
    /// Renumbers the series; `newlyHeld` is an episode just marked held that must get a held number.
    static func renumber(series: SeriesID, _ context: MutationContext, newlyHeld: EpisodeID?) throws {
        if let newlyHeld {
            try context.db.execute(cached: "UPDATE episode SET status = 'held', number = NULL WHERE id = ?", arguments: [newlyHeld.rawValue])
            // Their presentedCount grows.
            for person in try String.fetchAll(
                context.db, cached: "SELECT person_id FROM presenter WHERE episode_id = ?", arguments: [newlyHeld.rawValue])
            {
                context.touch(.person, person)
            }
        }
        let rows = try Row.fetchAll(
            context.db, cached: "SELECT id, starts_at, status, number FROM episode WHERE series_id = ?", arguments: [series.rawValue])
        let entries = rows.map {
            EpisodeNumbering.Entry(
                id: EpisodeID(trusted: $0["id"]), startsAt: Timestamp(milliseconds: $0["starts_at"]),
                status: EpisodeStatus(rawValue: $0["status"])!, number: $0["number"])
        }
        let numbers = EpisodeNumbering.numbers(for: entries)
        // Clear changed numbers first so no two episodes hold one number mid-update.
        let changed = entries.filter { numbers[$0.id].flatMap { $0 } != $0.number }
        for entry in changed {
            try context.db.execute(
                cached: "UPDATE episode SET number = ?, updated_at = ? WHERE id = ?",
                arguments: [numbers[entry.id].flatMap { $0 }, context.now.milliseconds, entry.id.rawValue])
            context.touch(.episode, entry.id.rawValue)
        }
    }
}
