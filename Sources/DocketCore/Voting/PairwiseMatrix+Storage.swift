extension PairwiseMatrix {
    /// A matrix from stored pair weights: `weight(a, b)` = ballots listing `a` with `b` in `a`'s tie group or
    /// an earlier one, and `weight(a, a)` = ballots listing `a` (what `add` accumulates).
    public init(candidateCount n: Int, weights: [(a: Int, b: Int, weight: Int64)]) {
        self.init(candidateCount: n)
        for entry in weights where entry.a < n && entry.b < n {
            notBelow[entry.a * n + entry.b] = entry.weight
            if entry.a == entry.b { listedWeight[entry.a] = entry.weight }
        }
    }
}

/// Counts a pairwise method from a matrix kept up to date elsewhere (a series' standing).
///
/// `candidates` name the matrix's indices and decide the tie-break as in
/// `tally(_:method:)`. Nil for methods that need the ballots themselves
/// (borda, irv, approval).
public func tally(candidates: [String], matrix: PairwiseMatrix, method: VotingMethod, limits: TallyLimits = .standard) -> TallyResult? {
    precondition(candidates.count == matrix.candidateCount, "one id per matrix index")
    let input = TallyInput(unchecked: candidates, ballots: [], totalCount: 0)
    switch method {
    case .schulze: return Schulze.tally(input, matrix: matrix)
    case .rankedPairs: return RankedPairs.tally(input, matrix: matrix, limits: limits)
    case .copeland: return Copeland.tally(input, matrix: matrix)
    case .borda, .irv, .approval: return nil
    }
}
