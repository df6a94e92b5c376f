/// Borda: on each ballot a candidate scores the number of candidates ranked strictly below it.
///
/// Unlisted candidates are below every listed one and score 0; members of one
/// tie group are not below each other.
enum Borda {
    static func tally(_ input: TallyInput) throws(TallyError) -> TallyResult {
        let n = input.candidateCount
        var scores = [Int64](repeating: 0, count: n)
        for ballot in input.ballots where ballot.count > 0 {
            var start = 0
            for end in ballot.groupEnds {
                let (points, productOverflow) = ballot.count.multipliedReportingOverflow(by: Int64(n - end))
                guard !productOverflow else { throw .scoreOverflow(.borda) }
                for offset in start..<end {
                    let c = ballot.listed[offset]
                    let (sum, overflow) = scores[c].addingReportingOverflow(points)
                    guard !overflow else { throw .scoreOverflow(.borda) }
                    scores[c] = sum
                }
                start = end
            }
        }
        return TallyResult(
            method: .borda, candidates: input.candidates,
            groups: TieBreak.groups(byDescending: scores), scores: scores
        )
    }
}
