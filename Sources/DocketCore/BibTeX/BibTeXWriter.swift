import Foundation

/// Writes papers as BibTeX entries that `BibTeXParser` (and BibTeX) read back.
///
/// A paper with a venue is an `@inproceedings` (a conference-like venue, in
/// `booktitle`) or an `@article` (`journal`); one without is a `@misc`, with
/// `eprint` and `archivePrefix = {arXiv}` when it has an arXiv id. Titles keep
/// their capitals in braces; LaTeX's specials are escaped; UTF-8 stays.
public enum BibTeXWriter {
    /// One entry per paper, in order, with keys unique within the text; entries are separated by a blank line.
    public static func bibliography(_ papers: [PaperFields]) -> String {
        var used: Set<String> = []
        return papers.map { paper in
            let key = uniqueKey(baseKey(paper), used: &used)
            return entry(paper, key: key)
        }.joined(separator: "\n")
    }

    /// The entry for one paper under `key`, ending in a line break.
    public static func entry(_ paper: PaperFields, key: String) -> String {
        var fields: [(String, String)] = []
        if !paper.authors.isEmpty { fields.append(("author", paper.authors.map(authorName).joined(separator: " and "))) }
        fields.append(("title", title(paper.title)))
        let type = entryType(paper)
        if let venue = paper.venue { fields.append((type == "inproceedings" ? "booktitle" : "journal", text(venue))) }
        if let year = paper.year { fields.append(("year", String(year))) }
        if let doi = paper.doi { fields.append(("doi", verbatim(doi))) }
        if let arxiv = paper.arxivID {
            fields.append(("eprint", verbatim(arxiv)))
            fields.append(("archivePrefix", "arXiv"))
        }
        for (name, value) in [("url", paper.url), ("pdf", paper.pdfURL), ("code", paper.codeURL)] {
            if let value { fields.append((name, verbatim(value))) }
        }
        let body = fields.map { "  \($0.0) = {\($0.1)}" }.joined(separator: ",\n")
        return "@\(type){\(key),\n\(body)\n}\n"
    }

    /// `inproceedings`, `article` or `misc`.
    public static func entryType(_ paper: PaperFields) -> String {
        guard let venue = paper.venue else { return "misc" }
        return isConference(venue) ? "inproceedings" : "article"
    }

    /// The first author's surname, the year and the first word of the title, in lowercase ASCII: `lam2023graphcast`.
    public static func baseKey(_ paper: PaperFields) -> String {
        let surname = paper.authors.first.map(surname) ?? ""
        let skipped: Set<String> = ["a", "an", "the", "on", "of"]
        let word = paper.title.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map { ascii(String($0)) }.first { !$0.isEmpty && !skipped.contains($0) } ?? ""
        return (surname.isEmpty ? "anon" : surname) + (paper.year.map(String.init) ?? "nd") + word
    }

    /// `base`, or `base` with the first free suffix `b`, `c`, … then `-2`, `-3`, …
    static func uniqueKey(_ base: String, used: inout Set<String>) -> String {
        let letters = "bcdefghijklmnopqrstuvwxyz".map { base + String($0) }
        let candidates = [base] + letters
        let key = candidates.first { !used.contains($0) }
            ?? (2...(used.count + 2)).lazy.map { "\(base)-\($0)" }.first { !used.contains($0) }!
        used.insert(key)
        return key
    }

    private static func surname(_ author: String) -> String {
        let family = author.split(separator: ",", maxSplits: 1).first.map(String.init) ?? author
        return family.split(separator: " ").last.map { ascii(String($0)) } ?? ""
    }

    /// Lowercase ASCII letters and digits of `text`, accents dropped.
    private static func ascii(_ text: String) -> String {
        String(text.decomposedStringWithCanonicalMapping.unicodeScalars.filter { $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) }
            .map(Character.init)).lowercased()
    }

    private static func isConference(_ venue: String) -> Bool {
        let lower = venue.lowercased()
        let words = ["proceedings", "conference", "workshop", "symposium", "congress"]
        if words.contains(where: lower.contains) { return true }
        let acronyms: Set<String> = [
            "neurips", "nips", "icml", "iclr", "cvpr", "iccv", "eccv", "acl", "emnlp", "naacl", "aaai", "ijcai", "kdd", "colt",
            "aistats", "uai", "sigir", "siggraph", "chi", "www", "wsdm", "icra", "iros", "rss", "interspeech", "icassp", "stoc",
            "focs", "soda", "popl", "pldi", "osdi", "sosp", "nsdi", "sigmod", "vldb", "icde", "coling", "corl",
        ]
        return lower.split(whereSeparator: { !$0.isLetter }).contains { acronyms.contains(String($0)) }
    }

    /// A title: escaped, and each word with a capital in braces so styles keep it.
    static func title(_ title: String) -> String {
        LaTeXText.collapsingWhitespace(title).split(separator: " ").map { word in
            let escaped = LaTeXText.escape(String(word))
            return word.contains(where: \.isUppercase) ? "{\(escaped)}" : escaped
        }.joined(separator: " ")
    }

    /// Escaped text with runs of white space made one space.
    static func text(_ text: String) -> String {
        LaTeXText.escape(LaTeXText.collapsingWhitespace(text))
    }

    /// An author, braced whole when a comma or a lone `and`/`others` would otherwise split or rename it.
    static func authorName(_ name: String) -> String {
        let escaped = text(name)
        let words = name.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
        let needsBraces = name.contains(",") || words.contains("and") || words == ["others"]
        return needsBraces ? "{\(escaped)}" : escaped
    }

    /// An identifier or URL as written, but with `{`, `}`, `\` and white space percent-encoded so braces stay balanced.
    static func verbatim(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "{": out += "%7B"
            case "}": out += "%7D"
            case "\\": out += "%5C"
            case _ where scalar.properties.isWhitespace: out += "%20"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
