/// The outcome of counting one election with one method.
///
/// Indices refer to `candidates`. `winners` are every co-winner, with no
/// tie-breaking, sorted by id bytes; `ranking` groups are sorted the same
/// way. `order` is strict: ties are broken by `tieBreak` (at heart, an
/// earlier position in the input `candidates` list comes first).
public struct TallyResult: Sendable {
    /// The method that produced this result.
    public let method: VotingMethod
    /// Candidate ids in input order.
    public let candidates: [String]
    /// Every co-winner, sorted by id bytes.
    public let winnerIndices: [Int]
    /// The social ranking as tie groups, best first, each sorted by id bytes; nil for ranked-pairs and irv.
    public let rankingIndices: [[Int]]?
    /// A permutation of all candidates after deterministic tie-breaking; `orderIndices[0]` is a winner.
    public let orderIndices: [Int]
    /// Per candidate (input order): its score, for copeland, borda and approval; nil otherwise.
    public let scores: [Int64]?
    /// How `order` breaks ties, in one sentence.
    public let tieBreak: String
    /// Set only when a search bound was reached: what the winners are instead.
    public let note: String?
    /// For irv: the rounds of the tie-broken count that yields `order`.
    public let rounds: [RunoffRound]?

    /// Every co-winner's id, sorted by id bytes.
    public var winners: [String] { winnerIndices.map { candidates[$0] } }
    /// The social ranking as ids, or nil for ranked-pairs and irv.
    public var ranking: [[String]]? { rankingIndices?.map { $0.map { candidates[$0] } } }
    /// All ids in tie-broken order.
    public var order: [String] { orderIndices.map { candidates[$0] } }

    init(
        method: VotingMethod, candidates: [String], winners: [Int], ranking: [[Int]]?, order: [Int],
        scores: [Int64]? = nil, tieBreak: String, note: String? = nil, rounds: [RunoffRound]? = nil
    ) {
        self.method = method
        self.candidates = candidates
        self.winnerIndices = Self.sortedByID(winners, candidates)
        self.rankingIndices = ranking?.map { Self.sortedByID($0, candidates) }
        self.orderIndices = order
        self.scores = scores
        self.tieBreak = tieBreak
        self.note = note
        self.rounds = rounds
    }

    /// A result from a layering into tie groups, best first: `order` lists each group by input position.
    init(method: VotingMethod, candidates: [String], groups: [[Int]], scores: [Int64]? = nil) {
        self.init(
            method: method, candidates: candidates, winners: groups.first ?? [], ranking: groups,
            order: groups.flatMap { $0.sorted() }, scores: scores, tieBreak: TieBreak.byPosition
        )
    }

    static func sortedByID(_ indices: [Int], _ candidates: [String]) -> [Int] {
        indices.sorted { idPrecedes(candidates[$0], candidates[$1]) }
    }

    /// The score of the candidate whose id has exactly these bytes, if this method has scores.
    public func score(of id: String) -> Int64? {
        guard let scores, let i = candidates.firstIndex(where: { $0.utf8.elementsEqual(id.utf8) }) else { return nil }
        return scores[i]
    }
}
