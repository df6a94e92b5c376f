/// What anyone may see of a public series: the input of the seminar page, the calendar,
/// the feed and the bibliography. Built by the store in one read; holds no email address
/// and no ballot.
public struct PublicSeries: Sendable {
    /// Name and affiliation of a presenter or proposer (never an email address).
    public struct PersonName: Hashable, Sendable {
        public var id: PersonID
        public var name: String
        public var affiliation: String?

        public init(id: PersonID, name: String, affiliation: String?) {
            self.id = id
            self.name = name
            self.affiliation = affiliation
        }
    }

    public var series: Series
    /// Every episode, cancelled ones included, by start time (then id).
    public var episodes: [Episode]
    /// The papers the episodes and open suggestions name.
    public var papers: [PaperID: Paper]
    /// The presenters and proposers the page names.
    public var people: [PersonID: PersonName]
    /// Open suggestions, oldest first.
    public var openSuggestions: [Suggestion]
    /// The current standing's section 5 value, only when the series' results are live.
    public var standing: JSONValue?
    /// Closed rounds with their results, latest close first, only when the series' results are live.
    public var closedRounds: [Round]
    /// The latest change to anything here, the live standing included (for `Last-Modified` and the feed's
    /// `updated`); people's names are not counted.
    public var updatedAt: Timestamp

    public init(
        series: Series, episodes: [Episode], papers: [PaperID: Paper], people: [PersonID: PersonName],
        openSuggestions: [Suggestion], standing: JSONValue?, closedRounds: [Round], updatedAt: Timestamp
    ) {
        self.series = series
        self.episodes = episodes
        self.papers = papers
        self.people = people
        self.openSuggestions = openSuggestions
        self.standing = standing
        self.closedRounds = closedRounds
        self.updatedAt = updatedAt
    }

    /// The episode with this number, if any.
    public func episode(number: Int) -> Episode? {
        episodes.first { $0.number == number }
    }

    /// The episodes whose related episodes include `id` ("discussed again in episode N"), by start time.
    public func backlinks(to id: EpisodeID) -> [Episode] {
        episodes.filter { $0.relatedEpisodeIDs.contains(id) }
    }
}
