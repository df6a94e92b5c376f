import DocketCore
import Testing

/// Determinism of `order`, the search bounds, and what `docket tally` prints.
@Suite struct VotingResultTests {
    @Test(arguments: [["a", "b", "c"], ["p2", "p10", "B", "a"], ["z", "y", "x", "w", "v"]])
    func fullTiesKeepTheInputOrder(_ candidates: [String]) throws {
        let input = try TallyInput(candidates: candidates, ballots: [])
        for method in VotingMethod.allCases {
            let result = try tally(input, method: method)
            #expect(result.order == candidates, "\(method)")
            #expect(result.winners == candidates.sorted(by: bytesBefore), "\(method)")
        }
    }

    @Test(arguments: VotingMethod.allCases)
    func sameInputSameOutput(_ method: VotingMethod) throws {
        for seed in 0..<10 {
            let input = try randomElection(seed: UInt64(seed), candidates: 6, ballots: 5, tieChance: method == .irv ? 0 : 30)
            let first = try tally(input, method: method)
            let again = try tally(input, method: method)
            #expect(first.json == again.json)
        }
    }

    @Test func tiedGroupsAreOrderedByInputPosition() throws {
        // b and c tie on every count; listing c first puts c first in order.
        let ballots: [(String, Int64)] = [("a>b=c", 2), ("b=c>a", 1)]
        #expect(try Election("a b c", ballots).tally(.borda).order == ["a", "b", "c"])
        #expect(try Election("c a b", ballots).tally(.borda).order == ["a", "c", "b"])
        #expect(try Election("c a b", ballots).tally(.borda).ranking == [["a"], ["b", "c"]])
    }

    @Test func randomElectionsAreReproducible() {
        let one = TallyInput.random(candidates: 30, ballots: 50, ranked: 5, seed: 42)
        let two = TallyInput.random(candidates: 30, ballots: 50, ranked: 5, seed: 42)
        let other = TallyInput.random(candidates: 30, ballots: 50, ranked: 5, seed: 43)
        #expect(one.ballots == two.ballots)
        #expect(one.ballots != other.ballots)
        #expect(one.candidates.first == "c1" && one.candidates.count == 30)
        #expect(one.ballots.allSatisfy { $0.isStrict && $0.listed.count == 5 && Set($0.listed).count == 5 })
        #expect(TallyInput.random(candidates: 3, ballots: 2, ranked: 9, seed: 1).ballots.allSatisfy { $0.listed.count == 3 })
    }

    static let tiny = TallyLimits(
        rankedPairsStates: 0, rankedPairsWork: 1_000, rankedPairsMemoBytes: 0, runoffStates: 1, runoffWork: 1_000
    )

    @Test func rankedPairsPastItsBoundSaysSoAndKeepsTheTieBrokenWinner() throws {
        let input = try Election("a b c", [("a>b>c", 1), ("b>c>a", 1), ("c>a>b", 1)]).input
        let result = try tally(input, method: .rankedPairs, limits: Self.tiny)
        try checkContract(result, input)
        let note = try #require(result.note)
        #expect(note.contains("search bound reached"))
        #expect(result.winners.contains(result.order[0]))
        #expect(Set(result.winnerIndices).isSubset(of: Oracle.rankedPairsWinners(input)))
        #expect(result.json["note"] == .string(note))
    }

    @Test func runoffPastItsBoundSaysSoAndKeepsTheTieBrokenWinner() throws {
        let input = try Election("a b c d", VotingMethodsTests.runoffTie).input
        let result = try tally(input, method: .irv, limits: Self.tiny)
        try checkContract(result, input)
        #expect(result.note?.contains("search bound reached") == true)
        #expect(result.winners == ["a"])
        #expect(try tally(input, method: .irv).note == nil)
    }

    @Test func jsonCarriesTheContractKeysFirst() throws {
        let result = try Election("b a c", [("a>b", 2), ("c", 1)]).tally(.approval)
        #expect(result.json.jsonString == #"{"method":"approval","winners":["a","b"],"ranking":[["a","b"],["c"]],"#
            + #""order":["b","a","c"],"scores":{"b":2,"a":2,"c":1},"tieBreak":"\#(TieBreak.byPosition)"}"#)
        let pairs = try Election("a b", [("a", 1)]).tally(.rankedPairs)
        #expect(pairs.json["ranking"] == .null)
        #expect(pairs.json["scores"] == nil)
        #expect(pairs.json["method"] == "ranked-pairs")
    }

    @Test func textReportShowsRankingScoresRoundsAndMargins() throws {
        let election = Election("a b c d", VotingMethodsTests.runoffTie)
        let input = try election.input
        let schulze = try election.tally(.schulze).textReport(margins: PairwiseMatrix(input))
        #expect(schulze.contains("Winners: "))
        #expect(schulze.contains("Ranking (best first"))
        #expect(schulze.contains("Pairwise margins"))
        #expect(schulze.contains("Strongest paths"))
        let runoff = try election.tally(.irv).textReport(margins: PairwiseMatrix(input))
        #expect(runoff.contains("Round 1: a 4, b 2, c 2, d 4; exhausted 0; out: c (tie broken)"))
        #expect(!runoff.contains("Ranking (best first"))
        let borda = try election.tally(.borda).textReport()
        #expect(borda.contains("Borda scores"))
        #expect(!borda.contains("Pairwise margins"))
    }

    @Test func textReportLeavesOutHugeTablesAndQuotesOddIds() throws {
        let wide = TallyInput.random(candidates: 50, ballots: 10, ranked: 3, seed: 5)
        let report = try tally(wide, method: .copeland).textReport(margins: PairwiseMatrix(wide))
        #expect(report.contains("Pairwise tables left out: 50 candidates"))
        let odd = try TallyInput(candidates: ["new\nline", "ok"], ballots: [TallyBallot(ranking: [[0]])])
        let text = try tally(odd, method: .schulze).textReport(margins: PairwiseMatrix(odd))
        #expect(text.contains(#"Winners: "new\nline""#))
    }
}
