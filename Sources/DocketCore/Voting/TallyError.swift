/// Why an election could not be counted with the method asked for.
public enum TallyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// irv counts strict ballots only, and ballot `ballot` ties `size` candidates in group `group`.
    case runoffNeedsStrictBallots(ballot: Int, group: Int, size: Int)
    /// Scores passed `Int64.max` (only borda can: a count times the number of candidates).
    case scoreOverflow(VotingMethod)
    /// A pairwise method needs n² memory and up to n³ time; past `maxPairwiseCandidates` it refuses.
    case tooManyCandidates(VotingMethod, count: Int, limit: Int)

    public var description: String {
        switch self {
        case let .runoffNeedsStrictBallots(ballot, group, size):
            return "irv needs strict ballots, but ballots[\(ballot)].ranking[\(group)] ties \(size) candidates "
                + "(rank them one per group, or use another method)"
        case .scoreOverflow(let method):
            return "\(method.rawValue) scores exceed \(Int64.max)"
        case let .tooManyCandidates(method, count, limit):
            return "\(method.rawValue) compares every pair of candidates and counts at most \(limit); "
                + "this election has \(count) (borda, irv and approval have no such limit)"
        }
    }
}
