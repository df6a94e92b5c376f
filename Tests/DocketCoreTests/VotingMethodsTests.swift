import DocketCore
import Testing

/// Hand-checked small elections, one row per (election, method): winners and ranking (nil where the method has none).
@Suite struct VotingMethodsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let candidates: String
        let ballots: [(String, Int64)]
        let method: VotingMethod
        let winners: [String]
        let ranking: [[String]]?
        var testDescription: String { "\(name) / \(method.rawValue)" }
    }

    /// a>b 6:3, b>c 7:2, c>a 5:4: a cycle whose weakest link is c>a.
    static let cycle: [(String, Int64)] = [("a>b>c", 4), ("b>c>a", 3), ("c>a>b", 2)]
    /// m(a,b) = 3, m(b,c) = 1, m(c,a) = 1, d last: schulze's beats relation is not a weak order
    /// (a beats b, c is comparable with neither), and ranked pairs wins with a or c depending on the tie-break.
    static let layered: [(String, Int64)] = [("a>b>c>d", 2), ("b>c>a>d", 1), ("c>a>b>d", 2)]
    /// Every margin is 1: a perfect three-way cycle.
    static let rock: [(String, Int64)] = [("a>b>c", 1), ("b>c>a", 1), ("c>a>b", 1)]
    /// Wikipedia's Schulze example: 45 voters, E wins, E > A > C > B > D.
    static let wikipedia: [(String, Int64)] = [
        ("A>C>B>E>D", 5), ("A>D>E>C>B", 5), ("B>E>D>A>C", 8), ("C>A>B>E>D", 3),
        ("C>A>E>B>D", 7), ("C>B>A>D>E", 2), ("D>C>E>B>A", 7), ("E>B>A>D>C", 8),
    ]
    /// First preferences a 4, b 2, c 2, d 4: whichever of b, c leaves first, a and d end tied.
    static let runoffTie: [(String, Int64)] = [("a", 4), ("b>a", 2), ("c>d", 2), ("d", 4)]
    /// Partial ballots with ties; e is never listed; one abstention and one zero-count ballot.
    static let partial: [(String, Int64)] = [("a=b>c", 2), ("c", 1), ("b>d", 1), ("", 5), ("e>a", 0)]

    static let cases: [Case] = [
        Case(name: "cycle", candidates: "a b c", ballots: cycle, method: .schulze, winners: ["a"], ranking: [["a"], ["b"], ["c"]]),
        Case(name: "cycle", candidates: "a b c", ballots: cycle, method: .rankedPairs, winners: ["a"], ranking: nil),
        Case(name: "cycle", candidates: "a b c", ballots: cycle, method: .copeland, winners: ["a", "b", "c"], ranking: [["a", "b", "c"]]),
        Case(name: "cycle", candidates: "a b c", ballots: cycle, method: .borda, winners: ["a", "b"], ranking: [["a", "b"], ["c"]]),
        Case(name: "cycle", candidates: "a b c", ballots: cycle, method: .irv, winners: ["a"], ranking: nil),
        Case(name: "cycle", candidates: "a b c", ballots: cycle, method: .approval, winners: ["a", "b", "c"], ranking: [["a", "b", "c"]]),

        Case(name: "layered", candidates: "a b c d", ballots: layered, method: .schulze, winners: ["a", "c"], ranking: [["a", "c"], ["b"], ["d"]]),
        Case(name: "layered", candidates: "a b c d", ballots: layered, method: .rankedPairs, winners: ["a", "c"], ranking: nil),
        Case(name: "layered", candidates: "a b c d", ballots: layered, method: .copeland, winners: ["a", "b", "c"], ranking: [["a", "b", "c"], ["d"]]),
        Case(name: "layered", candidates: "a b c d", ballots: layered, method: .borda, winners: ["a"], ranking: [["a"], ["c"], ["b"], ["d"]]),
        Case(name: "layered", candidates: "a b c d", ballots: layered, method: .irv, winners: ["c"], ranking: nil),

        Case(name: "rock", candidates: "a b c", ballots: rock, method: .schulze, winners: ["a", "b", "c"], ranking: [["a", "b", "c"]]),
        Case(name: "rock", candidates: "a b c", ballots: rock, method: .rankedPairs, winners: ["a", "b", "c"], ranking: nil),
        Case(name: "rock", candidates: "a b c", ballots: rock, method: .irv, winners: ["a", "b", "c"], ranking: nil),

        Case(name: "wikipedia", candidates: "A B C D E", ballots: wikipedia, method: .schulze, winners: ["E"], ranking: [["E"], ["A"], ["C"], ["B"], ["D"]]),
        Case(name: "wikipedia", candidates: "A B C D E", ballots: wikipedia, method: .rankedPairs, winners: ["A"], ranking: nil),

        Case(name: "runoff tie", candidates: "a b c d", ballots: runoffTie, method: .irv, winners: ["a", "d"], ranking: nil),

        Case(name: "partial", candidates: "a b c d e", ballots: partial, method: .schulze, winners: ["b"], ranking: [["b"], ["a"], ["c"], ["d"], ["e"]]),
        Case(name: "partial", candidates: "a b c d e", ballots: partial, method: .copeland, winners: ["b"], ranking: [["b"], ["a"], ["c"], ["d"], ["e"]]),
        Case(name: "partial", candidates: "a b c d e", ballots: partial, method: .borda, winners: ["b"], ranking: [["b"], ["c"], ["a"], ["d"], ["e"]]),
        Case(name: "partial", candidates: "a b c d e", ballots: partial, method: .approval, winners: ["b", "c"], ranking: [["b", "c"], ["a"], ["d"], ["e"]]),

        Case(name: "no ballots", candidates: "x y z", ballots: [], method: .schulze, winners: ["x", "y", "z"], ranking: [["x", "y", "z"]]),
        Case(name: "no ballots", candidates: "x y z", ballots: [], method: .rankedPairs, winners: ["x", "y", "z"], ranking: nil),
        Case(name: "no ballots", candidates: "x y z", ballots: [], method: .copeland, winners: ["x", "y", "z"], ranking: [["x", "y", "z"]]),
        Case(name: "no ballots", candidates: "x y z", ballots: [], method: .borda, winners: ["x", "y", "z"], ranking: [["x", "y", "z"]]),
        Case(name: "no ballots", candidates: "x y z", ballots: [], method: .irv, winners: ["x", "y", "z"], ranking: nil),
        Case(name: "no ballots", candidates: "x y z", ballots: [], method: .approval, winners: ["x", "y", "z"], ranking: [["x", "y", "z"]]),

        Case(name: "byte order", candidates: "p2 p10 b B a", ballots: [], method: .approval, winners: ["B", "a", "b", "p10", "p2"], ranking: [["B", "a", "b", "p10", "p2"]]),
    ]

    @Test(arguments: cases)
    func countsHandCheckedElections(_ row: Case) throws {
        let result = try Election(row.candidates, row.ballots).tally(row.method)
        #expect(result.method == row.method)
        #expect(result.winners == row.winners)
        #expect(result.ranking == row.ranking)
        #expect(result.note == nil)
    }

    @Test func scoresFollowTheDefinitions() throws {
        let cycle = Election("a b c", Self.cycle)
        #expect(try cycle.tally(.copeland).scores == [0, 0, 0])
        #expect(try cycle.tally(.borda).scores == [10, 10, 7])
        #expect(try cycle.tally(.approval).scores == [9, 9, 9])
        // a=b>c among five, twice: a and b have c, d, e below (3 each), c has d, e (2).
        // c alone: 4. b>d: b has a, c, d, e below (4); d has a, c, e (3).
        let partial = Election("a b c d e", Self.partial)
        #expect(try partial.tally(.borda).scores == [6, 6 + 4, 4 + 4, 3, 0])
        #expect(try partial.tally(.approval).scores == [2, 3, 3, 1, 0])
        #expect(try partial.tally(.copeland).scores == [2, 4, 0, -2, -4])
        #expect(try partial.tally(.schulze).scores == nil)
    }

    @Test func runoffRejectsTiedBallotsButNotUncountedOnes() throws {
        #expect(throws: TallyError.runoffNeedsStrictBallots(ballot: 1, group: 1, size: 2)) {
            try Election("a b c", [("a>b>c", 1), ("a>b=c", 1)]).tally(.irv)
        }
        let ignored = try Election("a b c", [("a>b>c", 1), ("a>b=c", 0)]).tally(.irv)
        #expect(ignored.winners == ["a"])
    }

    @Test func runoffDropsZeroVoteCandidatesTogetherAndExhaustsBallots() throws {
        // e, f and g have no first preferences; c's ballot exhausts when c leaves.
        let result = try Election("a b c e f g", [("a>e", 4), ("b>f>a", 2), ("c", 1), ("b", 1)]).tally(.irv)
        #expect(result.winners == ["a"])
        let rounds = try #require(result.rounds)
        #expect(rounds.map(\.eliminated) == [[3, 4, 5], [2], [1], []])
        #expect(rounds[2].exhausted == 1)
        #expect(result.order == ["a", "b", "c", "e", "f", "g"])
    }

    @Test func runoffOrderFollowsTheTieBrokenCount() throws {
        let result = try Election("a b c d", Self.runoffTie).tally(.irv)
        // Tie b–c: c (later) leaves; then b; then a and d tie at 6 and d (later) leaves.
        #expect(result.order == ["a", "d", "b", "c"])
        #expect(result.rounds?.map(\.tieBroken) == [true, false, true, false])
    }

    @Test func rankedPairsOrderLocksTheTieBrokenEdges() throws {
        #expect(try Election("a b c", Self.rock).tally(.rankedPairs).order == ["a", "b", "c"])
        // Listed c, b, a: c→a locks first, then b→c, and a→b would close a cycle.
        #expect(try Election("c b a", Self.rock).tally(.rankedPairs).order == ["b", "c", "a"])
        #expect(try Election("a b c d", Self.layered).tally(.rankedPairs).order == ["a", "b", "c", "d"])
    }

    @Test func oneCandidateAlwaysWins() throws {
        for method in VotingMethod.allCases {
            let result = try Election("solo", [("solo", 2), ("", 1)]).tally(method)
            #expect(result.winners == ["solo"])
            #expect(result.order == ["solo"])
        }
    }
}
