/// A validated election: candidate ids and weighted ballots that refer to them by index.
///
/// Valid by construction: at least one candidate; ids non-empty and distinct
/// byte for byte (Swift's `==` on `String` would merge canonically equivalent
/// ids, so ids are compared as UTF-8 bytes); every ballot's indices in range,
/// no candidate twice in one ballot, no empty tie group, counts of 0 or more,
/// and the sum of all counts within `Int64`, so no margin or tally can overflow.
public struct TallyInput: Sendable {
    /// Candidate ids in input order; an id's position is its index in ballots.
    public let candidates: [String]
    /// Ballot lines in input order.
    public let ballots: [TallyBallot]
    /// The sum of all ballot counts.
    public let totalCount: Int64

    /// Validates `candidates` and `ballots`; errors name the offending index.
    public init(candidates: [String], ballots: [TallyBallot]) throws(TallyInputError) {
        try Self.checkCandidates(candidates)
        let n = candidates.count
        var seenIn = [Int](repeating: -1, count: n)
        var total: Int64 = 0
        for (b, ballot) in ballots.enumerated() {
            let path = "ballots[\(b)]"
            var start = 0
            for (g, end) in ballot.groupEnds.enumerated() {
                guard end > start, end <= ballot.listed.count else {
                    throw TallyInputError(at: "\(path).ranking[\(g)]", "empty tie group")
                }
                for offset in start..<end {
                    let c = ballot.listed[offset]
                    let place = "\(path).ranking[\(g)][\(offset - start)]"
                    guard c >= 0, c < n else { throw TallyInputError(at: place, "candidate index \(c) out of range") }
                    guard seenIn[c] != b else {
                        throw TallyInputError(at: place, "candidate \(quotedID(candidates[c])) appears twice in this ballot")
                    }
                    seenIn[c] = b
                }
                start = end
            }
            guard start == ballot.listed.count else {
                throw TallyInputError(at: path, "listed candidates outside any tie group")
            }
            total = try Self.addCount(ballot.count, to: total, path: "\(path).count")
        }
        self.init(unchecked: candidates, ballots: ballots, totalCount: total)
    }

    /// An input whose invariants the caller has already checked.
    init(unchecked candidates: [String], ballots: [TallyBallot], totalCount: Int64) {
        self.candidates = candidates
        self.ballots = ballots
        self.totalCount = totalCount
    }

    /// The number of candidates.
    public var candidateCount: Int { candidates.count }

    static func checkCandidates(_ candidates: [String]) throws(TallyInputError) {
        guard !candidates.isEmpty else {
            throw TallyInputError(at: "candidates", "must list at least one candidate")
        }
        var index = CandidateIndex()
        for (i, id) in candidates.enumerated() {
            guard !id.isEmpty else { throw TallyInputError(at: "candidates[\(i)]", "an id must not be empty") }
            if let earlier = index.insert(id, at: i, in: candidates) {
                throw TallyInputError(at: "candidates[\(i)]", "duplicate id \(quotedID(id)) (also candidates[\(earlier)])")
            }
        }
    }

    static func addCount(_ count: Int64, to total: Int64, path: String) throws(TallyInputError) -> Int64 {
        guard count >= 0 else { throw TallyInputError(at: path, "must be 0 or more, got \(count)") }
        let (sum, overflow) = total.addingReportingOverflow(count)
        guard !overflow else { throw TallyInputError(at: path, "the counts add up to more than \(Int64.max)") }
        return sum
    }
}
