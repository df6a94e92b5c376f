import DocketCore
import Testing

@Suite struct VotingPairwiseTests {
    @Test func countsListedAboveUnlistedAndTiesForNeither() throws {
        let input = try Election("a b c d", [("a>b=c", 2)]).input
        let m = PairwiseMatrix(input)
        #expect(m.preference(0, over: 1) == 2)
        #expect(m.preference(1, over: 2) == 0)
        #expect(m.preference(1, over: 3) == 2)
        #expect(m.preference(3, over: 1) == 0)
        #expect(m.margin(2, 3) == 2)
        #expect(m.margin(3, 2) == -2)
        #expect(m.margin(0, 0) == 0)
        #expect(m.margins() == [0, 2, 2, 2, -2, 0, 0, 2, -2, 0, 0, 2, -2, -2, -2, 0])
    }

    @Test func addingThenRemovingABallotRestoresTheMatrix() throws {
        let input = try randomElection(seed: 4, candidates: 6, ballots: 12, tieChance: 40)
        var matrix = PairwiseMatrix(input)
        let before = matrix
        let extra = TallyBallot(ranking: [[5], [0, 2], [1]], count: 7)
        matrix.add(extra)
        #expect(matrix != before)
        #expect(matrix.margin(5, 0) == before.margin(5, 0) + 7)
        #expect(matrix.margin(2, 4) == before.margin(2, 4) + 7)
        #expect(matrix.margin(0, 2) == before.margin(0, 2))
        matrix.remove(extra)
        #expect(matrix == before)
    }

    @Test func buildsIncrementallyToTheSameMatrix() throws {
        let input = try randomElection(seed: 9, candidates: 7, ballots: 30, tieChance: 25)
        var matrix = PairwiseMatrix(candidateCount: 7)
        for ballot in input.ballots { matrix.add(ballot) }
        #expect(matrix == PairwiseMatrix(input))
    }

    /// The textbook widest-path search in 64 bits, to check the 32-bit level search against.
    static func referencePaths(_ matrix: PairwiseMatrix) -> [Int64] {
        let n = matrix.candidateCount
        var p = matrix.margins().map { max($0, 0) }
        for k in 0..<n {
            for i in 0..<n where i != k {
                for j in 0..<n where j != i && j != k {
                    p[i * n + j] = max(p[i * n + j], min(p[i * n + k], p[k * n + j]))
                }
            }
        }
        return p
    }

    @Test(arguments: [Int64(3), 50, 1 << 40, Int64.max / 64, 1])
    func strongestPathsMatchTheTextbookSearch(_ maxCount: Int64) throws {
        for round in 0..<20 {
            let input = try randomElection(
                seed: UInt64(truncatingIfNeeded: maxCount) &+ UInt64(round), candidates: 2 + round % 9, ballots: 40, maxCount: maxCount, tieChance: 25)
            let matrix = PairwiseMatrix(input)
            #expect(Schulze.strongestPaths(matrix) == Self.referencePaths(matrix), "counts up to \(maxCount), round \(round)")
        }
    }

    @Test func aRestrictedMatrixEqualsTheMatrixOfRestrictedBallots() throws {
        let input = try randomElection(seed: 11, candidates: 9, ballots: 60, tieChance: 30)
        let kept = [7, 2, 4, 0]
        let restricted = try TallyInput(
            candidates: kept.map { input.candidates[$0] },
            ballots: input.ballots.map { ballot in
                TallyBallot(ranking: ballot.ranking.map { $0.compactMap { kept.firstIndex(of: $0) } }.filter { !$0.isEmpty }, count: ballot.count)
            }.filter { !$0.listed.isEmpty })
        #expect(PairwiseMatrix(input).restricted(to: kept).margins() == PairwiseMatrix(restricted).margins())
    }
}
