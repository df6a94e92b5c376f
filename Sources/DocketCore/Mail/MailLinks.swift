/// A paper named by a link in a message: an arXiv id, a DOI or an OpenReview forum.
public enum PaperLink: Hashable, Sendable {
    /// A normalized arXiv id (`2002.09405`).
    case arXiv(String)
    /// A normalized DOI (`10.1126/science.adi2336`).
    case doi(String)
    /// An OpenReview forum id.
    case openReview(String)

    /// The canonical URL of the paper's page.
    public var url: String {
        switch self {
        case .arXiv(let id): return "https://arxiv.org/abs/\(id)"
        case .doi(let doi): return "https://doi.org/\(doi)"
        case .openReview(let id): return "https://openreview.net/forum?id=\(id)"
        }
    }

    /// A short name: `arXiv:2002.09405`, `doi:10.1126/…`, `OpenReview:abc`.
    public var label: String {
        switch self {
        case .arXiv(let id): return "arXiv:\(id)"
        case .doi(let doi): return "doi:\(doi)"
        case .openReview(let id): return "OpenReview:\(id)"
        }
    }

    /// Paper fields that say only what the link says: its label as the title, its identity, and its URL.
    ///
    /// OpenReview has no identity field of its own, so its forum URL is the paper's `url`.
    public var paperFields: PaperFields {
        switch self {
        case .arXiv(let id): return PaperFields(title: label, arxivID: id, url: url)
        case .doi(let doi): return PaperFields(title: label, doi: doi, url: url)
        case .openReview: return PaperFields(title: label, url: url)
        }
    }
}

/// Finds paper links in free text.
public enum MailLinks {
    /// The papers `text` links to, in order of first mention, each once.
    ///
    /// arXiv: `arxiv.org/abs/…`, `arxiv.org/pdf/…(.pdf)`, `arXiv:…`; DOI: `doi.org/10.…`,
    /// `doi:10.…` (an arXiv DOI, `10.48550/arXiv.…`, counts as the arXiv id); OpenReview:
    /// `openreview.net/forum?id=…` and `/pdf?id=…`. Sentence punctuation after a link is not part of it.
    public static func find(in text: String) -> [PaperLink] {
        var found: [(offset: Int, link: PaperLink)] = []
        let lower = Array(text.lowercased().unicodeScalars)
        let original = Array(text.unicodeScalars)
        // Lowercasing can change lengths outside ASCII; then offsets would drift, so match on the original.
        let haystack = lower.count == original.count ? lower : original
        for (marker, kind) in markers {
            let needle = Array(marker.unicodeScalars)
            var start = 0
            while let hit = firstIndex(of: needle, in: haystack, from: start) {
                let tokenStart = hit + needle.count
                let token = self.token(original, from: tokenStart, kind: kind)
                if let link = link(token, kind: kind) { found.append((hit, link)) }
                start = tokenStart
            }
        }
        var seen: Set<PaperLink> = []
        return found.sorted { $0.offset < $1.offset }.map(\.link).filter { seen.insert($0).inserted }
    }

    private enum Kind { case arXiv, doi, openReview }

    private static let markers: [(String, Kind)] = [
        ("arxiv.org/abs/", .arXiv), ("arxiv.org/pdf/", .arXiv), ("arxiv:", .arXiv), ("doi.org/", .doi), ("doi:", .doi),
        ("openreview.net/forum?id=", .openReview), ("openreview.net/pdf?id=", .openReview),
    ]

    private static func firstIndex(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], from start: Int) -> Int? {
        guard needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
        }
        return nil
    }

    /// The run of characters after a marker that can belong to the id, without trailing sentence punctuation.
    private static func token(_ scalars: [Unicode.Scalar], from start: Int, kind: Kind) -> String {
        var end = start
        while end < scalars.count, belongs(scalars[end], kind: kind) { end += 1 }
        var token = String(String.UnicodeScalarView(scalars[start..<end]))
        while let last = token.last, ".,;:!?'\"*/".contains(last) || last == ")" && !balanced(token) || last == "]" || last == ">" {
            token.removeLast()
        }
        return token
    }

    private static func belongs(_ scalar: Unicode.Scalar, kind: Kind) -> Bool {
        guard scalar.isASCII, !scalar.properties.isWhitespace, scalar.value >= 0x21 else { return false }
        switch kind {
        case .arXiv: return scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || ".-/".unicodeScalars.contains(scalar)
        case .openReview: return scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_".unicodeScalars.contains(scalar)
        case .doi: return !"<>\"{}|\\^`".unicodeScalars.contains(scalar)
        }
    }

    /// Whether every `)` in the token closes a `(` of it (a DOI may end in one of its own).
    private static func balanced(_ token: String) -> Bool {
        token.filter { $0 == "(" }.count >= token.filter { $0 == ")" }.count
    }

    private static func link(_ token: String, kind: Kind) -> PaperLink? {
        switch kind {
        case .arXiv:
            return PaperIdentity.normalizedArXivID(token).map(PaperLink.arXiv)
        case .openReview:
            return token.isEmpty ? nil : .openReview(token)
        case .doi:
            guard let doi = PaperIdentity.normalizedDOI(percentDecoded(token)) else { return nil }
            let arxivPrefix = "10.48550/arxiv."
            if doi.hasPrefix(arxivPrefix), let id = PaperIdentity.normalizedArXivID(String(doi.dropFirst(arxivPrefix.count))) {
                return .arXiv(id)
            }
            return .doi(doi)
        }
    }

    /// `%2F`-style escapes in a DOI taken from a URL, undone when they make valid UTF-8.
    private static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? text
    }
}
