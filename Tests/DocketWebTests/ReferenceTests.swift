import DocketCore
import DocketWeb
import Testing

@Suite struct ReferenceTests {
    @Test func citesAuthorsYearTitleAndVenue() {
        let paper = PaperFields(
            title: "Learning temporal coherence via self-supervision for GAN-based video generation",
            authors: ["Chu, M.", "Xie, Y."], venue: "ACM Transactions on Graphics (TOG)", year: 2020)
        #expect(
            Reference.citation(paper)
                == "Chu, M., Xie, Y. (2020). Learning temporal coherence via self-supervision for GAN-based video generation. ACM Transactions on Graphics (TOG).")
    }

    @Test func citesATitleAloneWithoutDoubleStops() {
        #expect(Reference.citation(PaperFields(title: "Attention is all you need.")) == "Attention is all you need.")
        #expect(Reference.citation(PaperFields(title: "T", year: 2019)) == "(2019). T.")
    }

    @Test func linksComeDoiFirst() {
        let paper = PaperFields(title: "T", doi: "10.1/x", arxivID: "2002.09405", pdfURL: "https://e.org/p.pdf")
        #expect(Reference.links(paper).map(\.label) == ["doi", "arXiv", "pdf"])
        #expect(Reference.links(paper)[1].url == "https://arxiv.org/abs/2002.09405")
    }
}
