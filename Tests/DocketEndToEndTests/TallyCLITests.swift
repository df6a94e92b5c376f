import DocketCore
import Foundation
import Testing

/// `docket tally` run as a user runs it: the real binary, real files, exit statuses and streams.
@Suite struct TallyCLITests {
    static let example = """
        {"candidates": ["id1", "id2", "id3", "id4"],
         "ballots": [{"ranking": [["id1"], ["id3", "id2"], ["id4"]], "count": 3},
                     {"ranking": [["id2"]]},
                     {"ranking": []}]}
        """

    /// Every "Invalid input" case of TALLY.md, as file contents.
    static let invalid: [(String, String)] = [
        ("unknown candidate", #"{"candidates": ["a", "b"], "ballots": [{"ranking": [["x"]]}]}"#),
        ("id differing by case", #"{"candidates": ["a", "b"], "ballots": [{"ranking": [["A"]]}]}"#),
        ("same id twice in a group", #"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a", "a"]]}]}"#),
        ("same id in two groups", #"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a"], ["b"], ["a"]]}]}"#),
        ("negative count", #"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a"]], "count": -1}]}"#),
        ("count 1.5", #"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a"]], "count": 1.5}]}"#),
        ("count \"3\"", #"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a"]], "count": "3"}]}"#),
        ("count true", #"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a"]], "count": true}]}"#),
        ("NaN count", #"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a"]], "count": NaN}]}"#),
        ("JSON cut off", #"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a"]]"#),
        ("trailing comma", #"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a"]]},]}"#),
        ("text after the object", #"{"candidates": ["a"], "ballots": []} and more"#),
        ("empty file", ""),
        ("empty candidates", #"{"candidates": [], "ballots": []}"#),
        ("no candidates", #"{"ballots": []}"#),
        ("no ballots", #"{"candidates": ["a"]}"#),
        ("duplicate candidate", #"{"candidates": ["a", "a"], "ballots": []}"#),
        ("numeric candidate", #"{"candidates": ["a", 7], "ballots": []}"#),
        ("flat ranking", #"{"candidates": ["a", "b"], "ballots": [{"ranking": ["a", "b"]}]}"#),
        ("empty tie group", #"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a"], []]}]}"#),
        ("ballot that is a list", #"{"candidates": ["a", "b"], "ballots": [[["a"]]]}"#),
        ("ballot without ranking", #"{"candidates": ["a", "b"], "ballots": [{"count": 2}]}"#),
        ("top level array", #"[{"candidates": ["a"], "ballots": []}]"#),
        ("ballots is an object", #"{"candidates": ["a"], "ballots": {"ranking": [["a"]]}}"#),
        ("count past Int64", #"{"candidates": ["a"], "ballots": [{"ranking": [], "count": 99999999999999999999}]}"#),
    ]

    static var invalidCases: [(String, Data)] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let noise = Data((0..<(2 << 20)).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        })
        return invalid.map { ($0.0, Data($0.1.utf8)) } + [
            ("2 MiB of random bytes", noise),
            ("1 MiB of [", Data(repeating: UInt8(ascii: "["), count: 1 << 20)),
        ]
    }

    /// A fresh folder for this test's files.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tally-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ data: Data, name: String = "ballots.json") throws -> String {
        let url = try folder().appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    /// Checks the failure shape TALLY.md asks for: non-zero exit, no crash, nothing on stdout, one stderr line.
    static func expectFailure(_ outcome: DocketBinary.Outcome, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!outcome.crashed, "\(context): crashed", sourceLocation: sourceLocation)
        #expect(outcome.status != 0, "\(context): exit status 0", sourceLocation: sourceLocation)
        #expect(outcome.stdout.isEmpty, "\(context): stdout \(outcome.stdout.prefix(200))", sourceLocation: sourceLocation)
        #expect(outcome.stderr.hasPrefix("docket tally: "), "\(context): stderr \(outcome.stderr)", sourceLocation: sourceLocation)
        #expect(outcome.stderr.filter { $0 == "\n" }.count == 1 && outcome.stderr.hasSuffix("\n"),
                "\(context): stderr is not one line: \(outcome.stderr)", sourceLocation: sourceLocation)
    }

    @Test(arguments: invalidCases)
    func rejectsInvalidInputWithEveryMethod(_ row: (String, Data)) throws {
        let path = try Self.write(row.1)
        for method in VotingMethod.allCases {
            let outcome = try DocketBinary.run(["tally", "--method", method.rawValue, "--ballots", path, "--format", "json"])
            Self.expectFailure(outcome, "\(row.0) / \(method.rawValue)")
            #expect(outcome.status == 1)
        }
    }

    @Test func rejectsAnUnknownMethod() throws {
        let path = try Self.write(Data(Self.example.utf8))
        let outcome = try DocketBinary.run(["tally", "--method", "plurality", "--ballots", path, "--format", "json"])
        Self.expectFailure(outcome, "plurality")
        #expect(outcome.stderr.contains(#"unknown method "plurality""#))
    }

    @Test func rejectsAMissingFile() throws {
        let path = try Self.folder().appendingPathComponent("absent.json").path
        for method in VotingMethod.allCases {
            let outcome = try DocketBinary.run(["tally", "--method", method.rawValue, "--ballots", path, "--format", "json"])
            Self.expectFailure(outcome, "missing file")
            #expect(outcome.stderr.contains("does not exist"))
        }
        let directory = try Self.folder().path
        Self.expectFailure(try DocketBinary.run(["tally", "--method", "borda", "--ballots", directory]), "directory")
    }

    @Test(arguments: [
        ["tally", "--ballots", "x.json"],
        ["tally", "--method", "schulze"],
        ["tally", "--method", "schulze", "--ballots", "x.json", "--format", "xml"],
        ["tally", "--method", "schulze", "--ballots", "x.json", "--verbose"],
        ["tally", "--method", "schulze", "--ballots", "x.json", "extra"],
    ])
    func rejectsBadOptionsOnOneLine(_ arguments: [String]) throws {
        let outcome = try DocketBinary.run(arguments)
        Self.expectFailure(outcome, arguments.joined(separator: " "))
        #expect(outcome.status == 64)
    }

    @Test func rejectsIRVOnTiedBallots() throws {
        let path = try Self.write(Data(Self.example.utf8))
        let outcome = try DocketBinary.run(["tally", "--method", "irv", "--ballots", path, "--format", "json"])
        Self.expectFailure(outcome, "irv with ties")
        #expect(outcome.stderr.contains("irv needs strict ballots, but ballots[0].ranking[1] ties 2 candidates"))
    }

    static let expected: [(VotingMethod, [String], JSONValue, [String])] = [
        (.schulze, ["id1"], [["id1"], ["id2"], ["id3"], ["id4"]], ["id1", "id2", "id3", "id4"]),
        (.rankedPairs, ["id1"], nil, ["id1", "id2", "id3", "id4"]),
        (.copeland, ["id1"], [["id1"], ["id2"], ["id3"], ["id4"]], ["id1", "id2", "id3", "id4"]),
        (.borda, ["id1"], [["id1"], ["id2"], ["id3"], ["id4"]], ["id1", "id2", "id3", "id4"]),
        (.approval, ["id2"], [["id2"], ["id1", "id3", "id4"]], ["id2", "id1", "id3", "id4"]),
    ]

    @Test(arguments: expected)
    func countsTheContractExample(_ row: (VotingMethod, [String], JSONValue, [String])) throws {
        let path = try Self.write(Data(Self.example.utf8))
        let outcome = try DocketBinary.run(["tally", "--method", row.0.rawValue, "--ballots", path, "--format", "json"])
        #expect(outcome.status == 0 && !outcome.crashed && outcome.stderr.isEmpty, "\(outcome.stderr)")
        let json = try JSONParser.parse(Array(outcome.stdout.utf8))
        #expect(json["method"] == .string(row.0.rawValue))
        #expect(json["winners"] == .strings(row.1))
        #expect(json["ranking"] == row.2)
        #expect(json["order"] == .strings(row.3))
        #expect(json["tieBreak"]?.stringValue?.isEmpty == false)
        #expect(json["note"] == nil)
    }

    @Test func countsStrictBallotsWithIRVFromStandardInput() throws {
        let text = #"{"candidates": ["a", "b", "c", "d"], "ballots": [{"ranking": [["a"]], "count": 4}, {"ranking": [["b"], ["a"]], "count": 2}, {"ranking": [["c"], ["d"]], "count": 2}, {"ranking": [["d"]], "count": 4}, {"ranking": [["b", "c"]], "count": 0}]}"#
        let outcome = try DocketBinary.run(["tally", "--method", "irv", "--ballots", "-"], stdin: Data(text.utf8))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let json = try JSONParser.parse(Array(outcome.stdout.utf8))
        #expect(json["winners"] == .strings(["a", "d"]))
        #expect(json["ranking"] == .null)
        #expect(json["order"] == .strings(["a", "d", "b", "c"]))
    }

    @Test func acceptsEmptyBallotsAndSortsWinnersByBytes() throws {
        let path = try Self.write(Data(#"{"candidates": ["p2", "p10", "b", "B", "a_1", "a-1"], "ballots": []}"#.utf8))
        for method in VotingMethod.allCases {
            let outcome = try DocketBinary.run(["tally", "--method", method.rawValue, "--ballots", path])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let json = try JSONParser.parse(Array(outcome.stdout.utf8))
            #expect(json["winners"] == .strings(["B", "a-1", "a_1", "b", "p10", "p2"]))
            #expect(json["order"] == .strings(["p2", "p10", "b", "B", "a_1", "a-1"]))
        }
    }

    @Test func printsAReportForPeople() throws {
        let path = try Self.write(Data(Self.example.utf8))
        let outcome = try DocketBinary.run(["tally", "--method", "schulze", "--ballots", path, "--format", "text"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("Winners: id1"))
        #expect(outcome.stdout.contains("Ranking (best first"))
        #expect(outcome.stdout.contains("Pairwise margins"))
        #expect(outcome.stdout.contains("  #1 id1  · +2 +3 +3"))
        let borda = try DocketBinary.run(["tally", "--method", "borda", "--ballots", path, "--format", "text"])
        #expect(borda.stdout.contains("Borda scores"))
    }

    @Test func documentsItsRulingsInHelp() throws {
        let outcome = try DocketBinary.run(["tally", "--help"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("irv needs strict ballots"))
        #expect(outcome.stdout.contains("\"note\""))
        #expect(outcome.stdout.contains("--method"))
    }

    @Test func countsALargeElectionQuickly() throws {
        let input = TallyInput.random(candidates: 60, ballots: 3_000, ranked: 10, seed: 3)
        var text = #"{"candidates": "# + JSONValue.strings(input.candidates).jsonString + #", "ballots": ["#
        text += input.ballots.map { ballot in
            #"{"ranking": "# + JSONValue.array(ballot.ranking.map { .strings($0.map { input.candidates[$0] }) }).jsonString + "}"
        }.joined(separator: ", ")
        text += "]}"
        let path = try Self.write(Data(text.utf8))
        for method in VotingMethod.allCases {
            let outcome = try DocketBinary.run(["tally", "--method", method.rawValue, "--ballots", path])
            #expect(outcome.status == 0, "\(method): \(outcome.stderr)")
            let json = try JSONParser.parse(Array(outcome.stdout.utf8))
            #expect(json["order"]?.arrayValue?.count == 60)
        }
    }
}
