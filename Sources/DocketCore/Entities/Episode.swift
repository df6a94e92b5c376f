/// Where an episode stands.
public enum EpisodeStatus: String, Sendable, CaseIterable {
    case scheduled, held, cancelled
}

/// How a paper figures in an episode.
public enum PaperRole: String, Sendable, CaseIterable {
    case main, background, further
}

/// What a presenter does in an episode.
public enum PresenterRole: String, Sendable, CaseIterable {
    case presenter, guest, shortTalk = "short-talk", discussant
}

/// Whether a presenter has agreed.
public enum PresenterStatus: String, Sendable, CaseIterable {
    case proposed, confirmed, declined
}

/// A paper in an episode's reading list.
public struct EpisodePaper: Hashable, Sendable {
    public var paperID: PaperID
    public var role: PaperRole

    public init(paperID: PaperID, role: PaperRole) {
        self.paperID = paperID
        self.role = role
    }
}

/// A person presenting in an episode.
public struct Presenter: Hashable, Sendable {
    public var personID: PersonID
    public var role: PresenterRole
    public var status: PresenterStatus

    public init(personID: PersonID, role: PresenterRole, status: PresenterStatus) {
        self.personID = personID
        self.role = role
        self.status = status
    }
}

/// A labelled link of an episode (pdf, code, blog, video).
public struct Link: Hashable, Sendable {
    public var label: String
    public var url: String

    public init(label: String, url: String) {
        self.label = label
        self.url = url
    }
}

/// One meeting of a series.
public struct Episode: Hashable, Sendable {
    public var id: EpisodeID
    public var seriesID: SeriesID
    public var number: Int?
    public var title: String
    public var startsAt: Timestamp
    public var durationMinutes: Int
    public var status: EpisodeStatus
    public var abstract: String?
    public var location: String?
    public var streamURL: String?
    public var recordingURL: String?
    public var suggestionID: SuggestionID?
    public var papers: [EpisodePaper]
    public var presenters: [Presenter]
    public var links: [Link]
    public var relatedEpisodeIDs: [EpisodeID]
    /// How often the start, duration, location or status (cancelled) changed: a calendar's `SEQUENCE`.
    public var sequence: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: EpisodeID, seriesID: SeriesID, number: Int?, title: String, startsAt: Timestamp, durationMinutes: Int,
        status: EpisodeStatus, abstract: String?, location: String?, streamURL: String?, recordingURL: String?,
        suggestionID: SuggestionID?, papers: [EpisodePaper], presenters: [Presenter], links: [Link],
        relatedEpisodeIDs: [EpisodeID], sequence: Int = 0, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.seriesID = seriesID
        self.number = number
        self.title = title
        self.startsAt = startsAt
        self.durationMinutes = durationMinutes
        self.status = status
        self.abstract = abstract
        self.location = location
        self.streamURL = streamURL
        self.recordingURL = recordingURL
        self.suggestionID = suggestionID
        self.papers = papers
        self.presenters = presenters
        self.links = links
        self.relatedEpisodeIDs = relatedEpisodeIDs
        self.sequence = sequence
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The section 5 value.
    public var json: JSONValue {
        [
            "id": .string(id.rawValue), "seriesID": .string(seriesID.rawValue), "number": .optional(number),
            "title": .string(title), "startsAt": .string(startsAt.rfc3339),
            "durationMinutes": .int(Int64(durationMinutes)), "status": .string(status.rawValue),
            "abstract": .optional(abstract), "location": .optional(location), "streamURL": .optional(streamURL),
            "recordingURL": .optional(recordingURL), "suggestionID": .optional(suggestionID?.rawValue),
            "papers": .array(papers.map { ["paperID": .string($0.paperID.rawValue), "role": .string($0.role.rawValue)] }),
            "presenters": .array(presenters.map {
                ["personID": .string($0.personID.rawValue), "role": .string($0.role.rawValue), "status": .string($0.status.rawValue)]
            }),
            "links": .array(links.map { ["label": .string($0.label), "url": .string($0.url)] }),
            "relatedEpisodeIDs": .strings(relatedEpisodeIDs.map(\.rawValue)), "sequence": .int(Int64(sequence)),
            "createdAt": .string(createdAt.rfc3339), "updatedAt": .string(updatedAt.rfc3339),
        ]
    }
}

/// Episode numbering: held episodes keep their numbers; the rest follow in date order.
public enum EpisodeNumbering {
    /// One episode as numbering sees it.
    public struct Entry: Hashable, Sendable {
        public var id: EpisodeID
        public var startsAt: Timestamp
        public var status: EpisodeStatus
        public var number: Int?

        public init(id: EpisodeID, startsAt: Timestamp, status: EpisodeStatus, number: Int?) {
            self.id = id
            self.startsAt = startsAt
            self.status = status
            self.number = number
        }
    }

    /// The number each episode should have.
    ///
    /// Held episodes keep a number they have; a held one without a number
    /// gets the next after the highest held number (in date order among such).
    /// Scheduled episodes follow the highest held number in date order (id
    /// breaks a tie of dates). Cancelled episodes have none.
    public static func numbers(for entries: [Entry]) -> [EpisodeID: Int?] {
        var result: [EpisodeID: Int?] = [:]
        let byDate = entries.sorted { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) }
        var next = (entries.filter { $0.status == .held }.compactMap(\.number).max() ?? 0) + 1
        for entry in byDate where entry.status == .held {
            if let number = entry.number {
                result[entry.id] = number
            } else {
                result[entry.id] = next
                next += 1
            }
        }
        for entry in byDate {
            switch entry.status {
            case .held: continue
            case .cancelled: result[entry.id] = .some(nil)
            case .scheduled:
                result[entry.id] = next
                next += 1
            }
        }
        return result
    }
}
