import DocketCore
import Testing

@Suite struct JSONTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(#" {"a": [1, -2.5, "x\u00e9\n", true, false, null], "b": {}} "#)
        #expect(value["a"] == [.int(1), .double(-2.5), .string("xé\n"), true, false, nil])
        #expect(value["b"] == .object([]))
    }

    @Test func keepsIntegersApartFromFractions() throws {
        #expect(try JSONParser.parse("3") == .int(3))
        #expect(try JSONParser.parse("3.0") == .double(3))
        #expect(try JSONParser.parse("1e2") == .double(100))
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int64.max))
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
    }

    @Test func decodesSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "{} x", "[1 2]", "01", "-", "1.", ".5", "tru", "nul", "\"\\x\"", "\"\u{01}\"",
        "\"\\ud800\"", "\"\\udc00\"", "NaN", "{\"a\" 1}", "[", "\"abc", "{1:2}", "+1", "1e", "Infinity",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func refusesDeepNestingWithoutOverflowingTheStack() {
        let deep = String(repeating: "[", count: 1 << 20)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let nested = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect((try? JSONParser.parse(nested)) != nil)
    }

    @Test func writesWhatItReads() throws {
        let text = #"{"s":"quote \" backslash \\ tab \t nul \u0000","n":[1,2.5,-3],"o":{"k":null,"t":true}}"#
        let value = try JSONParser.parse(text)
        #expect(try JSONParser.parse(value.jsonString) == value)
        #expect(value.jsonString == text)
    }

    @Test func lastMemberOfARepeatedNameWins() throws {
        #expect(try JSONParser.parse(#"{"a":1,"a":2}"#)["a"] == .int(2))
    }
}
