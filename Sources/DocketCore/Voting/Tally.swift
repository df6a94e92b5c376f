/// Bounds on the two searches over tie-breaks, so hostile or unlucky elections finish.
///
/// Past a bound the search stops; the result's winners are those found so
/// far, always including the winner of the deterministic tie-break that
/// `order` follows, and `TallyResult.note` says that the list may be
/// incomplete. Both searches are deterministic, so the same input always
/// gives the same result, bound or not.
public struct TallyLimits: Sendable {
    /// Ranked pairs: most distinct (margin group, locked closure) states to branch from.
    public var rankedPairsStates: Int
    /// Ranked pairs: most work units (edge checks and 64-bit row operations) in the search.
    public var rankedPairsWork: Int
    /// Ranked pairs: most bytes of memoised closures (each n² bits over the Smith set).
    public var rankedPairsMemoBytes: Int
    /// IRV: most distinct sets of remaining candidates to visit.
    public var runoffStates: Int
    /// IRV: most work units (ballot transfers and candidate scans) in the search.
    public var runoffWork: Int

    /// Limits as given; `standard` is what the CLI uses.
    public init(rankedPairsStates: Int, rankedPairsWork: Int, rankedPairsMemoBytes: Int, runoffStates: Int, runoffWork: Int) {
        self.rankedPairsStates = rankedPairsStates
        self.rankedPairsWork = rankedPairsWork
        self.rankedPairsMemoBytes = rankedPairsMemoBytes
        self.runoffStates = runoffStates
        self.runoffWork = runoffWork
    }

    /// What `docket tally` uses: for ranked pairs 100,000 states, 80 million work units and 64 MiB
    /// of memoised closures; for irv 300,000 states and 30 million work units. Each search stops
    /// within about 0.2 s on one 2020s server core.
    public static let standard = TallyLimits(
        rankedPairsStates: 100_000, rankedPairsWork: 80_000_000, rankedPairsMemoBytes: 64 << 20,
        runoffStates: 300_000, runoffWork: 30_000_000
    )
}

/// The most candidates schulze, ranked-pairs and copeland count: their n×n margins take n² memory.
public let maxPairwiseCandidates = 2_000

/// Counts `input` with `method` exactly as TALLY.md specifies.
///
/// Throws only for irv on ballots that tie candidates (ballots with count 0
/// are ignored, as everywhere), for borda scores past `Int64.max`, and for a
/// pairwise method on more than `maxPairwiseCandidates` candidates.
public func tally(_ input: TallyInput, method: VotingMethod, limits: TallyLimits = .standard) throws(TallyError) -> TallyResult {
    if method.isPairwise, input.candidateCount > maxPairwiseCandidates {
        throw .tooManyCandidates(method, count: input.candidateCount, limit: maxPairwiseCandidates)
    }
    switch method {
    case .schulze: return Schulze.tally(input, matrix: PairwiseMatrix(input))
    case .rankedPairs: return RankedPairs.tally(input, matrix: PairwiseMatrix(input), limits: limits)
    case .copeland: return Copeland.tally(input, matrix: PairwiseMatrix(input))
    case .borda: return try Borda.tally(input)
    case .irv: return try InstantRunoff.tally(input, limits: limits)
    case .approval: return Approval.tally(input)
    }
}
