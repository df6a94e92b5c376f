/// Pairwise preferences between candidates, kept up to date one weighted ballot at a time.
///
/// `preference(a, over: b)` counts voters ranking `a` strictly above `b`; a
/// listed candidate is above every unlisted one, and two unlisted candidates
/// or two in one tie group count for neither. Adding a ballot costs
/// O(listed²), independent of the number of candidates: per candidate it
/// keeps the weight of ballots listing it, and per pair the weight of ballots
/// listing `a` with `b` in the same or an earlier group.
///
/// All values are 64-bit. Adding ballots whose counts sum past `Int64.max`
/// traps, so keep totals within a validated `TallyInput`'s `totalCount`.
public struct PairwiseMatrix: Hashable, Sendable {
    /// The number of candidates; indices run `0..<candidateCount`.
    public let candidateCount: Int
    /// Per candidate: the total weight of ballots that list it.
    var listedWeight: [Int64]
    /// Row-major n×n: weight of ballots listing `a` where `b` is in `a`'s group or an earlier one (`b == a` included).
    var notBelow: [Int64]

    /// An empty matrix over `candidateCount` candidates.
    public init(candidateCount: Int) {
        self.candidateCount = candidateCount
        self.listedWeight = Array(repeating: 0, count: candidateCount)
        self.notBelow = Array(repeating: 0, count: candidateCount * candidateCount)
    }

    /// The matrix of every ballot in `input`.
    public init(_ input: TallyInput) {
        self.init(candidateCount: input.candidateCount)
        for ballot in input.ballots { add(ballot) }
    }

    /// Counts `ballot` (its `count` times).
    public mutating func add(_ ballot: TallyBallot) {
        apply(ballot, weight: ballot.count)
    }

    /// Takes back a ballot added before, e.g. when a voter replaces theirs.
    public mutating func remove(_ ballot: TallyBallot) {
        apply(ballot, weight: -ballot.count)
    }

    private mutating func apply(_ ballot: TallyBallot, weight: Int64) {
        guard weight != 0 else { return }
        let listed = ballot.listed
        var start = 0
        for end in ballot.groupEnds {
            for offset in start..<end {
                let a = listed[offset]
                listedWeight[a] += weight
                let row = a * candidateCount
                for earlier in 0..<end { notBelow[row + listed[earlier]] += weight }
            }
            start = end
        }
    }

    /// Voters ranking `a` strictly above `b` (0 when `a == b`).
    public func preference(_ a: Int, over b: Int) -> Int64 {
        listedWeight[a] - notBelow[a * candidateCount + b]
    }

    /// The margin m(a, b): voters ranking `a` above `b` minus voters ranking `b` above `a`.
    public func margin(_ a: Int, _ b: Int) -> Int64 {
        preference(a, over: b) - preference(b, over: a)
    }

    /// Every margin at once, row-major: element `a * candidateCount + b` is m(a, b).
    public func margins() -> [Int64] {
        let n = candidateCount
        var out = [Int64](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in (a + 1)..<n {
                let m = preference(a, over: b) - preference(b, over: a)
                out[a * n + b] = m
                out[b * n + a] = -m
            }
        }
        return out
    }
}
