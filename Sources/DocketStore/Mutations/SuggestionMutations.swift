import DocketCore
import GRDB

/// The `suggestion.*` mutations of the server issue (promotion comes with the voting issue).
enum SuggestionMutations {
    static let updatableFields = ["title", "pitch", "tags"]

    /// What `suggestion.create` reads from its arguments and, when they describe a paper, all it writes should that
    /// paper be new. `Store.push` makes it before the push waits for the writer (`prepare`), so that work runs
    /// beside the writer instead of in it; `Store.run` makes it in the handler.
    struct Draft: Sendable {
        var id: SuggestionID
        var seriesID: SeriesID
        var title: String?
        var pitch: String?
        var tags: [String]
        var paperFields: PaperFields?
        var paperID: PaperID?
        /// The paper and both stored forms, for a person proposing a paper no stored one has the DOI or arXiv id of.
        var ifNew: (paper: Paper, suggestion: ChangeLog.Snapshot, paperForm: ChangeLog.Snapshot)?

        /// The new suggestion's stored form, naming `paper`.
        func form(paper: PaperID, title: String, proposer: PersonID, duplicates: [(type: String, id: String)], now: Timestamp)
            -> ChangeLog.Snapshot
        {
            ChangeLog.snapshot(
                of: Suggestion(
                    id: id, seriesID: seriesID, paperIDs: [paper], title: title, pitch: pitch, tags: tags, proposerID: proposer,
                    status: .open, mergedInto: nil, episodeID: nil, volunteers: [], duplicates: duplicates, createdAt: now, updatedAt: now))
        }
    }

    /// The draft of a `suggestion.create` (nil when the arguments name no id or series), or its validation problem.
    static func prepare(_ args: JSONValue, actor: Principal, now: Timestamp, environment: Environment) -> any Sendable {
        var args = Args(args)
        do {
            return Result<Draft?, Problem>.success(try draft(&args, actor: actor, now: now, newID: environment.newID))
        } catch {
            return Result<Draft?, Problem>.failure(error)
        }
    }

    private static func draft(_ args: inout Args, actor: Principal, now: Timestamp, newID: () -> String) throws(Problem) -> Draft? {
        let id = args.id("id", SuggestionKind.self)
        let seriesID = args.id("seriesID", SeriesKind.self)
        let title = args.optionalString("title")
        if args.has("title") && title == nil && args.isValid { args.fail("title", "must not be empty") }
        let pitch = args.optionalString("pitch", maxLength: 20_000, trim: false)
        let tags = readTags(&args) ?? []
        let (paperFields, paperID) = readPaper(&args)
        try args.finish()
        guard let id, let seriesID else { return nil }
        var draft = Draft(id: id, seriesID: seriesID, title: title, pitch: pitch, tags: tags, paperFields: paperFields, paperID: paperID)
        if let paperFields, let proposer = actor.personID {
            let paper = Paper(id: PaperID(trusted: newID()), fields: paperFields, createdAt: now, updatedAt: now)
            let suggestion = draft.form(
                paper: paper.id, title: title ?? defaultTitle(paperFields.title), proposer: proposer, duplicates: [], now: now)
            // Only this suggestion names the new paper: the series' members see it.
            let audience = ChangeLog.Audience(level: "member", seriesID: seriesID.rawValue)
            draft.ifNew = (paper, suggestion, ChangeLog.snapshot(of: paper, audiences: [audience]))
        }
        return draft
    }

