/// Where a suggestion stands.
public enum SuggestionStatus: String, Sendable, CaseIterable {
    case open, promoted, withdrawn, declined, merged
}

/// A member's volunteering to present a suggestion.
public struct Volunteer: Hashable, Sendable {
    public var personID: PersonID
    public var note: String?

    public init(personID: PersonID, note: String?) {
        self.personID = personID
        self.note = note
    }
}

/// A proposed paper (or papers) for a future episode.
public struct Suggestion: Hashable, Sendable {
    public var id: SuggestionID
    public var seriesID: SeriesID
    public var paperIDs: [PaperID]
    public var title: String
    public var pitch: String?
    public var tags: [String]
    public var proposerID: PersonID
    public var status: SuggestionStatus
    public var mergedInto: SuggestionID?
    public var episodeID: EpisodeID?
    public var volunteers: [Volunteer]
    public var duplicates: [(type: String, id: String)]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: SuggestionID, seriesID: SeriesID, paperIDs: [PaperID], title: String, pitch: String?, tags: [String],
        proposerID: PersonID, status: SuggestionStatus, mergedInto: SuggestionID?, episodeID: EpisodeID?,
        volunteers: [Volunteer], duplicates: [(type: String, id: String)], createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.seriesID = seriesID
        self.paperIDs = paperIDs
        self.title = title
        self.pitch = pitch
        self.tags = tags
        self.proposerID = proposerID
        self.status = status
        self.mergedInto = mergedInto
        self.episodeID = episodeID
        self.volunteers = volunteers
        self.duplicates = duplicates
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public static func == (lhs: Suggestion, rhs: Suggestion) -> Bool { lhs.json == rhs.json }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// The section 5 value, plus `duplicates`: earlier suggestions and episodes with the same paper.
    public var json: JSONValue {
        [
            "id": .string(id.rawValue), "seriesID": .string(seriesID.rawValue),
            "paperIDs": .strings(paperIDs.map(\.rawValue)), "title": .string(title), "pitch": .optional(pitch),
            "tags": .strings(tags), "proposerID": .string(proposerID.rawValue), "status": .string(status.rawValue),
            "mergedInto": .optional(mergedInto?.rawValue), "episodeID": .optional(episodeID?.rawValue),
            "volunteers": .array(volunteers.map { ["personID": .string($0.personID.rawValue), "note": .optional($0.note)] }),
            "duplicates": .array(duplicates.map { ["type": .string($0.type), "id": .string($0.id)] }),
            "createdAt": .string(createdAt.rfc3339), "updatedAt": .string(updatedAt.rfc3339),
        ]
    }
}
