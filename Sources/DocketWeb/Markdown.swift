import Foundation
import Ink

/// User Markdown (descriptions, abstracts, pitches) as HTML that is safe to embed, in linear time.
///
/// Raw HTML is not part of it: a `<` that does not start an `<https://…>` autolink shows as text.
/// Before Ink sees the text, `prepared` rewrites what Ink would misread or read slowly; after,
/// `HTMLSanitizer` keeps only the elements and attributes a page may carry.
public enum Markdown {
    /// The HTML of `markdown`.
    public static func html(_ markdown: String) -> String {
        HTMLSanitizer.sanitize(MarkdownParser().html(from: prepared(markdown)))
    }

    /// `markdown` as Ink should read it. Outside code spans and fenced blocks:
    /// - `<https://…>` becomes `[https://…](https://…)` (Ink has no autolinks and would pass the
    ///   text through as an unknown element), and every other `<` becomes `&lt;`;
    /// - an `&` that starts no character reference becomes `&amp;`;
    /// - a `[` that opens no plain link (`[text](url)`, `[text][ref]`, a `[ref]:` definition) becomes `&#91;`.
    ///
    /// Ink tries a link again at each `[` inside the text of an unfinished one, in exponential time
    /// (twenty `[` kept it busy for a minute), and scans to the end of the text for each `<` or `&`
    /// left open. Plain links and closed references it reads once.
    static func prepared(_ markdown: String) -> String {
        var out = ""
        var fenced = false
        let lines = markdown.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if index > 0 { out += "\n" }
            let fence = line.drop { $0 == " " }.hasPrefix("```") || line.drop { $0 == " " }.hasPrefix("~~~")
            if fence { fenced.toggle() }
            out += fenced || fence ? String(line) : preparedLine(Array(line))
        }
        return out
    }

    private static func preparedLine(_ chars: [Character]) -> String {
        var out = ""
        let indent = chars.firstIndex { $0 != " " }
        var i = 0
        while i < chars.count {
            switch chars[i] {
            case "`":
                let end = codeSpanEnd(chars, from: i)
                out += String(chars[i..<end])
                i = end
            case "<":
                if let close = autolinkEnd(chars, from: i) {
                    let url = String(chars[(i + 1)..<close])
                    let label = url.map { "_*~`[]\\<&".contains($0) ? "&#\($0.unicodeScalars.first!.value);" : String($0) }.joined()
                    out += "[\(label)](\(url.replacingOccurrences(of: "(", with: "%28").replacingOccurrences(of: ")", with: "%29")))"
                    i = close + 1
                } else {
                    out += "&lt;"
                    i += 1
                }
            case "&":
                out += startsReference(chars, at: i) ? "&" : "&amp;"
                i += 1
            case "[":
                if let end = plainLinkEnd(chars, from: i, atLineStart: i == indent) {
                    out += String(chars[i..<end])
                    i = end
                } else {
                    out += "&#91;"
                    i += 1
                }
            default:
                out.append(chars[i])
                i += 1
            }
        }
        return out
    }

    /// Past the code span opening at `start` (a run of backticks up to the next run as long), or past
    /// the opening run alone when nothing closes it.
    private static func codeSpanEnd(_ chars: [Character], from start: Int) -> Int {
        var run = 0
        while start + run < chars.count, chars[start + run] == "`" { run += 1 }
        var i = start + run
        while i < chars.count {
            guard chars[i] == "`" else {
                i += 1
                continue
            }
            var closing = 0
            while i + closing < chars.count, chars[i + closing] == "`" { closing += 1 }
            if closing == run { return i + closing }
            i += closing
        }
        return start + run
    }

    /// The index of the `>` closing an `<http://…>` or `<https://…>` autolink at `start`, if it is one.
    private static func autolinkEnd(_ chars: [Character], from start: Int) -> Int? {
        let head = String(chars[(start + 1)..<min(chars.count, start + 9)]).lowercased()
        guard head.hasPrefix("http://") || head.hasPrefix("https://") else { return nil }
        var i = start + 1
        while i < chars.count, i - start <= maxURL {
            if chars[i] == ">" { return i }
            if chars[i] == "<" || chars[i].isWhitespace { return nil }
            i += 1
        }
        return nil
    }

    /// Whether the `&` at `start` begins `&name;`, `&#123;` or `&#x1F;`.
    private static func startsReference(_ chars: [Character], at start: Int) -> Bool {
        var i = start + 1
        if i < chars.count, chars[i] == "#" { i += 1 }
        let first = i
        while i < chars.count, i - start <= 32, chars[i].isASCII, chars[i].isLetter || chars[i].isNumber { i += 1 }
        return i > first && i < chars.count && chars[i] == ";"
    }

    /// Past the plain link starting with the `[` at `start`, or nil when there is none.
    ///
    /// The text ends at the first `]` and may hold no `[`; a target holds no bracket and ends at its
    /// balancing `)` within `maxURL` characters. So the scans from one `[` stop at the next bracket,
    /// and all of them together read each character a bounded number of times.
    private static func plainLinkEnd(_ chars: [Character], from start: Int, atLineStart: Bool) -> Int? {
        guard let close = bracketEnd(chars, from: start), close + 1 < chars.count else { return nil }
        let i = close + 1
        switch chars[i] {
        case "(":
            var depth = 0
            for j in i..<min(chars.count, i + maxURL) {
                // A bracket in a target would be percent-encoded; stopping there keeps "[x]([x]([x](…" linear.
                if chars[j] == "[" || chars[j] == "]" { return nil }
                if chars[j] == "(" { depth += 1 }
                if chars[j] == ")" {
                    depth -= 1
                    if depth == 0 { return j + 1 }
                }
            }
            return nil
        case "[":
            return bracketEnd(chars, from: i).map { $0 + 1 }
        case ":":
            return atLineStart ? i : nil
        default:
            return nil
        }
    }

    /// The index of the `]` closing the `[` at `start`, when no other `[` comes first.
    private static func bracketEnd(_ chars: [Character], from start: Int) -> Int? {
        var i = start + 1
        while i < chars.count {
            if chars[i] == "]" { return i }
            if chars[i] == "[" { return nil }
            i += 1
        }
        return nil
    }

    /// The longest link target read; longer ones show as text.
    private static let maxURL = 2048
}
