import DocketCore
import Testing

/// Write → parse gives the same paper fields, for generated papers full of characters LaTeX treats specially.
@Suite struct BibTeXRoundTripTests {
    /// SplitMix64: the same papers on every run.
    struct Generator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.count))
        }

        mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }

        mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }
    }

    static let hostile: [String] = [
        "&", "%", "$", "#", "_", "{", "}", "~", "^", "\\", "\"", "'", ",", "@", "=", "(", ")", "-", "--", ".", ":", "é", "ß", "Ø",
        "日本", "—", "ﬁ", "\\'e", "{\\\"o}", "and", "others", "AND", "$x^2$", "%comment", "\\textbf{", "}}", "{{",
    ]
    static let plain = ["graph", "Cast", "weather", "Learning", "deep", "BERT", "model", "von", "de", "la", "of", "x", "Zoë", "Müller"]

    static func word(_ random: inout Generator) -> String {
        var word = ""
        for _ in 0..<random.int(1...3) {
            word += random.chance(40) ? random.pick(hostile) : random.pick(plain)
        }
        return word
    }

    static func phrase(_ random: inout Generator, words: ClosedRange<Int>) -> String {
        (0..<random.int(words)).map { _ in word(&random) }.joined(separator: " ")
    }

    static func urlText(_ random: inout Generator) -> String {
        let characters = Array("abcXYZ019-._~:/?#[]@!$&'()*+,;=%\"^|<>")
        return "https://example.org/" + String((0..<random.int(1...30)).map { _ in random.pick(characters) })
    }

    static func paper(_ random: inout Generator) -> PaperFields {
        var authors: [String] = []
        for _ in 0..<random.int(0...6) {
            let name = phrase(&random, words: 1...4)
            if !authors.contains(name) { authors.append(name) }
        }
        let doiSuffix = String((0..<random.int(1...20)).map { _ in random.pick(Array("abc019-._;()<>#%&~^:/")) })
        return PaperFields(
            title: phrase(&random, words: 1...12), authors: authors,
            venue: random.chance(60) ? phrase(&random, words: 1...6) : nil, year: random.chance(80) ? random.int(1000...3000) : nil,
            doi: random.chance(50) ? "10.\(random.int(1000...99999))/\(doiSuffix)" : nil,
            arxivID: random.chance(50) ? String(format2(random.int(7...29)) + format2(random.int(1...12)) + ".\(random.int(10000...99999))") : nil,
            url: random.chance(50) ? urlText(&random) : nil, pdfURL: random.chance(30) ? urlText(&random) : nil,
            codeURL: random.chance(30) ? urlText(&random) : nil)
    }

    static func format2(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }

    @Test func writeThenParseGivesTheSameFieldsForManyHostilePapers() throws {
        var random = Generator(state: 20_200_922)
        for index in 0..<500 {
            let paper = Self.paper(&random)
            let text = BibTeXWriter.entry(paper, key: BibTeXWriter.baseKey(paper))
            let back: PaperFields
            do {
                back = try BibTeXParser.entry(text).paperFields()
            } catch {
                Issue.record("paper \(index): \(error)\n\(text)")
                continue
            }
            #expect(back == paper, "paper \(index):\n\(text)")
        }
    }

    @Test func aWholeBibliographySplitsIntoEntriesThatEachReadBack() throws {
        var random = Generator(state: 7)
        let papers = (0..<60).map { _ in Self.paper(&random) }
        let text = BibTeXWriter.bibliography(papers)
        // Every entry starts a line with @; no field line does (they are indented).
        var entries: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("@") { entries.append("") }
            if !entries.isEmpty { entries[entries.count - 1] += line + "\n" }
        }
        #expect(entries.count == papers.count)
        for (paper, entry) in zip(papers, entries) {
            #expect(try BibTeXParser.entry(entry).paperFields() == paper)
        }
        // And the whole file is more than one entry.
        #expect(throws: BibTeXError.self) { try BibTeXParser.entry(text) }
    }

    @Test func whiteSpaceRunsCollapseAsBibTeXCollapsesThem() throws {
        let paper = PaperFields(title: "A\n\ttitle   with  gaps", authors: ["Ann   Author"], venue: "Some\nvenue")
        let back = try BibTeXParser.entry(BibTeXWriter.entry(paper, key: "k")).paperFields()
        #expect(back == PaperFields(title: "A title with gaps", authors: ["Ann Author"], venue: "Some venue"))
    }
}
