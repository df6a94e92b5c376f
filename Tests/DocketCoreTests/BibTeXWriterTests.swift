import DocketCore
import Testing

@Suite struct BibTeXWriterTests {
    static let graphCast = PaperFields(
        title: "GraphCast: Learning skillful medium-range global weather forecasting", authors: ["Remi Lam", "Alvaro Sanchez-Gonzalez"],
        venue: "Science", year: 2023, doi: "10.1126/science.adi2336", arxivID: "2212.12794", url: "https://example.org/gc")

    @Test func writesAnArticleWithProtectedCapitalsAndIdentifiers() {
        let text = BibTeXWriter.entry(Self.graphCast, key: "lam2023graphcast")
        #expect(text == """
            @article{lam2023graphcast,
              author = {Remi Lam and Alvaro Sanchez-Gonzalez},
              title = {{GraphCast:} {Learning} skillful medium-range global weather forecasting},
              journal = {Science},
              year = {2023},
              doi = {10.1126/science.adi2336},
              eprint = {2212.12794},
              archivePrefix = {arXiv},
              url = {https://example.org/gc}
            }

            """)
    }

    @Test func anArXivOnlyPaperIsAMiscWithEprint() {
        let paper = PaperFields(title: "attention", authors: ["Ann Author"], arxivID: "1706.03762")
        let text = BibTeXWriter.entry(paper, key: "k")
        #expect(text.hasPrefix("@misc{k,\n"))
        #expect(text.contains("  eprint = {1706.03762},\n  archivePrefix = {arXiv}\n"))
        #expect(!text.contains("journal") && !text.contains("booktitle"))
    }

    @Test(arguments: [
        ("Advances in Neural Information Processing Systems", "article"), ("NeurIPS 2020", "inproceedings"),
        ("Proceedings of the 37th ICML", "inproceedings"), ("Workshop on Things", "inproceedings"), ("Nature", "article"),
        ("Journal of Machine Learning Research", "article"), ("CVPR", "inproceedings"),
    ])
    func choosesTheTypeByVenue(_ venue: String, _ type: String) {
        let paper = PaperFields(title: "t", venue: venue)
        #expect(BibTeXWriter.entryType(paper) == type)
        let field = type == "inproceedings" ? "booktitle" : "journal"
        #expect(BibTeXWriter.entry(paper, key: "k").contains("  \(field) = {"))
    }

    @Test func escapesLaTeXSpecialsAndKeepsUTF8() {
        let paper = PaperFields(title: "Costs & 100% of $x_1$ #1 {set} ~ ^ \\ — Größe", authors: ["Zoë Ødegård"])
        let text = BibTeXWriter.entry(paper, key: "k")
        #expect(text.contains(##"title = {{Costs} \& 100\% of \$x\_1\$ \#1 \textbraceleft{}set\textbraceright{} \textasciitilde{} \textasciicircum{} \textbackslash{} — {Größe}}"##))
        #expect(text.contains("author = {Zoë Ødegård}"))
    }

    @Test func bracesNamesThatWouldSplitOrBeRenamed() {
        let paper = PaperFields(title: "t", authors: ["Barnes and Noble", "King, Jr.", "others", "Sandy Anderson"])
        #expect(BibTeXWriter.entry(paper, key: "k").contains("author = {{Barnes and Noble} and {King, Jr.} and {others} and Sandy Anderson}"))
    }

    @Test func percentEncodesBracesInIdentifiersAndURLs() throws {
        let paper = PaperFields(title: "t", url: "https://example.org/{a}\\b")
        let text = BibTeXWriter.entry(paper, key: "k")
        #expect(text.contains("url = {https://example.org/%7Ba%7D%5Cb}"))
        #expect(try BibTeXParser.entry(text).paperFields().url == "https://example.org/%7Ba%7D%5Cb")
    }

    @Test(arguments: [
        (PaperFields(title: "The GraphCast model", authors: ["Remi Lam"], year: 2023), "lam2023graphcast"),
        (PaperFields(title: "Über Größen", authors: ["Jörg Müller"], year: 1999), "muller1999uber"),
        (PaperFields(title: "On the Origin", authors: ["Darwin, Charles"]), "darwinndorigin"),
        (PaperFields(title: "A", authors: []), "anonnd"),
        (PaperFields(title: "日本語", authors: ["山田"], year: 2001), "anon2001"),
    ])
    func citationKeysAreSurnameYearAndFirstWord(_ paper: PaperFields, _ key: String) {
        #expect(BibTeXWriter.baseKey(paper) == key)
    }

    @Test func keysAreUniqueWithinOneBibliography() throws {
        let paper = PaperFields(title: "Same title", authors: ["Ann Author"], year: 2020)
        let text = BibTeXWriter.bibliography(Array(repeating: paper, count: 30))
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("@") }.map { $0.split(separator: "{")[1].dropLast() }
        #expect(keys.count == 30)
        #expect(Set(keys).count == 30)
        #expect(keys.prefix(3) == ["author2020same", "author2020sameb", "author2020samec"])
        #expect(keys.last == "author2020same-5")
    }

    @Test func anEmptyBibliographyIsEmpty() {
        #expect(BibTeXWriter.bibliography([]) == "")
    }
}
