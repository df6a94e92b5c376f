/// Makes HTML from user Markdown safe to embed in a page: an allow-list, not a block-list.
///
/// Ink passes raw HTML in Markdown through and puts link targets into `href`
/// unchecked, so its output is re-read here tag by tag (`Markdown.prepared`
/// already turns a user's `<` into text; this holds even if something slips by). Allowed elements are
/// written again with only their allowed attributes (an `href` only with an
/// http, https or mailto scheme, or none); any other tag, comment or stray `<`
/// becomes visible text. Every element left open is closed at the end and a
/// closing tag without its opening one is dropped, so the fragment cannot leave
/// the element it is placed in. Headings move down to `h4`…`h6`, below the page's own.
enum HTMLSanitizer {
    static func sanitize(_ html: String) -> String {
        var scanner = Scanner(Array(html.unicodeScalars))
        var out = ""
        var open: [String] = []
        // Once a comment is found unclosed, none later closes either: not looking again keeps this linear.
        var commentsClose = true
        while let scalar = scanner.peek() {
            if scalar == "<", let tag = scanner.readTag() {
                write(tag, to: &out, open: &open)
            } else if scalar == "<", commentsClose, scanner.startsComment() {
                commentsClose = scanner.skipComment()
                if commentsClose { continue }
                scanner.advance()
                out += "&lt;"
            } else {
                scanner.advance()
                out += escapeText(scalar, next: scanner)
            }
        }
        for name in open.reversed() { out += "</\(name)>" }
        return out
    }

    /// Elements kept, with the attributes each may keep.
    static let allowed: [String: Set<String>] = [
        "p": [], "br": [], "hr": [], "em": [], "strong": [], "b": [], "i": [], "del": [], "s": [], "sup": [], "sub": [],
        "code": ["class"], "pre": [], "blockquote": [], "ul": [], "ol": ["start"], "li": [], "a": ["href", "title"],
        "table": [], "thead": [], "tbody": [], "tr": [], "th": ["align"], "td": ["align"], "img": ["src", "alt"],
        "h4": [], "h5": [], "h6": [],
    ]
    static let void: Set<String> = ["br", "hr", "img"]
    static let headings = ["h1": "h4", "h2": "h5", "h3": "h6", "h4": "h6", "h5": "h6", "h6": "h6"]

    private static func write(_ tag: Tag, to out: inout String, open: inout [String]) {
        let name = headings[tag.name] ?? tag.name
        guard let permitted = allowed[name] else {
            out += escape(tag.raw)
            return
        }
        if tag.closing {
            guard let index = open.lastIndex(of: name) else { return }
            for inner in open[index...].reversed() { out += "</\(inner)>" }
            open.removeSubrange(index...)
            return
        }
        var text = "<\(name)"
        var hasSource = false
        for (key, value) in tag.attributes where permitted.contains(key) {
            guard let kept = keep(key, value) else { continue }
            text += " \(key)=\"\(escape(kept))\""
            hasSource = hasSource || key == "src"
        }
        guard name != "img" || hasSource else { return }
        out += text + ">"
        if !void.contains(name) { open.append(name) }
    }

    /// The attribute's value when it may stay, else nil.
    private static func keep(_ key: String, _ value: String) -> String? {
        switch key {
        case "href": return isSafeURL(value, schemes: ["http", "https", "mailto"]) ? value : nil
        case "src": return isSafeURL(value, schemes: ["https"]) && value.contains(":") ? value : nil
        case "start": return value.allSatisfy(\.isASCII) && Int(value) != nil ? value : nil
        case "align": return ["left", "right", "center"].contains(value) ? value : nil
        case "class":
            let ok = value.hasPrefix("language-") && value.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-+_#".unicodeScalars.contains($0)
            }
            return ok ? value : nil
        default: return value.count <= 300 ? value : nil
        }
    }

    /// `url` when a page may link to it (http, https, mailto or relative), else nil: stored URLs are
    /// checked when written, and checked again here in case a check ever misses one.
    static func linkable(_ url: String?) -> String? {
        url.flatMap { isSafeURL($0, schemes: ["http", "https", "mailto"]) ? $0 : nil }
    }

    /// Whether `url` (entities already decoded) is relative or uses one of `schemes`.
    static func isSafeURL(_ url: String, schemes: Set<String>) -> Bool {
        // Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
        let squeezed = String(String.UnicodeScalarView(url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }))
        guard let colon = squeezed.firstIndex(of: ":") else { return true }
        let scheme = squeezed[..<colon]
        if scheme.contains(where: { "/?#".contains($0) }) { return true }
        return schemes.contains(scheme.lowercased())
    }

    /// Text as it may appear in a page: `<` and `>` escaped, `&` kept only where it starts an entity.
    private static func escapeText(_ scalar: Unicode.Scalar, next scanner: Scanner) -> String {
        switch scalar {
        case "<": return "&lt;"
        case ">": return "&gt;"
        case "&": return scanner.startsEntity() ? "&" : "&amp;"
        default: return String(scalar)
        }
    }

    /// Escapes text for an HTML text node or a double-quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A start or end tag as read: lower-cased name, attributes with entities decoded, and its source.
    struct Tag {
        var name: String
        var closing: Bool
        var attributes: [(String, String)]
        var raw: String
    }
}

