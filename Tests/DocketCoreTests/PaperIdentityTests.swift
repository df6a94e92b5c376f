import DocketCore
import Testing

@Suite struct PaperIdentityTests {
    @Test(arguments: [
        ("10.1038/nclimate3190", "10.1038/nclimate3190"),
        ("https://doi.org/10.1038/NCLIMATE3190", "10.1038/nclimate3190"),
        ("http://dx.doi.org/10.1175/JAS3453.1", "10.1175/jas3453.1"),
        ("doi:10.1002/2014MS000340", "10.1002/2014ms000340"),
        ("  DOI:10.1073/pnas.1810286115 ", "10.1073/pnas.1810286115"),
    ])
    func normalizesDOIs(_ raw: String, _ expected: String) {
        #expect(PaperIdentity.normalizedDOI(raw) == expected)
    }

    @Test(arguments: ["", "10.", "11.1000/x", "10.abc/x", "10.1000/", "not a doi", "10.1000/a b"])
    func rejectsNonDOIs(_ raw: String) {
        #expect(PaperIdentity.normalizedDOI(raw) == nil)
    }

    @Test(arguments: [
        ("2002.09405", "2002.09405"),
        ("arXiv:2002.09405v3", "2002.09405"),
        ("https://arxiv.org/abs/2002.09405v2", "2002.09405"),
        ("https://arxiv.org/pdf/2002.09405.pdf", "2002.09405"),
        ("https://arxiv.org/pdf/2002.09405v1.pdf", "2002.09405"),
        ("1501.0001", "1501.0001"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("math.GT/0309136v2", "math.GT/0309136"),
    ])
    func normalizesArXivIDs(_ raw: String, _ expected: String) {
        #expect(PaperIdentity.normalizedArXivID(raw) == expected)
    }

    @Test(arguments: ["", "2002.094", "2013.09405", "20020.9405", "arXiv:", "hep-th/99", "12345"])
    func rejectsNonArXivIDs(_ raw: String) {
        #expect(PaperIdentity.normalizedArXivID(raw) == nil)
    }
}
