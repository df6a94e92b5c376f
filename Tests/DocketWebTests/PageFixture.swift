import DocketCore
import DocketWeb

/// A hand-built public series for page tests: ids from short names, times from RFC 3339 text.
enum PageFixture {
    static let seriesID = SeriesID(trusted: "00000000-0000-7000-8000-000000000001")
    static let created = Timestamp(rfc3339: "2020-01-01T00:00:00.000Z")!

    static func id<Kind>(_ n: Int, _: Kind.Type = Kind.self) -> EntityID<Kind> {
        let digits = String(1000 + n)
        return EntityID(trusted: "00000000-0000-7000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits)
    }

    static func series(
        title: String = "Model-driven Machine Learning", description: String? = "We read papers.",
        visibility: ResultsVisibility = .live, rrule: String = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    ) -> Series {
        Series(
            id: seriesID, slug: "ml", title: title, description: description, timeZone: "Europe/Berlin",
            cadence: Cadence(rrule: rrule, startDate: CivilDate(iso: "2020-03-24")!, startTime: LocalTime("15:00")!, durationMinutes: 60),
            location: "HZG, Geesthacht", streamURL: "https://stream.example.org/live", mailingListURL: "https://lists.example.org/ml",
            visibility: .public, resultsVisibility: visibility, votingMethod: "schulze", createdAt: created, updatedAt: created)
    }

    static func episode(
        _ n: Int, _ number: Int?, _ title: String, _ startsAt: String, status: EpisodeStatus = .held, abstract: String? = nil,
        papers: [EpisodePaper] = [], presenters: [Presenter] = [], links: [Link] = [], related: [Int] = []
    ) -> Episode {
        Episode(
            id: id(n), seriesID: seriesID, number: number, title: title, startsAt: Timestamp(rfc3339: startsAt)!,
            durationMinutes: 60, status: status, abstract: abstract, location: nil, streamURL: nil, recordingURL: nil,
            suggestionID: nil, papers: papers, presenters: presenters, links: links, relatedEpisodeIDs: related.map { id($0) },
            createdAt: created, updatedAt: created)
    }

    static func paper(_ n: Int, _ title: String, authors: [String] = [], year: Int? = nil, arxiv: String? = nil) -> Paper {
        Paper(id: id(n), fields: PaperFields(title: title, authors: authors, year: year, arxivID: arxiv), createdAt: created, updatedAt: created)
    }

    static func person(_ n: Int, _ name: String, _ affiliation: String? = nil) -> PublicSeries.PersonName {
        PublicSeries.PersonName(id: id(n), name: name, affiliation: affiliation)
    }

    static func page(
        series: Series = series(), episodes: [Episode], papers: [Paper] = [], people: [PublicSeries.PersonName] = [],
        suggestions: [Suggestion] = [], standing: JSONValue? = nil, rounds: [Round] = []
    ) -> PublicSeries {
        PublicSeries(
            series: series, episodes: episodes.sorted { $0.startsAt < $1.startsAt },
            papers: Dictionary(uniqueKeysWithValues: papers.map { ($0.id, $0) }),
            people: Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0) }), openSuggestions: suggestions,
            standing: standing, closedRounds: rounds, updatedAt: created)
    }

    static func suggestion(_ n: Int, _ title: String, proposer: Int, pitch: String? = nil) -> Suggestion {
        Suggestion(
            id: id(n), seriesID: seriesID, paperIDs: [], title: title, pitch: pitch, tags: ["weather"], proposerID: id(proposer),
            status: .open, mergedInto: nil, episodeID: nil, volunteers: [], duplicates: [], createdAt: created, updatedAt: created)
    }

    static let now = Timestamp(rfc3339: "2020-09-15T12:00:00.000Z")!
}
