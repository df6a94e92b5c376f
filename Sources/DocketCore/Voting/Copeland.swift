/// Copeland: pairwise wins minus pairwise losses; a zero margin is worth nothing.
enum Copeland {
    static func tally(_ input: TallyInput, matrix: PairwiseMatrix) -> TallyResult {
        let n = matrix.candidateCount
        let margins = matrix.margins()
        var scores = [Int64](repeating: 0, count: n)
        for a in 0..<n {
            for b in 0..<n where b != a { scores[a] += Int64(margins[a * n + b].signum()) }
        }
        return TallyResult(
            method: .copeland, candidates: input.candidates,
            groups: TieBreak.groups(byDescending: scores), scores: scores
        )
    }
}
