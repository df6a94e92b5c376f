import DocketCore
import Testing

/// Small elections written compactly: `"a>b=c>d"` ranks a, then b and c tied, then d; `""` abstains.
struct Election {
    var candidates: [String]
    var ballots: [(ranking: String, count: Int64)]

    init(_ candidates: String, _ ballots: [(String, Int64)]) {
        self.candidates = candidates.split(separator: " ").map(String.init)
        self.ballots = ballots.map { ($0.0, $0.1) }
    }

    var input: TallyInput {
        get throws {
            let index = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1, $0) })
            let list = ballots.map { ballot in
                let groups = ballot.ranking.isEmpty ? [] : ballot.ranking.split(separator: ">").map { group in
                    group.split(separator: "=").map { index[String($0)] ?? -1 }
                }
                return TallyBallot(ranking: groups, count: ballot.count)
            }
            return try TallyInput(candidates: candidates, ballots: list)
        }
    }

    func tally(_ method: VotingMethod, limits: TallyLimits = .standard) throws -> TallyResult {
        let result = try DocketCore.tally(try input, method: method, limits: limits)
        try checkContract(result, try input)
        return result
    }
}

/// Checks what TALLY.md demands of every output, whatever the method.
func checkContract(_ result: TallyResult, _ input: TallyInput, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let n = input.candidateCount
    #expect(result.orderIndices.sorted() == Array(0..<n), "order is a permutation", sourceLocation: sourceLocation)
    #expect(!result.winnerIndices.isEmpty, "someone wins", sourceLocation: sourceLocation)
    #expect(result.winners == result.winners.sorted(by: bytesBefore), "winners sorted by id", sourceLocation: sourceLocation)
    if let first = result.orderIndices.first {
        #expect(result.winnerIndices.contains(first), "order[0] is a winner", sourceLocation: sourceLocation)
    }
    #expect((result.rankingIndices == nil) == !result.method.hasRanking, sourceLocation: sourceLocation)
    if let ranking = result.ranking {
        #expect(ranking.allSatisfy { $0 == $0.sorted(by: bytesBefore) && !$0.isEmpty }, sourceLocation: sourceLocation)
        #expect(Set(ranking[0]) == Set(result.winners), "winners are the first group", sourceLocation: sourceLocation)
        var offset = 0
        for group in ranking {
            let slice = result.order[offset..<(offset + group.count)]
            #expect(Set(slice) == Set(group), "order lists the groups in order", sourceLocation: sourceLocation)
            offset += group.count
        }
        #expect(offset == n, sourceLocation: sourceLocation)
    }
}

/// Plain byte order, as TALLY.md defines "sorted by id".
func bytesBefore(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}

/// Each candidate's group number on a ballot (0 best); unlisted candidates get `Int.max`.
func places(_ ballot: TallyBallot, _ n: Int) -> [Int] {
    var place = [Int](repeating: .max, count: n)
    for (g, group) in ballot.ranking.enumerated() {
        for c in group { place[c] = g }
    }
    return place
}

/// Margins straight from the definition, one pair and one ballot at a time.
func naiveMargins(_ input: TallyInput) -> [[Int64]] {
    let n = input.candidateCount
    var m = [[Int64]](repeating: [Int64](repeating: 0, count: n), count: n)
    for ballot in input.ballots {
        let place = places(ballot, n)
        for a in 0..<n {
            for b in 0..<n where place[a] < place[b] {
                m[a][b] += ballot.count
                m[b][a] -= ballot.count
            }
        }
    }
    return m
}

/// A random small election from a seed; `tieChance` in percent makes tie groups, `truncate` short ballots.
func randomElection(
    seed: UInt64, candidates n: Int, ballots: Int, maxCount: Int64 = 3, tieChance: Int = 0, truncate: Bool = true
) throws -> TallyInput {
    var rng = TestRandom(seed: seed)
    var list: [TallyBallot] = []
    for _ in 0..<ballots {
        var deck = Array(0..<n)
        deck.shuffle(using: &rng)
        let length = truncate ? Int(rng.next() % UInt64(n + 1)) : n
        var groups: [[Int]] = []
        for c in deck.prefix(length) {
            if !groups.isEmpty, Int(rng.next() % 100) < tieChance {
                groups[groups.count - 1].append(c)
            } else {
                groups.append([c])
            }
        }
        list.append(TallyBallot(ranking: groups, count: Int64(rng.next() % UInt64(maxCount)) + 1))
    }
    return try TallyInput(candidates: (0..<n).map { "c\($0)" }, ballots: list)
}

/// SplitMix64, so random tests are the same on every run.
typealias TestRandom = SplitMix64
