import DocketCore
import Testing

@Suite struct VotingParseTests {
    static let valid = #"{"candidates": ["a", "b", "c"], "ballots": ["#

    /// Every "Invalid input" case of TALLY.md that reaches the ballot reader, with a piece of its message.
    @Test(arguments: [
        (#"{"candidates": ["a", "b"], "ballots": [{"ranking": [["x"]]}]}"#, #"ballots[0].ranking[0][0]: unknown candidate "x""#),
        (#"{"candidates": ["a", "b"], "ballots": [{"ranking": [["b"], ["A"]]}]}"#, #"ballots[0].ranking[1][0]: unknown candidate "A" (ids are case-sensitive; did you mean "a"?)"#),
        (#"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a", "a"]]}]}"#, #"ballots[0].ranking[0][1]: candidate "a" appears twice in this ballot (also ranking[0][0])"#),
        (#"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a"]]}, {"ranking": [["a"], ["b", "a"]]}]}"#, #"ballots[1].ranking[1][1]: candidate "a" appears twice"#),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [], "count": -1}]}"#, "ballots[0].count: must be 0 or more, got -1"),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [], "count": 1.5}]}"#, "ballots[0].count: must be an integer of 0 or more, got number 1.5"),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [], "count": 3.0}]}"#, "ballots[0].count: must be an integer of 0 or more, got number 3.0"),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [], "count": "3"}]}"#, #"ballots[0].count: must be an integer of 0 or more, got string "3""#),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [], "count": true}]}"#, "ballots[0].count: must be an integer of 0 or more, got boolean true"),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [], "count": null}]}"#, "ballots[0].count: must be an integer of 0 or more, got null"),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [], "count": 1e30}]}"#, "ballots[0].count: must be at most 9223372036854775807"),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [], "count": NaN}]}"#, "invalid JSON: unexpected character at byte 59"),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [], "count": 1}"#, "invalid JSON: unexpected end of input"),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [],}]}"#, "invalid JSON: expected a member name"),
        (#"{"candidates": ["a"], "ballots": []} {}"#, "invalid JSON: unexpected text after the JSON value"),
        ("", "the ballot file is empty"),
        (" \n\t ", "the ballot file is empty"),
        (#"{"candidates": [], "ballots": []}"#, "candidates: must list at least one candidate"),
        (#"{"ballots": []}"#, #"missing "candidates""#),
        (#"{"candidates": ["a"]}"#, #"missing "ballots""#),
        (#"{"candidates": ["a", "b", "a"], "ballots": []}"#, #"candidates[2]: duplicate id "a" (also candidates[0])"#),
        (#"{"candidates": ["a", 2], "ballots": []}"#, "candidates[1]: expected a string id, got number 2"),
        (#"{"candidates": ["a", ""], "ballots": []}"#, "candidates[1]: an id must not be empty"),
        (#"{"candidates": "a", "ballots": []}"#, "candidates: expected a list of string ids"),
        (#"{"candidates": ["a", "b"], "ballots": [{"ranking": ["a", "b"]}]}"#, #"ballots[0].ranking[0]: expected a tie group (a list of ids), got string "a"; write [["a"], ["b"]], not ["a", "b"]"#),
        (#"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a"], []]}]}"#, "ballots[0].ranking[1]: empty tie group"),
        (#"{"candidates": ["a", "b"], "ballots": [[["a"], ["b"]]]}"#, #"ballots[0]: expected an object with "ranking" and an optional "count", got array"#),
        (#"{"candidates": ["a", "b"], "ballots": [{"count": 2}]}"#, #"ballots[0]: missing "ranking""#),
        (#"["a", "b"]"#, #"expected a JSON object with "candidates" and "ballots", got array"#),
        (#"{"candidates": ["a"], "ballots": {"ranking": [["a"]]}}"#, "ballots: expected a list of ballots, got object"),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [[1]]}]}"#, "ballots[0].ranking[0][0]: expected a string id, got number 1"),
        (#"{"candidates": ["a"], "ballots": [{"ranking": "a"}]}"#, #"ballots[0].ranking: expected a list of tie groups, got string "a""#),
        (#"{"candidates": ["a"], "ballots": [], "title": "x"}"#, #"unknown key "title" (expected "candidates", "ballots")"#),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [], "cuont": 2}]}"#, #"ballots[0]: unknown key "cuont""#),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [], "count": 1, "count": 2}]}"#, #"ballots[0]: duplicate key "count""#),
        (#"{"candidates": ["a"], "candidates": ["b"], "ballots": []}"#, #"duplicate key "candidates""#),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [], "ranking": [["a"]]}]}"#, #"ballots[0]: duplicate key "ranking""#),
        (#"{"candidates": ["a"], "ballots": [{"ranking": [], "count": 9223372036854775807}, {"ranking": []}]}"#, "ballots[1].count: the counts add up to more than 9223372036854775807"),
        (#"{"candidates": ["a\nb"], "ballots": [{"ranking": [["a\nc"]]}]}"#, #"unknown candidate "a\nc""#),
    ])
    func rejectsInvalidInput(_ text: String, _ message: String) {
        #expect {
            try TallyInput.parse(json: Array(text.utf8))
        } throws: { error in
            guard let error = error as? TallyInputError else { return false }
            return error.message.contains(message) && !error.message.contains("\n")
        }
    }

    @Test func rejectsADeepPileOfBrackets() {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 1 << 20)
        #expect(throws: TallyInputError.self) { try TallyInput.parse(json: bytes) }
    }

    @Test func rejectsRandomBytes() {
        var rng = TestRandom(seed: 7)
        let bytes = (0..<(2 << 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        #expect(throws: TallyInputError.self) { try TallyInput.parse(json: bytes) }
    }

    @Test func readsTheContractExample() throws {
        let input = try TallyInput.parse(json: Array("""
            {"candidates": ["id1", "id2", "id3", "id4"],
             "ballots": [{"ranking": [["id1"], ["id3", "id2"], ["id4"]], "count": 3},
                         {"ranking": [["id2"]]},
                         {"ranking": []}]}
            """.utf8))
        #expect(input.candidates == ["id1", "id2", "id3", "id4"])
        #expect(input.ballots.map(\.ranking) == [[[0], [2, 1], [3]], [[1]], []])
        #expect(input.ballots.map(\.count) == [3, 1, 1])
        #expect(input.totalCount == 5)
    }

    @Test func allowsNoBallotsAndZeroCounts() throws {
        let none = try TallyInput.parse(json: Array(#"{"candidates": ["a"], "ballots": []}"#.utf8))
        #expect(none.ballots.isEmpty)
        let zero = try TallyInput.parse(json: Array(#"{"candidates": ["a", "b"], "ballots": [{"ranking": [["a"]], "count": 0}]}"#.utf8))
        #expect(zero.ballots[0].count == 0)
        #expect(zero.totalCount == 0)
    }

    @Test func keepsIdsApartByBytesNotByCanonicalEquivalence() throws {
        // "é" precomposed and "e" + combining acute are == as Swift Strings, but different ids.
        let text = #"{"candidates": ["\u00e9", "e\u0301"], "ballots": [{"ranking": [["e\u0301"]]}]}"#
        let input = try TallyInput.parse(json: Array(text.utf8))
        #expect(input.ballots[0].listed == [1])
        let result = try tally(input, method: .approval)
        #expect(result.winnerIndices == [1])
        #expect(result.json.jsonString.contains(#""winners":["e\#u{301}"]"#))
    }

    @Test func idsMayHoldAnyCharacters() throws {
        let text = #"{"candidates": ["A", "a", "a-1", "a_1", " ", "p10", "p2", "\"q\""], "ballots": [{"ranking": [["a_1", " "], ["\"q\""]]}]}"#
        let input = try TallyInput.parse(json: Array(text.utf8))
        #expect(input.ballots[0].ranking == [[3, 4], [7]])
    }

    @Test func validatesBallotsBuiltInCode() {
        #expect(throws: TallyInputError.self) { try TallyInput(candidates: ["a"], ballots: [TallyBallot(ranking: [[1]])]) }
        #expect(throws: TallyInputError.self) { try TallyInput(candidates: ["a", "b"], ballots: [TallyBallot(ranking: [[0], [0]])]) }
        #expect(throws: TallyInputError.self) { try TallyInput(candidates: ["a"], ballots: [TallyBallot(ranking: [[]])]) }
        #expect(throws: TallyInputError.self) { try TallyInput(candidates: ["a"], ballots: [TallyBallot(ranking: [[0]], count: -1)]) }
        #expect(throws: TallyInputError.self) { try TallyInput(candidates: [], ballots: []) }
        #expect(throws: TallyInputError.self) { try TallyInput(candidates: ["a", "a"], ballots: []) }
    }
}
