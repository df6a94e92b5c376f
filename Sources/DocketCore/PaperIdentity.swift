/// Normalized identifiers that decide whether two papers are the same paper.
public enum PaperIdentity {
    /// A DOI compared case-insensitively without its resolver prefix, or nil when `raw` is not a DOI.
    ///
    /// `https://doi.org/10.1038/X`, `doi:10.1038/x` and `10.1038/x` all give `10.1038/x`.
    public static func normalizedDOI(_ raw: String) -> String? {
        var text = raw.trimmingWhitespace().lowercased()
        for prefix in ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"]
        where text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count)).trimmingWhitespace()
            break
        }
        guard text.hasPrefix("10."), let slash = text.firstIndex(of: "/"), text.index(after: slash) < text.endIndex,
            !text.contains(where: { $0 == " " })
        else { return nil }
        let registrant = text[text.index(text.startIndex, offsetBy: 3)..<slash]
        guard !registrant.isEmpty, registrant.allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
        return text
    }

    /// An arXiv id without prefix, URL, `.pdf` or version, or nil when `raw` is not one.
    ///
    /// New style `2002.09405` (or `1501.0001`), old style `physics/0701001` or `math.GT/0309136`.
    public static func normalizedArXivID(_ raw: String) -> String? {
        var text = raw.trimmingWhitespace()
        for prefix in ["https://arxiv.org/abs/", "http://arxiv.org/abs/", "https://arxiv.org/pdf/", "http://arxiv.org/pdf/",
            "https://www.arxiv.org/abs/", "https://www.arxiv.org/pdf/", "arxiv.org/abs/", "arxiv.org/pdf/"]
        where text.lowercased().hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
            break
        }
        if text.lowercased().hasPrefix("arxiv:") { text = String(text.dropFirst(6)) }
        if text.lowercased().hasSuffix(".pdf") { text = String(text.dropLast(4)) }
        if let v = text.lastIndex(of: "v"), text[text.index(after: v)...].allSatisfy(\.isNumber),
            text.index(after: v) < text.endIndex, v > text.startIndex, text[text.index(before: v)].isNumber
        {
            text = String(text[..<v])
        }
        return isNewStyle(text) || isOldStyle(text) ? text : nil
    }

    private static func isNewStyle(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[0].allSatisfy(\.isASCIIDigit),
            (4...5).contains(parts[1].count), parts[1].allSatisfy(\.isASCIIDigit),
            let month = Int(parts[0].suffix(2)), (1...12).contains(month)
        else { return false }
        return true
    }

    private static func isOldStyle(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 7, parts[1].allSatisfy(\.isASCIIDigit) else { return false }
        let archive = parts[0]
        return !archive.isEmpty && archive.allSatisfy { ($0.isASCII && $0.isLetter && $0.isLowercase) || $0 == "-" || $0 == "." || ($0.isASCII && $0.isUppercase) }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
