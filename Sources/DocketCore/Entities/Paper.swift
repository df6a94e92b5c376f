/// A paper, identified across suggestions and episodes by its DOI or arXiv id.
public struct Paper: Hashable, Sendable {
    public var id: PaperID
    public var fields: PaperFields
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: PaperID, fields: PaperFields, createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.fields = fields
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The section 5 value.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(id.rawValue))]
        if case .object(let rest) = fields.json { members += rest }
        members += [("createdAt", .string(createdAt.rfc3339)), ("updatedAt", .string(updatedAt.rfc3339))]
        return .object(members)
    }
}

/// What describes a paper, as a suggestion or `paper.create` gives it.
public struct PaperFields: Hashable, Sendable {
    public var title: String
    public var authors: [String]
    public var venue: String?
    public var year: Int?
    public var doi: String?
    public var arxivID: String?
    public var url: String?
    public var pdfURL: String?
    public var codeURL: String?

    public init(
        title: String, authors: [String] = [], venue: String? = nil, year: Int? = nil, doi: String? = nil,
        arxivID: String? = nil, url: String? = nil, pdfURL: String? = nil, codeURL: String? = nil
    ) {
        self.title = title
        self.authors = authors
        self.venue = venue
        self.year = year
        self.doi = doi
        self.arxivID = arxivID
        self.url = url
        self.pdfURL = pdfURL
        self.codeURL = codeURL
    }

    public var json: JSONValue {
        [
            "title": .string(title), "authors": .strings(authors), "venue": .optional(venue), "year": .optional(year),
            "doi": .optional(doi), "arxivID": .optional(arxivID), "url": .optional(url), "pdfURL": .optional(pdfURL),
            "codeURL": .optional(codeURL),
        ]
    }

    /// Reads and validates paper fields; DOI and arXiv id come back normalized.
    public static func read(_ args: inout Args) -> PaperFields? {
        let title = args.string("title", maxLength: 500)
        let authors = args.stringList("authors", maxCount: 200, maxLength: 200) ?? []
        let venue = args.optionalString("venue", maxLength: 300)
        let year = args.optionalInt("year", in: 1000...3000)
        var doi: String?
        if let raw = args.optionalString("doi", maxLength: 300) {
            doi = PaperIdentity.normalizedDOI(raw)
            if doi == nil { args.fail("doi", "is not a DOI (expected 10.NNNN/…)") }
        }
        var arxivID: String?
        if let raw = args.optionalString("arxivID", maxLength: 100) {
            arxivID = PaperIdentity.normalizedArXivID(raw)
            if arxivID == nil { args.fail("arxivID", "is not an arXiv id (expected e.g. 2002.09405 or hep-th/9901001)") }
        }
        let url = args.optionalURL("url")
        let pdfURL = args.optionalURL("pdfURL")
        let codeURL = args.optionalURL("codeURL")
        guard let title else { return nil }
        return PaperFields(
            title: title, authors: authors, venue: venue, year: year.map { Int($0) }, doi: doi, arxivID: arxivID,
            url: url, pdfURL: pdfURL, codeURL: codeURL)
    }
}

extension Args {
    /// An optional http(s) URL of at most 2,000 characters.
    public mutating func optionalURL(_ key: String) -> String? {
        guard let text = optionalString(key, maxLength: 2000) else { return nil }
        let lower = text.lowercased()
        guard (lower.hasPrefix("https://") || lower.hasPrefix("http://")), text.count > 8, !text.contains(" ") else {
            fail(key, "must be an http or https URL")
            return nil
        }
        return text
    }
}
