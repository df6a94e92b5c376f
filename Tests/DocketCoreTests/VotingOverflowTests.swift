import DocketCore
import Testing

/// Counts near 2^31 and totals in the billions: everything must stay exact in 64 bits.
@Suite struct VotingOverflowTests {
    static let big: Int64 = (1 << 31) - 1

    /// 1,000 ballots of 2^31 − 1 each: about 2.1 × 10^12 voters.
    static var huge: TallyInput {
        get throws {
            let ballots = (0..<1000).map { i in
                TallyBallot(ranking: i % 3 == 0 ? [[0], [1], [2]] : i % 3 == 1 ? [[1], [2], [0]] : [[2, 0]], count: big)
            }
            return try TallyInput(candidates: ["a", "b", "c"], ballots: ballots)
        }
    }

    @Test func totalsPassTwoToTheThirtyTwo() throws {
        let input = try Self.huge
        #expect(input.totalCount == 1000 * Self.big)
        let m = PairwiseMatrix(input)
        // a>b: 334 + 333 ballots; b>a: 333; c ballots list a, not b.
        #expect(m.preference(0, over: 1) == 667 * Self.big)
        #expect(m.margin(0, 1) == 334 * Self.big)
        #expect(m.margin(1, 2) == 334 * Self.big)
    }

    @Test(arguments: VotingMethod.allCases.filter { $0 != .irv })
    func everyMethodCountsHugeElectionsExactly(_ method: VotingMethod) throws {
        let result = try tally(try Self.huge, method: method)
        try checkContract(result, try Self.huge)
        let big = Self.big
        if method == .borda {
            // a: 2 on each a>b>c ballot (334), 1 on each c=a ballot (333): 1001 in all.
            let expected: [Int64] = [1001 * big, 1000 * big, 666 * big]
            #expect(result.scores == expected)
        }
        if method == .approval {
            let expected: [Int64] = [1000 * big, 667 * big, 1000 * big]
            #expect(result.scores == expected)
        }
    }

    @Test func runoffCountsHugeStrictElections() throws {
        var ballots: [TallyBallot] = []
        for i in 0..<300 {
            let order: [Int] = i % 3 == 0 ? [0, 1] : [i % 3]
            ballots.append(TallyBallot(strict: order, count: Self.big - Int64(i % 2)))
        }
        let input = try TallyInput(candidates: ["a", "b", "c"], ballots: ballots)
        let result = try tally(input, method: .irv)
        let first = try #require(result.rounds?.first)
        let each: Int64 = 100 * Self.big - 50
        let votes: [Int64] = first.votes.map { $0.votes }
        #expect(votes == [each, each, each])
        // Three-way tie: dropping a hands its votes to b; dropping b or c leaves a tie of two.
        #expect(result.winners == ["a", "b", "c"])
    }

    @Test func rejectsCountsThatAddUpPastInt64() {
        let max = Int64.max
        #expect(throws: TallyInputError.self) {
            try TallyInput(candidates: ["a"], ballots: [TallyBallot(ranking: [[0]], count: max), TallyBallot(ranking: [], count: 1)])
        }
        #expect(throws: TallyInputError.self) {
            try TallyInput.parse(json: Array(#"{"candidates": ["a"], "ballots": [{"ranking": [], "count": 9223372036854775808}]}"#.utf8))
        }
    }

    @Test func acceptsOneBallotOfInt64Max() throws {
        let input = try TallyInput(candidates: ["a", "b"], ballots: [TallyBallot(ranking: [[1]], count: .max)])
        for method in VotingMethod.allCases {
            #expect(try tally(input, method: method).winners == ["b"])
        }
    }

    @Test func bordaReportsScoresPastInt64() throws {
        let input = try TallyInput(candidates: ["a", "b", "c"], ballots: [TallyBallot(ranking: [[0]], count: .max / 2 + 1)])
        #expect(throws: TallyError.scoreOverflow(.borda)) { try tally(input, method: .borda) }
    }

    @Test func pairwiseMethodsRefuseMoreCandidatesThanTheirLimit() throws {
        let input = try TallyInput(candidates: (0...maxPairwiseCandidates).map { "c\($0)" }, ballots: [TallyBallot(ranking: [[7]])])
        for method in VotingMethod.allCases {
            if method.isPairwise {
                #expect(throws: TallyError.tooManyCandidates(method, count: maxPairwiseCandidates + 1, limit: maxPairwiseCandidates)) {
                    try tally(input, method: method)
                }
            } else {
                #expect(try tally(input, method: method).winners == ["c7"])
            }
        }
    }
}