    static func create(_ args: inout Args, _ context: MutationContext) throws {
        let prepared = context.prepared as? Result<Draft?, Problem>
        guard let draft = try prepared?.get() ?? draft(&args, actor: context.actor, now: context.now, newID: context.newID) else { return }
        let (id, seriesID) = (draft.id, draft.seriesID)
        let proposer = try context.person()
        try context.require(.member, in: seriesID)
        let (paper, newPaper) = try resolvePaper(draft, context)
        let title: String
        if let given = draft.title {
            title = given
        } else if let newPaper {
            title = defaultTitle(newPaper.fields.title)
        } else {
            guard let stored = try String.fetchOne(context.db, cached: "SELECT title FROM paper WHERE id = ?", arguments: [paper.rawValue])
            else { throw Problem.invalid("args.title", "is required") }
            title = defaultTitle(stored)
        }
        // Nothing else can name a paper made just now.
        let duplicates = newPaper == nil ? try findDuplicates(paper: paper, series: seriesID, context.db) : .array([])
        do {
            try context.db.run(
                """
                INSERT INTO suggestion (id, series_id, title, pitch, tags, proposer_id, status, duplicates, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)
                """,
                [
                    .text(id.rawValue), .text(seriesID.rawValue), .text(title), SQLValue(draft.pitch),
                    .text(JSONValue.strings(draft.tags).jsonString), .text(proposer.rawValue), .text(duplicates.jsonString),
                    .integer(context.now.milliseconds), .integer(context.now.milliseconds),
                ])
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY || error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
        {
            // The id is the table's only key: the insert itself is the check (the savepoint drops the paper made above).
            throw Problem(.conflict, "a suggestion with id \(id) already exists")
        }
        try context.db.run(
            "INSERT INTO suggestion_paper (suggestion_id, position, paper_id) VALUES (?, 0, ?)", [.text(id.rawValue), .text(paper.rawValue)])
        if newPaper != nil, let forms = draft.ifNew {
            context.touch(.suggestion, id.rawValue, built: forms.suggestion, created: true)
            context.touch(.paper, paper.rawValue, built: forms.paperForm, created: true)
        } else {
            let named = duplicates.arrayValue?.map { (type: $0["type"]?.stringValue ?? "", id: $0["id"]?.stringValue ?? "") } ?? []
            let form = draft.form(paper: paper, title: title, proposer: proposer, duplicates: named, now: context.now)
            context.touch(.suggestion, id.rawValue, built: form, created: true)
            context.touch(.paper, paper.rawValue)
        }
        // A member is already seen by the series; only an administrator proposing from outside it becomes visible there
        // (`require` above let a person who is not an administrator through only as a member).
        if context.actor.isAdmin, try context.role(of: proposer, in: seriesID) == nil { context.touch(.person, proposer.rawValue) }
    }

    /// A suggestion's title taken from its paper's (up to 500 characters): the first 300 Unicode scalars, as the
    /// schema's `length(title)` counts them (`prefix` on the string counts grapheme clusters, which can be longer).
    private static func defaultTitle(_ paperTitle: String) -> String {
        String(String.UnicodeScalarView(paperTitle.unicodeScalars.prefix(300)))
    }

    /// The paper of a new suggestion: exactly one of `paper` (fields), `paperID`, or `bibtex` (one pasted entry).
    private static func readPaper(_ args: inout Args) -> (PaperFields?, PaperID?) {
        func given(_ key: String) -> Bool { args.raw(key).map { !$0.isNull } ?? false }
        switch (given("paper"), given("paperID"), given("bibtex")) {
        case (true, true, _): args.fail("paperID", "give either paper or paperID, not both")
        case (true, _, true), (_, true, true): args.fail("bibtex", "give one of paper, paperID and bibtex, not several")
        case (false, false, false): args.fail("paper", "is required (or paperID, or bibtex)")
        case (true, false, false):
            guard var paper = args.object("paper") else { break }
            let fields = PaperFields.read(&paper)
            args.absorb(paper)
            return (fields, nil)
        case (false, true, false): return (nil, args.id("paperID", PaperKind.self))
        case (false, false, true):
            // Not trimmed, so the lines an error names are the lines as pasted.
            guard let text = args.string("bibtex", maxLength: maxBibTeXLength, trim: false) else { break }
            do {
                return (try BibTeXParser.entry(text).paperFields(), nil)
            } catch {
                args.fail("bibtex", error.description)
            }
        }
        return (nil, nil)
    }

    /// The longest pasted BibTeX entry `suggestion.create` reads, in Unicode scalars.
    static let maxBibTeXLength = 20_000

    /// The paper a new suggestion names: the given id, an existing paper with the same DOI or arXiv id, or a new one
    /// (the draft's, returned also as stored, when new).
    private static func resolvePaper(_ draft: Draft, _ context: MutationContext) throws -> (PaperID, Paper?) {
        if let id = draft.paperID {
            // Who may use the paper is read from its audiences: a paper made earlier in this push has them held.
            try context.flushHeld()
            try PaperMutations.requireExists(id, field: "args.paperID", actor: context.actor, context.db)
            return (id, nil)
        }
        guard let fields = draft.paperFields else { throw Problem.invalid("args.paper", "is required") }
        if let existing = try PaperMutations.find(fields, context.db) { return (existing, nil) }
        let id = draft.ifNew?.paper.id ?? PaperID(trusted: context.newID())
        let paper = try PaperMutations.insert(id: id, fields, context)
        return (paper.id, paper)
    }

    /// Open suggestions and episodes of the series that already name `paper`.
    ///
    /// `CROSS JOIN` fixes the join order: from the paper's few rows, not from every open suggestion of the series
    /// (the planner chose the latter without statistics, which made each create O(open suggestions)).
    private static func findDuplicates(paper: PaperID, series: SeriesID, _ db: Database) throws -> JSONValue {
        let rows = try Row.fetchAll(
            db,
            cached: """
                SELECT 'suggestion' AS type, s.id FROM suggestion_paper sp CROSS JOIN suggestion s ON sp.suggestion_id = s.id
                WHERE sp.paper_id = :paper AND s.series_id = :series AND s.status = 'open'
                UNION ALL
                SELECT 'episode', e.id FROM episode_paper ep CROSS JOIN episode e ON ep.episode_id = e.id
                WHERE ep.paper_id = :paper AND e.series_id = :series AND e.status <> 'cancelled'
                ORDER BY 1, 2
                """,
            arguments: ["paper": paper.rawValue, "series": series.rawValue])
        return .array(rows.map { ["type": .string($0["type"]), "id": .string($0["id"])] })
    }

    static func update(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", SuggestionKind.self)
        guard let update = Merge.readUpdate(&args), let id else { try args.finish(); return }
        var values = update.set
        let fields = Merge.fields(in: &values, allowed: updatableFields, raw: args.raw("set"))
        var assignments: [(String, (any DatabaseValueConvertible)?)] = []
        for field in fields {
            switch field {
            case "title": values.string("title").map { assignments.append(("title", $0)) }
            case "pitch": assignments.append(("pitch", values.optionalString("pitch", maxLength: 20_000, trim: false)))
            case "tags": assignments.append(("tags", JSONValue.strings(readTags(&values) ?? []).jsonString))
            default: break
            }
        }
        args.absorb(values)
        try args.finish()
        let row = try load(id, context)
        try requireProposerOrOrganizer(row, context)
        try Merge.check(.suggestion, id.rawValue, fields: fields, baseVersion: update.baseVersion, context)
        try Updates.apply(table: "suggestion", id: id.rawValue, assignments, context)
        context.recordFieldChanges(.suggestion, id.rawValue, fields)
        context.touch(.suggestion, id.rawValue)
    }

    static func withdraw(_ args: inout Args, _ context: MutationContext) throws {
        try changeStatus(&args, context, to: .withdrawn, organizerOnly: false)
    }

    static func decline(_ args: inout Args, _ context: MutationContext) throws {
        try changeStatus(&args, context, to: .declined, organizerOnly: true)
    }

    static func merge(_ args: inout Args, _ context: MutationContext) throws {
        try changeStatus(&args, context, to: .merged, organizerOnly: true)
    }

    private static func changeStatus(_ args: inout Args, _ context: MutationContext, to status: SuggestionStatus, organizerOnly: Bool) throws {
        let id = args.id("id", SuggestionKind.self)
        let into = status == .merged ? args.id("into", SuggestionKind.self) : nil
        try args.finish()
        guard let id else { return }
        let row = try load(id, context)
        if organizerOnly {
            try context.require(.organizer, in: row.series, field: "args.id")
        } else {
            try requireProposerOrOrganizer(row, context)
        }
        guard row.status == .open else {
            throw Problem(.conflict, "the suggestion is \(row.status.rawValue), not open", extensions: ["current": try current(id, context)])
        }
        var mergedInto: String?
        if let into {
            guard into != id else { throw Problem.invalid("args.into", "must name another suggestion") }
            let target = try Row.fetchOne(
                context.db, cached: "SELECT series_id, status FROM suggestion WHERE id = ?", arguments: [into.rawValue])
            guard let target, target["series_id"] == row.series.rawValue else {
                throw Problem.invalid("args.into", "names an unknown suggestion of this series")
            }
            guard target["status"] == SuggestionStatus.open.rawValue else { throw Problem.invalid("args.into", "must be an open suggestion") }
            mergedInto = into.rawValue
            try context.db.execute(
                cached: """
                    INSERT OR IGNORE INTO volunteer (suggestion_id, person_id, note, created_at)
                    SELECT ?, person_id, note, created_at FROM volunteer WHERE suggestion_id = ?
                    """,
                arguments: [into.rawValue, id.rawValue])
            context.touch(.suggestion, into.rawValue)
        }
        try context.db.execute(
            cached: "UPDATE suggestion SET status = ?, merged_into = ?, updated_at = ?, closed_at = ? WHERE id = ?",
            arguments: [status.rawValue, mergedInto, context.now.milliseconds, context.now.milliseconds, id.rawValue])
        context.touch(.suggestion, id.rawValue)
    }

    static func volunteer(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", SuggestionKind.self)
        let note = args.optionalString("note", maxLength: 2000)
        try args.finish()
        guard let id else { return }
        let person = try context.person()
        let row = try load(id, context)
        try context.require(.member, in: row.series, field: "args.id")
        try context.db.execute(
            cached: """
                INSERT INTO volunteer (suggestion_id, person_id, note, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (suggestion_id, person_id) DO UPDATE SET note = excluded.note
                """,
            arguments: [id.rawValue, person.rawValue, note, context.now.milliseconds])
        context.touch(.suggestion, id.rawValue)
        context.touch(.person, person.rawValue)
    }

    static func unvolunteer(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", SuggestionKind.self)
        try args.finish()
        guard let id else { return }
        let person = try context.person()
        let row = try load(id, context)
        try context.require(.member, in: row.series, field: "args.id")
        try context.db.execute(
            cached: "DELETE FROM volunteer WHERE suggestion_id = ? AND person_id = ?", arguments: [id.rawValue, person.rawValue])
        if context.db.changesCount > 0 {
            context.touch(.suggestion, id.rawValue)
            context.touch(.person, person.rawValue)
        }
    }

    struct SuggestionFacts {
        var series: SeriesID
        var proposer: PersonID
        var status: SuggestionStatus
    }

    /// The suggestion's series, proposer and status; unknown (or invisible) ids are a validation failure.
    static func load(_ id: SuggestionID, _ context: MutationContext) throws -> SuggestionFacts {
        guard let row = try Row.fetchOne(
            context.db, cached: "SELECT series_id, proposer_id, status FROM suggestion WHERE id = ?", arguments: [id.rawValue])
        else { throw Problem.invalid("args.id", "names an unknown suggestion") }
        let result = SuggestionFacts(
            series: SeriesID(trusted: row["series_id"]), proposer: PersonID(trusted: row["proposer_id"]),
            status: SuggestionStatus(rawValue: row["status"])!)
        if try context.role(in: result.series) == nil { throw Problem.invalid("args.id", "names an unknown suggestion") }
        return result
    }

    private static func requireProposerOrOrganizer(_ row: SuggestionFacts, _ context: MutationContext) throws {
        if context.actor.personID == row.proposer { return }
        guard try context.role(in: row.series) == .organizer else {
            throw Problem(.forbidden, "only the proposer or an organizer may change this suggestion")
        }
    }

    private static func current(_ id: SuggestionID, _ context: MutationContext) throws -> JSONValue {
        guard let snapshot = try ChangeLog.snapshot(.suggestion, id.rawValue, context.db) else { return .null }
        return (try? JSONParser.parse(snapshot.value)) ?? .null
    }

    static func readTags(_ args: inout Args) -> [String]? {
        args.stringList("tags", maxCount: 20, maxLength: 50)
    }
}
