/// A vote-counting method that `docket tally` and the server implement (see TALLY.md).
public enum VotingMethod: String, CaseIterable, Sendable {
    case schulze
    case rankedPairs = "ranked-pairs"
    case copeland
    case borda
    case irv
    case approval

    /// Whether results carry the full social ranking; `ranked-pairs` and `irv` only name winners and an order.
    public var hasRanking: Bool {
        switch self {
        case .rankedPairs, .irv: return false
        case .schulze, .copeland, .borda, .approval: return true
        }
    }

    /// Whether the method works from the pairwise margin matrix.
    public var isPairwise: Bool {
        switch self {
        case .schulze, .rankedPairs, .copeland: return true
        case .borda, .irv, .approval: return false
        }
    }

    /// One line for people: what the method counts.
    public var summary: String {
        switch self {
        case .schulze: return "strongest paths on the pairwise margins; ranking by layers of the beats relation"
        case .rankedPairs: return "lock pairwise margins from largest down, skipping cycles; winners over every order of equal margins"
        case .copeland: return "pairwise wins minus pairwise losses"
        case .borda: return "points for every candidate ranked strictly below, per ballot"
        case .irv: return "instant runoff: eliminate the fewest first preferences; winners over every choice among tied-lowest"
        case .approval: return "one point for every candidate a ballot lists"
        }
    }
}