extension HTMLSanitizer {
    /// A cursor over Unicode scalars that reads tags, comments and entities.
    struct Scanner {
        let scalars: [Unicode.Scalar]
        var index = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }

        mutating func advance() { index += 1 }

        /// Whether the `&` just read begins `&name;`, `&#123;` or `&#x1F;`.
        func startsEntity() -> Bool {
            var offset = 0
            while let scalar = peek(offset), offset <= 32 {
                if scalar == ";" { return offset > 0 }
                guard isName(scalar) || (offset == 0 && scalar == "#") else { return false }
                offset += 1
            }
            return false
        }

        /// Whether the cursor is at `<!` or `<?`.
        func startsComment() -> Bool { peek(1) == "!" || peek(1) == "?" }

        /// Skips `<!-- … -->` (or `<!…>`, `<?…>`) at the cursor; false, with the cursor left, when it never closes.
        mutating func skipComment() -> Bool {
            let isComment = peek(2) == "-" && peek(3) == "-"
            var offset = isComment ? 4 : 2
            while let scalar = peek(offset) {
                if isComment ? (scalar == ">" && peek(offset - 1) == "-" && peek(offset - 2) == "-" && offset >= 6) : scalar == ">" {
                    index += offset + 1
                    return true
                }
                offset += 1
            }
            return false
        }

        /// Reads a start or end tag at the cursor, or leaves the cursor and returns nil when there is none.
        mutating func readTag() -> Tag? {
            let start = index
            var probe = self
            guard let tag = probe.parseTag() else { return nil }
            index = probe.index
            return Tag(name: tag.name, closing: tag.closing, attributes: tag.attributes,
                       raw: String(String.UnicodeScalarView(scalars[start..<index])))
        }

        private mutating func parseTag() -> (name: String, closing: Bool, attributes: [(String, String)])? {
            advance()  // <
            let closing = peek() == "/"
            if closing { advance() }
            guard let first = peek(), isLetter(first) else { return nil }
            let name = readWhile { isName($0) }.lowercased()
            var attributes: [(String, String)] = []
            while true {
                skipWhile { $0.properties.isWhitespace || $0 == "/" }
                guard let scalar = peek() else { return nil }
                if scalar == ">" {
                    advance()
                    return (name, closing, attributes)
                }
                let key = readWhile { !$0.properties.isWhitespace && !"/>=\"'<".unicodeScalars.contains($0) }.lowercased()
                guard !key.isEmpty else { return nil }
                skipWhile { $0.properties.isWhitespace }
                var value = ""
                if peek() == "=" {
                    advance()
                    skipWhile { $0.properties.isWhitespace }
                    guard let quote = peek() else { return nil }
                    if quote == "\"" || quote == "'" {
                        advance()
                        value = readWhile { $0 != quote }
                        guard peek() == quote else { return nil }
                        advance()
                    } else {
                        value = readWhile { !$0.properties.isWhitespace && $0 != ">" }
                    }
                }
                attributes.append((key, decodeEntities(value)))
            }
        }

        private mutating func readWhile(_ accept: (Unicode.Scalar) -> Bool) -> String {
            var text = String.UnicodeScalarView()
            while let scalar = peek(), accept(scalar) {
                text.append(scalar)
                advance()
            }
            return String(text)
        }

        private mutating func skipWhile(_ accept: (Unicode.Scalar) -> Bool) {
            while let scalar = peek(), accept(scalar) { advance() }
        }
    }

    /// Decodes numeric references and the named ones that matter for URLs; others stay as written.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let named: [String: Unicode.Scalar] = [
            "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "colon": ":", "tab": "\t", "newline": "\n",
            "sol": "/", "num": "#", "lpar": "(", "rpar": ")", "period": ".", "nbsp": "\u{A0}",
        ]
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            guard scalars[i] == "&" else {
                out.append(scalars[i])
                i += 1
                continue
            }
            var j = i + 1
            while j < scalars.count, j - i <= 32, isName(scalars[j]) || (j == i + 1 && scalars[j] == "#") { j += 1 }
            let body = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
            // A reference's `;` is optional to browsers for numeric ones and for the old named ones.
            let end = j < scalars.count && scalars[j] == ";" ? j + 1 : j
            if let decoded = body.hasPrefix("#") ? numeric(body.dropFirst()) : named[body.lowercased()] {
                out.append(decoded)
                i = end
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    private static func numeric(_ digits: Substring) -> Unicode.Scalar? {
        let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
        guard let value else { return nil }
        return value == 0 ? "\u{FFFD}" : Unicode.Scalar(value) ?? "\u{FFFD}"
    }
}

private func isLetter(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
}

private func isName(_ scalar: Unicode.Scalar) -> Bool {
    isLetter(scalar) || ("0"..."9").contains(scalar)
}
