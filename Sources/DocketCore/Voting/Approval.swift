/// Approval: a ballot approves exactly the candidates it lists, in any group.
enum Approval {
    static func tally(_ input: TallyInput) -> TallyResult {
        var scores = [Int64](repeating: 0, count: input.candidateCount)
        // No overflow: each score is at most the validated total of all counts.
        for ballot in input.ballots where ballot.count > 0 {
            for c in ballot.listed { scores[c] += ballot.count }
        }
        return TallyResult(
            method: .approval, candidates: input.candidates,
            groups: TieBreak.groups(byDescending: scores), scores: scores
        )
    }
}
