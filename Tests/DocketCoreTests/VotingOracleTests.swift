import DocketCore
import Testing

/// The fast methods against `Oracle`'s literal ones on many small random elections.
@Suite struct VotingOracleTests {
    /// (seed, candidates, ballots, max count, tie %): small electorates give many equal margins.
    static let elections: [(UInt64, Int, Int, Int64, Int)] = (0..<60).map { i in
        let seed = UInt64(i)
        return (seed, 2 + i % 5, 1 + (i * 7) % 9, i % 3 == 0 ? 1 : 4, (i % 4) * 20)
    }

    @Test(arguments: elections)
    func pairwiseMarginsMatchTheDefinition(_ e: (UInt64, Int, Int, Int64, Int)) throws {
        let input = try randomElection(seed: e.0, candidates: e.1, ballots: e.2, maxCount: e.3, tieChance: e.4)
        let matrix = PairwiseMatrix(input)
        let expected = naiveMargins(input)
        for a in 0..<input.candidateCount {
            for b in 0..<input.candidateCount { #expect(matrix.margin(a, b) == expected[a][b]) }
        }
    }

    @Test(arguments: elections)
    func schulzeMatchesTheLiteralLayering(_ e: (UInt64, Int, Int, Int64, Int)) throws {
        let input = try randomElection(seed: e.0, candidates: e.1, ballots: e.2, maxCount: e.3, tieChance: e.4)
        let result = try tally(input, method: .schulze)
        try checkContract(result, input)
        #expect(result.rankingIndices.map { $0.map(Set.init) } == Oracle.schulzeRanking(input))
    }

    @Test(arguments: elections)
    func rankedPairsFindsEveryTieBreakWinner(_ e: (UInt64, Int, Int, Int64, Int)) throws {
        let input = try randomElection(seed: e.0, candidates: e.1, ballots: e.2, maxCount: e.3, tieChance: e.4)
        let result = try tally(input, method: .rankedPairs)
        try checkContract(result, input)
        #expect(result.note == nil)
        #expect(Set(result.winnerIndices) == Oracle.rankedPairsWinners(input))
    }

    @Test(arguments: elections)
    func runoffFindsEveryTieBreakWinner(_ e: (UInt64, Int, Int, Int64, Int)) throws {
        let input = try randomElection(seed: e.0, candidates: e.1 + 1, ballots: e.2, maxCount: e.3)
        let result = try tally(input, method: .irv)
        try checkContract(result, input)
        #expect(result.note == nil)
        #expect(Set(result.winnerIndices) == Oracle.runoffWinners(input))
    }

    /// Five to eight candidates and one to three voters: almost every margin equal, as TALLY.md warns.
    @Test(arguments: 0..<24)
    func rankedPairsHandlesManyEqualMargins(_ seed: Int) throws {
        let input = try randomElection(
            seed: 1000 + UInt64(seed), candidates: 5 + seed % 3 + (seed % 4 == 3 ? 1 : 0), ballots: 1 + seed % 3, maxCount: 1,
            tieChance: seed % 2 == 0 ? 0 : 30, truncate: seed % 4 >= 2
        )
        let result = try tally(input, method: .rankedPairs)
        #expect(result.note == nil)
        #expect(Set(result.winnerIndices) == Oracle.rankedPairsWinners(input))
    }

    /// Many candidates nobody ranks first, and many tied at the bottom.
    @Test(arguments: 0..<12)
    func runoffHandlesManyTies(_ seed: Int) throws {
        let input = try randomElection(
            seed: 2000 + UInt64(seed), candidates: 7 + seed % 3, ballots: 2 + seed % 5, maxCount: 1, truncate: true
        )
        let result = try tally(input, method: .irv)
        #expect(result.note == nil)
        #expect(Set(result.winnerIndices) == Oracle.runoffWinners(input))
    }

    @Test(arguments: [VotingMethod.copeland, .borda, .approval])
    func scoringMethodsAgreeWithTheirScores(_ method: VotingMethod) throws {
        for seed in 0..<20 {
            let input = try randomElection(seed: UInt64(seed), candidates: 5, ballots: 6, tieChance: 30)
            let result = try tally(input, method: method)
            try checkContract(result, input)
            let scores = try #require(result.scores)
            let top = scores.max()
            #expect(Set(result.winnerIndices) == Set(scores.indices.filter { scores[$0] == top }))
            for (higher, lower) in zip(result.orderIndices, result.orderIndices.dropFirst()) {
                #expect(scores[higher] >= scores[lower])
            }
        }
    }
}
