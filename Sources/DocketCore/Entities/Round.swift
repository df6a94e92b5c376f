/// Whether a round still takes ballots.
public enum RoundStatus: String, Sendable, CaseIterable {
    case open, closed
}

/// A voting round: the standing frozen at a close into a result with winners for its seats.
public struct Round: Sendable {
    public var id: RoundID
    public var seriesID: SeriesID
    public var title: String
    public var opensAt: Timestamp
    public var closesAt: Timestamp
    public var seats: Int
    public var method: VotingMethod
    public var status: RoundStatus
    /// After the close: winners, ranking, ballot count, pairwise margins (see `RoundResult`).
    public var result: JSONValue?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: RoundID, seriesID: SeriesID, title: String, opensAt: Timestamp, closesAt: Timestamp, seats: Int,
        method: VotingMethod, status: RoundStatus, result: JSONValue?, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.seriesID = seriesID
        self.title = title
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.seats = seats
        self.method = method
        self.status = status
        self.result = result
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The section 5 value.
    public var json: JSONValue {
        [
            "id": .string(id.rawValue), "seriesID": .string(seriesID.rawValue), "title": .string(title),
            "opensAt": .string(opensAt.rfc3339), "closesAt": .string(closesAt.rfc3339), "seats": .int(Int64(seats)),
            "method": .string(method.rawValue), "status": .string(status.rawValue), "result": result ?? .null,
            "createdAt": .string(createdAt.rfc3339), "updatedAt": .string(updatedAt.rfc3339),
        ]
    }
}

/// A closed round's published result, computed once at the close.
public enum RoundResult {
    /// The result object: `winners` (co-winners, no tie-break), `elected` (the first `seats` of `order`),
    /// `ranking`, `order`, `candidates`, `ballotCount`, `pairwise` (every positive margin as `[a, b, m]`),
    /// `tieBreak`, `note`, and `cutoff` (the instant the ballots stood at).
    /// The result of a round that closed with no open suggestion: nothing to elect.
    public static func empty(method: VotingMethod, cutoff: Timestamp) -> JSONValue {
        [
            "method": .string(method.rawValue), "candidates": [], "winners": [], "elected": [], "ranking": [], "order": [],
            "ballotCount": 0, "pairwise": [], "tieBreak": .null, "note": "no suggestion was open at the cutoff",
            "cutoff": .string(cutoff.rfc3339),
        ]
    }

    public static func json(_ result: TallyResult, matrix: PairwiseMatrix, seats: Int, ballotCount: Int, cutoff: Timestamp) -> JSONValue {
        var pairwise: [JSONValue] = []
        for a in 0..<matrix.candidateCount {
            for b in 0..<matrix.candidateCount where matrix.margin(a, b) > 0 {
                pairwise.append([.string(result.candidates[a]), .string(result.candidates[b]), .int(matrix.margin(a, b))])
            }
        }
        return [
            "method": .string(result.method.rawValue), "candidates": .strings(result.candidates),
            "winners": .strings(result.winners), "elected": .strings(Array(result.order.prefix(seats))),
            "ranking": result.ranking.map { .array($0.map { .strings($0) }) } ?? .null, "order": .strings(result.order),
            "ballotCount": .int(Int64(ballotCount)), "pairwise": .array(pairwise), "tieBreak": .string(result.tieBreak),
            "note": .optional(result.note), "cutoff": .string(cutoff.rfc3339),
        ]
    }
}
