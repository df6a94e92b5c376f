import DocketCore
import DocketStore
import Testing

/// `suggestion.create` with a pasted BibTeX entry instead of paper fields.
@Suite struct BibTeXSuggestionTests {
    static let entry = """
        @inproceedings{Sanchez2020,
          title = {Learning to Simulate Complex Physics with Graph Networks},
          author = {Sanchez-Gonzalez, Alvaro and Godwin, Jonathan and Pfaff, Tobias},
          booktitle = {Proceedings of the 37th ICML},
          year = {2020},
          eprint = {2002.09405v2},
          archivePrefix = {arXiv}
        }
        """

    func create(_ fixture: StoreFixture, _ args: [(String, JSONValue)]) throws -> String {
        let id = newID()
        try fixture.store.run(
            "suggestion.create", .object([("id", .string(id)), ("seriesID", .string(fixture.series))] + args), as: fixture.member)
        return id
    }

    func papers(_ fixture: StoreFixture) throws -> [JSONValue] {
        try fixture.store.values(of: .paper, actor: .administrator).map { try JSONParser.parse($0) }
    }

    func suggestion(_ fixture: StoreFixture, _ id: String) throws -> JSONValue? {
        try fixture.store.values(of: .suggestion, id: id, actor: .administrator).first.map { try JSONParser.parse($0) }
    }

    @Test func aPastedEntryBecomesThePaperAndTitlesTheSuggestion() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = try create(fixture, [("bibtex", .string(Self.entry))])
        let papers = try papers(fixture)
        #expect(papers.count == 1)
        #expect(papers.first?["title"] == "Learning to Simulate Complex Physics with Graph Networks")
        #expect(papers.first?["authors"] == ["Alvaro Sanchez-Gonzalez", "Jonathan Godwin", "Tobias Pfaff"])
        #expect(papers.first?["venue"] == "Proceedings of the 37th ICML")
        #expect(papers.first?["year"] == 2020)
        #expect(papers.first?["arxivID"] == "2002.09405")
        let suggestion = try suggestion(fixture, id)
        #expect(suggestion?["title"] == "Learning to Simulate Complex Physics with Graph Networks")
        #expect(suggestion?["paperIDs"] == .array([papers.first!["id"]!]))
    }

    @Test func theSamePaperAsJSONAndAsBibTeXIsOnePaper() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let first = try create(fixture, [("title", "As JSON"), ("paper", ["title": "GNS", "arxivID": "arXiv:2002.09405"])])
        let second = try create(fixture, [("title", "As BibTeX"), ("bibtex", .string(Self.entry))])
        #expect(try papers(fixture).count == 1)
        let duplicates = try suggestion(fixture, second)?["duplicates"]
        #expect(duplicates == [["type": "suggestion", "id": .string(first)]])
    }

    @Test func aDOIInBibTeXMatchesTheSameDOIGivenAsAURL() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = try create(fixture, [("paper", ["title": "P", "doi": "https://doi.org/10.1126/Science.ADI2336"])])
        _ = try create(fixture, [("bibtex", "@article{k, title = {P again}, doi = {10.1126/science.adi2336}}")])
        #expect(try papers(fixture).count == 1)
    }

    @Test(arguments: [
        ("@article{k,\n  title = {X}\n  year = 2020\n}", "args.bibtex line 3, column 3: missing comma after field title"),
        ("@article{k,\n  title = {X\n", "args.bibtex line 2, column 11: unterminated { in field title: it is never closed"),
        ("@misc{a, title={A}}\n@misc{b, title={B}}", "args.bibtex line 2, column 1: one entry only: a second entry starts here"),
        ("no entry here", "args.bibtex line 1, column 14: no entry found (expected @article{key, title = {…}, …})"),
        ("@misc{k,\n author = {A}}", "args.bibtex line 1, column 1: the entry has no title"),
        ("@misc{k,\n title = {T},\n year = {soon}}", "args.bibtex line 3, column 2: field year must be an integer, not string"),
    ])
    func anUnreadableEntryIsRejectedNamingItsLine(_ text: String, _ detail: String) throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(throws: Problem(.validationFailed, detail, errors: [FieldError(field: "args.bibtex", message: String(detail.dropFirst(12)))])) {
            try create(fixture, [("bibtex", .string(text))])
        }
        #expect(try papers(fixture).isEmpty)
    }

    @Test func bibtexAndPaperTogetherAreRejectedNamingBibtex() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        do {
            _ = try create(fixture, [("bibtex", .string(Self.entry)), ("paper", ["title": "P"])])
            Issue.record("accepted both")
        } catch let problem as Problem {
            #expect(problem.code == .validationFailed)
            #expect(problem.errors.map(\.field) == ["args.bibtex"])
        }
        #expect(try papers(fixture).isEmpty)
    }
}
