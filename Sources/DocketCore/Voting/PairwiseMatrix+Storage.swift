extension PairwiseMatrix {
    /// The matrix over some of the candidates: `indices[i]` of this matrix becomes candidate `i`.
    ///
    /// Preferences between the kept candidates do not depend on the others (a
    /// listed candidate is above every unlisted one either way), so this equals
    /// the matrix of the same ballots restricted to the kept candidates, in O(kept²).
    public func restricted(to indices: [Int]) -> PairwiseMatrix {
        var out = PairwiseMatrix(candidateCount: indices.count)
        let n = indices.count
        for (i, a) in indices.enumerated() {
            out.listedWeight[i] = listedWeight[a]
            let row = a * candidateCount
            for (j, b) in indices.enumerated() { out.notBelow[i * n + j] = notBelow[row + b] }
        }
        return out
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
