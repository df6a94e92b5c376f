/// A voter's ranking of a series' suggestions: tie groups, most preferred first.
public struct Ballot: Sendable {
    public var id: BallotID
    public var seriesID: SeriesID
    public var voterID: PersonID
    public var ranking: [[SuggestionID]]
    public var at: Timestamp
    /// This ballot's receipts in closed rounds, to find in each round's export (an addition to section 5).
    public var receipts: [(roundID: RoundID, receipt: String)] = []
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: BallotID, seriesID: SeriesID, voterID: PersonID, ranking: [[SuggestionID]], at: Timestamp,
        createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.seriesID = seriesID
        self.voterID = voterID
        self.ranking = ranking
        self.at = at
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The section 5 value.
    public var json: JSONValue {
        [
            "id": .string(id.rawValue), "seriesID": .string(seriesID.rawValue), "voterID": .string(voterID.rawValue),
            "ranking": Ballot.rankingJSON(ranking), "at": .string(at.rfc3339),
            "receipts": .array(receipts.map { ["roundID": .string($0.roundID.rawValue), "receipt": .string($0.receipt)] }),
            "createdAt": .string(createdAt.rfc3339), "updatedAt": .string(updatedAt.rfc3339),
        ]
    }

    /// A ranking as JSON: a list of lists of ids.
    public static func rankingJSON(_ ranking: [[SuggestionID]]) -> JSONValue {
        .array(ranking.map { .strings($0.map(\.rawValue)) })
    }

    /// Reads a ranking: a list (at most `maxEntries` ids in all) of non-empty tie groups of distinct ids.
    public static func readRanking(_ args: inout Args, key: String = "ranking", maxEntries: Int = 1000) -> [[SuggestionID]]? {
        guard args.has(key) else {
            args.fail(key, "is required")
            return nil
        }
        guard let groups = args.list(key, maxCount: maxEntries) else {
            if args.raw(key)?.isNull == true { args.fail(key, "must be a list of tie groups") }
            return nil
        }
        var seen = Set<SuggestionID>()
        var ranking: [[SuggestionID]] = []
        var valid = true
        for (groupIndex, group) in groups.enumerated() {
            guard case .array(let members) = group, !members.isEmpty else {
                args.fail("\(key)[\(groupIndex)]", "must be a non-empty list of suggestion ids")
                valid = false
                continue
            }
            var ids: [SuggestionID] = []
            for (memberIndex, member) in members.enumerated() {
                let field = "\(key)[\(groupIndex)][\(memberIndex)]"
                guard case .string(let text) = member, let id = SuggestionID(text) else {
                    args.fail(field, "must be a suggestion id")
                    valid = false
                    continue
                }
                guard seen.insert(id).inserted else {
                    args.fail(field, "appears more than once in the ranking")
                    valid = false
                    continue
                }
                ids.append(id)
            }
            ranking.append(ids)
        }
        if seen.count > maxEntries {
            args.fail(key, "must rank at most \(maxEntries) suggestions")
            valid = false
        }
        return valid ? ranking : nil
    }
}
