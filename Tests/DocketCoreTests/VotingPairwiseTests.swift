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
}
