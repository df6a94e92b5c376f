/// One round of the tie-broken instant-runoff count that `order` follows.
public struct RunoffRound: Sendable, Equatable {
    /// Each remaining candidate (input order) with its first-preference votes.
    public let votes: [(candidate: Int, votes: Int64)]
    /// The weight of ballots that count for nobody any more.
    public let exhausted: Int64
    /// Who leaves after this round: one candidate, or every 0-vote one at once; empty in the last round.
    public let eliminated: [Int]
    /// True when several candidates tied for the fewest votes and the tie-break chose.
    public let tieBroken: Bool

    public static func == (lhs: RunoffRound, rhs: RunoffRound) -> Bool {
        lhs.votes.elementsEqual(rhs.votes) { $0 == $1 } && lhs.exhausted == rhs.exhausted
            && lhs.eliminated == rhs.eliminated && lhs.tieBroken == rhs.tieBroken
    }
}
