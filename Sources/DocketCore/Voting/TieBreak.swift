/// The documented tie-break rules, as they appear in `TallyResult.tieBreak`.
public enum TieBreak {
    /// Within a tie group, and among tied co-winners: earlier position in the input `candidates` list first.
    public static let byPosition =
        "within each tied group, candidates come in their order in the input candidates list (earlier first)"
    /// Ranked pairs: equal margins lock by the winner's, then the loser's input position; then a topological order.
    public static let rankedPairs =
        "equal margins are locked in order of the winning candidate's input position, then the losing one's; "
        + "order is then the locked graph's topological order, earlier input position first where free"
    /// IRV: among tied-lowest candidates, the one latest in the input list is eliminated first.
    public static let runoff =
        "among candidates tied for fewest votes the one latest in the input candidates list is eliminated first; "
        + "order is the reverse elimination order, and candidates leaving or winning together come in input order"

    /// Groups `scores` into tie groups by descending score, each group in input order.
    static func groups(byDescending scores: [Int64]) -> [[Int]] {
        let sorted = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        var groups: [[Int]] = []
        for c in sorted {
            if let last = groups.last?.last, scores[last] == scores[c] {
                groups[groups.count - 1].append(c)
            } else {
                groups.append([c])
            }
        }
        return groups
    }
}
