public import DocketCore

/// How the public page, the calendar and the feed cite a paper.
public enum Reference {
    /// "Chu, M., Xie, Y. (2020). Learning temporal coherence…. ACM TOG." — authors as stored,
    /// joined with commas, year in parentheses, then title and venue, each ending in a full stop.
    public static func citation(_ paper: PaperFields) -> String {
        var parts: [String] = []
        var head = paper.authors.joined(separator: ", ")
        if let year = paper.year { head += head.isEmpty ? "(\(year))" : " (\(year))" }
        if !head.isEmpty { parts.append(head) }
        parts.append(paper.title)
        if let venue = paper.venue { parts.append(venue) }
        return parts.map { $0.hasSuffix(".") ? $0 : $0 + "." }.joined(separator: " ")
    }

    /// The paper's links, most canonical first: DOI, arXiv, its page, its PDF, its code.
    public static func links(_ paper: PaperFields) -> [Link] {
        var links: [Link] = []
        if let doi = paper.doi { links.append(Link(label: "doi", url: "https://doi.org/\(doi)")) }
        if let arxiv = paper.arxivID { links.append(Link(label: "arXiv", url: "https://arxiv.org/abs/\(arxiv)")) }
        if let url = paper.url { links.append(Link(label: "web", url: url)) }
        if let pdf = paper.pdfURL { links.append(Link(label: "pdf", url: pdf)) }
        if let code = paper.codeURL { links.append(Link(label: "code", url: code)) }
        return links
    }
}
