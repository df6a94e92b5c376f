/// One ballot line: candidate indices in tie groups, most preferred first, weighted by a count.
///
/// Indices refer to `TallyInput.candidates`. Storage is flat for speed:
/// `listed` holds every listed candidate, best first, and `groupEnds[g]` is
/// the offset just past group `g` in `listed`. An empty ranking abstains.
public struct TallyBallot: Hashable, Sendable {
    /// Every listed candidate, best group first.
    public let listed: [Int]
    /// For each tie group, the offset in `listed` just past its last member.
    public let groupEnds: [Int]
    /// How many identical ballots this line stands for; 0 counts for nothing.
    public let count: Int64

    /// A ballot from tie groups, most preferred first; `TallyInput(candidates:ballots:)` validates it.
    public init(ranking: [[Int]], count: Int64 = 1) {
        var listed: [Int] = []
        var ends: [Int] = []
        ends.reserveCapacity(ranking.count)
        for group in ranking {
            listed.append(contentsOf: group)
            ends.append(listed.count)
        }
        self.listed = listed
        self.groupEnds = ends
        self.count = count
    }

    /// A ballot from its flat parts, already known to be consistent.
    init(listed: [Int], groupEnds: [Int], count: Int64) {
        self.listed = listed
        self.groupEnds = groupEnds
        self.count = count
    }

    /// A strict ballot: one candidate per group.
    public init(strict order: [Int], count: Int64 = 1) {
        self.listed = order
        self.groupEnds = order.indices.map { $0 + 1 }
        self.count = count
    }

    /// The tie groups, most preferred first.
    public var ranking: [[Int]] {
        (0..<groupEnds.count).map { Array(group($0)) }
    }

    /// The members of tie group `index`.
    public func group(_ index: Int) -> ArraySlice<Int> {
        listed[groupStart(index)..<groupEnds[index]]
    }

    /// The offset in `listed` of the first member of group `index`.
    public func groupStart(_ index: Int) -> Int {
        index == 0 ? 0 : groupEnds[index - 1]
    }

    /// True when every tie group holds exactly one candidate.
    public var isStrict: Bool { groupEnds.count == listed.count }
}
