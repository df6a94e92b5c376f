import DocketCore
import Testing

@Suite struct BibTeXParserTests {
    static let graphCast = """
        % exported from somewhere; text outside entries is a comment
        @string{nature = "Nature"}
        @article{Lam2023,
          title = {{GraphCast}: Learning skillful {medium-range} global weather forecasting},
          author = {Lam, Remi and Sanchez-Gonzalez, Alvaro and Willson, Matthew and others},
          journal = nature # { Magazine},
          year = 2023,
          doi = {https://doi.org/10.1126/SCIENCE.ADI2336},
          eprint = "2212.12794v2", archivePrefix = {arXiv},
          url = {https://example.org/a\\_b?x=1\\&y=2},
        }
        trailing words are a comment too
        """

    @Test func readsAFullEntryIntoPaperFields() throws {
        let entry = try BibTeXParser.entry(Self.graphCast)
        #expect(entry.type == "article")
        #expect(entry.key == "Lam2023")
        #expect(entry.line == 3)
        let paper = try entry.paperFields()
        #expect(paper.title == "GraphCast: Learning skillful medium-range global weather forecasting")
        #expect(paper.authors == ["Remi Lam", "Alvaro Sanchez-Gonzalez", "Matthew Willson"])
        #expect(paper.venue == "Nature Magazine")
        #expect(paper.year == 2023)
        // Normalized by the same rules as paper fields given as JSON.
        #expect(paper.doi == "10.1126/science.adi2336")
        #expect(paper.arxivID == "2212.12794")
        #expect(paper.url == "https://example.org/a_b?x=1&y=2")
    }

