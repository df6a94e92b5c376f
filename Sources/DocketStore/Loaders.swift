import DocketCore
import GRDB

/// Reads entities from their tables into core values (the store's boundary).
enum Loaders {
    static func series(_ db: Database, _ id: String) throws -> Series? {
        guard let row = try Row.fetchOne(db, cached: "SELECT * FROM series WHERE id = ?", arguments: [id]) else { return nil }
        var series = Series(
            id: SeriesID(trusted: row["id"]), slug: row["slug"], title: row["title"], description: row["description"],
            timeZone: row["time_zone"],
            cadence: Cadence(
                rrule: row["rrule"], startDate: CivilDate(iso: row["start_date"])!, startTime: LocalTime(row["start_time"])!,
                durationMinutes: row["duration_minutes"]),
            location: row["location"], streamURL: row["stream_url"], mailingListURL: row["mailing_list_url"],
            visibility: SeriesVisibility(rawValue: row["visibility"])!,
            resultsVisibility: ResultsVisibility(rawValue: row["results_visibility"])!,
            votingMethod: row["voting_method"], createdAt: Timestamp(milliseconds: row["created_at"]),
            updatedAt: Timestamp(milliseconds: row["updated_at"]))
        series.skippedDates = try Row.fetchAll(
            db, cached: "SELECT local_date, reason FROM skipped_date WHERE series_id = ? ORDER BY local_date", arguments: [id]
        ).map { SkippedDate(date: CivilDate(iso: $0["local_date"])!, reason: $0["reason"]) }
        return series
    }

    static func person(_ db: Database, _ id: String) throws -> Person? {
        guard let row = try Row.fetchOne(db, cached: "SELECT * FROM person WHERE id = ?", arguments: [id]) else { return nil }
        let roles = try Row.fetchAll(
            db, cached: "SELECT series_id, role FROM membership WHERE person_id = ? ORDER BY series_id", arguments: [id]
        ).map { (seriesID: SeriesID(trusted: $0["series_id"]), role: SeriesRole(rawValue: $0["role"])!) }
        var person = Person(
            id: PersonID(trusted: row["id"]), name: row["name"], affiliation: row["affiliation"], email: row["email"],
            roles: roles, createdAt: Timestamp(milliseconds: row["created_at"]),
            updatedAt: Timestamp(milliseconds: row["updated_at"]))
        person.presentedCount = try Int.fetchOne(
            db,
            cached: """
                SELECT count(*) FROM presenter p JOIN episode e ON e.id = p.episode_id
                WHERE p.person_id = ? AND p.status = 'confirmed' AND e.status = 'held'
                """,
            arguments: [id]) ?? 0
        return person
    }

    static func paper(_ db: Database, _ id: String) throws -> Paper? {
        guard let row = try Row.fetchOne(db, cached: "SELECT * FROM paper WHERE id = ?", arguments: [id]) else { return nil }
        let fields = PaperFields(
            title: row["title"], authors: stringList(row["authors"]), venue: row["venue"], year: row["year"],
            doi: row["doi"], arxivID: row["arxiv_id"], url: row["url"], pdfURL: row["pdf_url"], codeURL: row["code_url"])
        return Paper(
            id: PaperID(trusted: row["id"]), fields: fields, createdAt: Timestamp(milliseconds: row["created_at"]),
            updatedAt: Timestamp(milliseconds: row["updated_at"]))
    }

    static func suggestion(_ db: Database, _ id: String) throws -> Suggestion? {
        guard let row = try Row.fetchOne(db, cached: "SELECT * FROM suggestion WHERE id = ?", arguments: [id]) else { return nil }
        let papers = try String.fetchAll(
            db, cached: "SELECT paper_id FROM suggestion_paper WHERE suggestion_id = ? ORDER BY position", arguments: [id])
        let volunteers = try Row.fetchAll(
            db, cached: "SELECT person_id, note FROM volunteer WHERE suggestion_id = ? ORDER BY created_at, person_id",
            arguments: [id]
        ).map { Volunteer(personID: PersonID(trusted: $0["person_id"]), note: $0["note"]) }
        let duplicates = (try? JSONParser.parse(row["duplicates"] as String))?.arrayValue ?? []
        return Suggestion(
            id: SuggestionID(trusted: row["id"]), seriesID: SeriesID(trusted: row["series_id"]),
            paperIDs: papers.map(PaperID.init(trusted:)), title: row["title"], pitch: row["pitch"],
            tags: stringList(row["tags"]), proposerID: PersonID(trusted: row["proposer_id"]),
            status: SuggestionStatus(rawValue: row["status"])!,
            mergedInto: (row["merged_into"] as String?).map(SuggestionID.init(trusted:)),
            episodeID: (row["episode_id"] as String?).map(EpisodeID.init(trusted:)), volunteers: volunteers,
            duplicates: duplicates.compactMap { entry in
                guard let type = entry["type"]?.stringValue, let id = entry["id"]?.stringValue else { return nil }
                return (type: type, id: id)
            },
            createdAt: Timestamp(milliseconds: row["created_at"]), updatedAt: Timestamp(milliseconds: row["updated_at"]))
    }

    static func ballot(_ db: Database, _ id: String) throws -> Ballot? {
        guard let row = try Row.fetchOne(db, cached: "SELECT * FROM ballot WHERE id = ?", arguments: [id]) else { return nil }
        let ranking = rankingGroups(row["ranking"]).map { $0.map(SuggestionID.init(trusted:)) }
        var ballot = Ballot(
            id: BallotID(trusted: row["id"]), seriesID: SeriesID(trusted: row["series_id"]),
            voterID: PersonID(trusted: row["voter_id"]), ranking: ranking, at: Timestamp(milliseconds: row["at"]),
            createdAt: Timestamp(milliseconds: row["created_at"]), updatedAt: Timestamp(milliseconds: row["updated_at"]))
        ballot.receipts = try Row.fetchAll(
            db,
            cached: """
                SELECT br.round_id, br.receipt FROM ballot_receipt br JOIN round r ON r.id = br.round_id
                WHERE br.ballot_id = ? ORDER BY r.closes_at, r.id
                """,
            arguments: [id]
        ).map { (roundID: RoundID(trusted: $0["round_id"]), receipt: $0["receipt"]) }
        return ballot
    }

    static func round(_ db: Database, _ id: String) throws -> Round? {
        guard let row = try Row.fetchOne(db, cached: "SELECT * FROM round WHERE id = ?", arguments: [id]) else { return nil }
        return Round(
            id: RoundID(trusted: row["id"]), seriesID: SeriesID(trusted: row["series_id"]), title: row["title"],
            opensAt: Timestamp(milliseconds: row["opens_at"]), closesAt: Timestamp(milliseconds: row["closes_at"]),
            seats: row["seats"], method: VotingMethod(rawValue: row["method"]) ?? .schulze,
            status: RoundStatus(rawValue: row["status"])!, result: (row["result"] as String?).flatMap { try? JSONParser.parse($0) },
            createdAt: Timestamp(milliseconds: row["created_at"]), updatedAt: Timestamp(milliseconds: row["updated_at"]))
    }

    static func episode(_ db: Database, _ id: String) throws -> Episode? {
        guard let row = try Row.fetchOne(db, cached: "SELECT * FROM episode WHERE id = ?", arguments: [id]) else { return nil }
        let papers = try Row.fetchAll(
            db, cached: "SELECT paper_id, role FROM episode_paper WHERE episode_id = ? ORDER BY position", arguments: [id]
        ).map { EpisodePaper(paperID: PaperID(trusted: $0["paper_id"]), role: PaperRole(rawValue: $0["role"])!) }
        let presenters = try Row.fetchAll(
            db, cached: "SELECT person_id, role, status FROM presenter WHERE episode_id = ? ORDER BY position", arguments: [id]
        ).map {
            Presenter(
                personID: PersonID(trusted: $0["person_id"]), role: PresenterRole(rawValue: $0["role"])!,
                status: PresenterStatus(rawValue: $0["status"])!)
        }
        let links = ((try? JSONParser.parse(row["links"] as String))?.arrayValue ?? []).compactMap { entry -> Link? in
            guard let label = entry["label"]?.stringValue, let url = entry["url"]?.stringValue else { return nil }
            return Link(label: label, url: url)
        }
        return Episode(
            id: EpisodeID(trusted: row["id"]), seriesID: SeriesID(trusted: row["series_id"]), number: row["number"],
            title: row["title"], startsAt: Timestamp(milliseconds: row["starts_at"]),
            durationMinutes: row["duration_minutes"], status: EpisodeStatus(rawValue: row["status"])!,
            abstract: row["abstract"], location: row["location"], streamURL: row["stream_url"],
            recordingURL: row["recording_url"],
            suggestionID: (row["suggestion_id"] as String?).map(SuggestionID.init(trusted:)), papers: papers,
            presenters: presenters, links: links,
            relatedEpisodeIDs: stringList(row["related_episode_ids"]).map(EpisodeID.init(trusted:)), sequence: row["sequence"],
            createdAt: Timestamp(milliseconds: row["created_at"]), updatedAt: Timestamp(milliseconds: row["updated_at"]))
    }

    /// A stored ranking: a JSON list of lists of ids.
    static func rankingGroups(_ text: String) -> [[String]] {
        ((try? JSONParser.parse(text))?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.stringValue) }
    }

    /// A JSON list of strings stored in a column.
    static func stringList(_ text: String) -> [String] {
        ((try? JSONParser.parse(text))?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