    @Test(arguments: [
        (#"{\"o}"#, "ö"), (#"\"o"#, "ö"), (#"\"{o}"#, "ö"), (#"{\'e}"#, "é"), (#"\'e"#, "é"), (#"\`a"#, "à"), (#"\^o"#, "ô"),
        (#"\~n"#, "ñ"), (#"{\ss}"#, "ß"), (#"Stra\ss e"#, "Straße"), (#"\c{c}"#, "ç"), (#"\v{s}"#, "š"), (#"{\'\i}"#, "í"),
        (#"\o"#, "ø"), (#"{\AA}"#, "Å"), (#"\l{}"#, "ł"), (#"\H{o}"#, "ő"), (#"G\"{o}del"#, "Gödel"),
        (#"\&"#, "&"), (#"50\%"#, "50%"), (#"a\_b"#, "a_b"), (#"\textbackslash{}"#, "\\"), (#"\textasciitilde{}"#, "~"),
        (#"\emph{Deep} learning"#, "Deep learning"), ("a~b", "a b"), ("a\n   b", "a b"), (#"$O(n \log n)$"#, #"O(n \log n)"#),
    ])
    func decodesLaTeX(_ latex: String, _ expected: String) throws {
        let entry = try BibTeXParser.entry("@misc{k, title = {\(latex)}}")
        let title = try entry.paperFields().title
        #expect(title == expected)
        #expect(title.unicodeScalars.elementsEqual(expected.unicodeScalars), "composed (NFC), as typed text is")
    }

    @Test func keepsUTF8AsItIs() throws {
        let paper = try BibTeXParser.entry("@misc{k, title = {Über Größen — 日本語}, author = {Zoë Ødegård}}").paperFields()
        #expect(paper.title == "Über Größen — 日本語")
        #expect(paper.authors == ["Zoë Ødegård"])
    }

    @Test(arguments: [
        ("Lam, Remi and Doe, Jane", ["Remi Lam", "Jane Doe"]),
        ("von Neumann, John", ["John von Neumann"]),
        ("King, Jr, Martin Luther", ["Martin Luther King, Jr"]),
        ("{Google DeepMind} and Ann Author", ["Google DeepMind", "Ann Author"]),
        ("{Barnes and Noble} and Cy", ["Barnes and Noble", "Cy"]),
        ("{Smith, Jones}", ["Smith, Jones"]),
        ("Ann Author and others", ["Ann Author"]),
        ("Ann\n  Author and\nBob Writer", ["Ann Author", "Bob Writer"]),
        ("Sandy Anderson and Andrea Band", ["Sandy Anderson", "Andrea Band"]),
        (#"M{\"u}ller, J{\"o}rg"#, ["Jörg Müller"]),
    ])
    func splitsAuthorsOnAndAndPutsLastFirstInOrder(_ value: String, _ expected: [String]) throws {
        let paper = try BibTeXParser.entry("@misc{k, title = {T}, author = {\(value)}}").paperFields()
        #expect(paper.authors == expected)
    }

    @Test func readsQuotesNumbersMacrosAndParentheses() throws {
        let text = """
            @STRING(conf = {Proceedings of "Things"})
            @InProceedings(key:2020-a,
              TITLE = "A {"quoted"} title" # { and more},
              booktitle = conf,
              year = "2020",
              month = jan
            )
            """
        let entry = try BibTeXParser.entry(text)
        #expect(entry.type == "inproceedings")
        #expect(entry.key == "key:2020-a")
        let paper = try entry.paperFields()
        #expect(paper.title == #"A "quoted" title and more"#)
        #expect(paper.venue == #"Proceedings of "Things""#)
        #expect(paper.year == 2020)
    }

    @Test func ignoresCommentAndPreambleBlocks() throws {
        let text = "@comment{ @article{not, title = {me}} }\n@preamble{ \"\\newcommand{\\x}{y}\" }\n@misc{real, title = {Real}}"
        #expect(try BibTeXParser.entry(text).paperFields().title == "Real")
    }

    @Test func mapsArXivFromEprintArxivFieldsAndScholarJournals() throws {
        #expect(try BibTeXParser.entry("@misc{k, title={T}, eprint={arXiv:2002.09405v3}}").paperFields().arxivID == "2002.09405")
        #expect(try BibTeXParser.entry("@misc{k, title={T}, arxiv={hep-th/9901001}}").paperFields().arxivID == "hep-th/9901001")
        let scholar = try BibTeXParser.entry("@article{k, title={T}, journal={arXiv preprint arXiv:2002.09405}}").paperFields()
        #expect(scholar.arxivID == "2002.09405")
        #expect(scholar.venue == nil)
        // An eprint of another archive is not an arXiv id.
        let other = try BibTeXParser.entry("@misc{k, title={T}, eprint={12345}, eprinttype={pubmed}}").paperFields()
        #expect(other.arxivID == nil)
    }

    @Test func anEntryWithoutKeyOrFieldsAfterTheTitleStillReads() throws {
        #expect(try BibTeXParser.entry("@misc{title = {No key}}").paperFields().title == "No key")
        #expect(try BibTeXParser.entry("@misc{k,title={Trailing comma},}").paperFields().title == "Trailing comma")
    }

    // MARK: - Rejections name the line

    @Test(arguments: [
        ("@article{k,\n  title = {X}\n  author = {Y}\n}", 3, "missing comma after field title"),
        ("@article{k,\n  title = {Unclosed,\n  author = {Y}\n}", 1, "unterminated entry"),
        ("@article{k,\n  title = {X},\n  note = {never closed\n", 3, "unterminated { in field note"),
        ("@article{k,\n  title = \"X\n", 2, "unterminated \" in field title"),
        ("just some words, no entry at all\n", 2, "no entry found"),
        ("", 1, "no entry found"),
        ("@misc{a, title={A}}\n\n@misc{b, title={B}}", 3, "one entry only"),
        ("@article{k,\n  author = {Someone}\n}", 1, "the entry has no title"),
        ("@article{k,\n  title = {}\n}", 1, "the entry has no title"),
        ("@article{k,\n  title = {X},\n  journal = tmlr\n}", 3, "unknown macro tmlr in field journal"),
        ("@article{k,\n  title {X}\n}", 2, "missing = after field name title"),
        ("@article{k,\n  title = {X},\n  title = {Y}\n}", 3, "field title appears twice"),
        ("@article{k,\n  title = {X},\n  = {Y}\n}", 3, "expected a field name after field title"),
        ("@article{k,\n  title = ,\n}", 2, "expected a value for field title"),
        ("@article k, title = {X}", 1, "expected { after @article"),
        ("@{k, title = {X}}", 1, "expected an entry type"),
        ("@article{k key, title = {X}}", 1, "missing comma after the citation key"),
        ("@article{k,\n  title = {X},\n  year = {next year}\n}", 3, "field year must be an integer"),
        ("@article{k,\n  title = {X},\n  doi = {nonsense}\n}", 3, "field doi is not a DOI"),
        ("@article{k,\n  title = {X},\n\n  url = {example.org}\n}", 4, "field url must be an http or https URL"),
        ("@misc{k,\n title = {X},\n eprint = {not-an-id}, archivePrefix = {arXiv}\n}", 3, "field eprint is not an arXiv id"),
    ])
    func rejectsWhatItCannotRead(_ text: String, _ line: Int, _ message: String) {
        do {
            let paper = try BibTeXParser.entry(text).paperFields()
            Issue.record("read \(paper) from \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(error.description.hasPrefix("line \(line), column \(error.column): "))
        }
    }

    @Test func namesTheColumnOfAMissingComma() {
        #expect(throws: BibTeXError(line: 2, column: 17, "missing comma after field title")) {
            try BibTeXParser.entry("@misc{k,\n  title = {X}   year = 2020}")
        }
    }

    @Test func anOverLongTitleIsRejectedLikeAJSONOne() {
        #expect(throws: BibTeXError(line: 1, column: 10, "field title must be at most 500 characters")) {
            try BibTeXParser.entry("@misc{k, title = {\(String(repeating: "x", count: 501))}}").paperFields()
        }
    }
}
