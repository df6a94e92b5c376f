/// Reads one BibTeX entry from pasted text.
///
/// Text outside entries is a comment, as BibTeX has it; `@comment` and
/// `@preamble` are skipped and `@string` defines macros for the entry. Values
/// are `{…}` (nested braces), `"…"`, numbers and macros, joined with `#`.
/// Braces are counted as BibTeX counts them: a backslash does not escape one.
public enum BibTeXParser {
    /// The single entry of `text`; a `BibTeXError` names the line of anything it cannot read.
    public static func entry(_ text: String) throws(BibTeXError) -> BibTeXEntry {
        var scanner = Scanner(text)
        var found: BibTeXEntry?
        while scanner.skipToAt() {
            let at = scanner.index
            let (line, column) = scanner.position(at)
            scanner.index += 1
            let type = scanner.identifier().lowercased()
            guard !type.isEmpty else { throw scanner.error(at, "expected an entry type after @ (e.g. @article)") }
            scanner.skipSpace()
            guard let close = scanner.opening() else { throw scanner.error(scanner.index, "expected { after @\(type)") }
            switch type {
            case "comment", "preamble":
                try scanner.skipGroup(from: at, close: close)
            case "string":
                try scanner.macroDefinition(close: close, entryStart: at)
            default:
                if found != nil { throw scanner.error(at, "one entry only: a second entry starts here") }
                var entry = try scanner.entryBody(close: close, entryStart: at)
                entry.type = type
                entry.line = line
                entry.column = column
                found = entry
            }
        }
        guard let found else {
            throw scanner.error(scanner.scalars.count, "no entry found (expected @article{key, title = {…}, …})")
        }
        return found
    }
}

extension BibTeXParser {
    /// The scalars of the text, a position in them, and the macros defined so far.
    fileprivate struct Scanner {
        let scalars: [Unicode.Scalar]
        var index = 0
        /// The index where each line starts.
        let lineStarts: [Int]
        var macros: [String: String] = [
            "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June", "jul": "July",
            "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
        ]

        init(_ text: String) {
            scalars = Array(text.unicodeScalars)
            var starts = [0]
            for (offset, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(offset + 1) }
            lineStarts = starts
        }

        var atEnd: Bool { index >= scalars.count }
        var current: Unicode.Scalar? { atEnd ? nil : scalars[index] }

        /// 1-based line and column of an index.
        func position(_ offset: Int) -> (line: Int, column: Int) {
            var low = 0, high = lineStarts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
            }
            return (low + 1, offset - lineStarts[low] + 1)
        }

        func error(_ offset: Int, _ message: String) -> BibTeXError {
            let (line, column) = position(offset)
            return BibTeXError(line: line, column: column, message)
        }

        /// Moves to the next `@`; false at the end of the text.
        mutating func skipToAt() -> Bool {
            while let scalar = current, scalar != "@" { index += 1 }
            return !atEnd
        }

        mutating func skipSpace() {
            while let scalar = current, scalar.properties.isWhitespace { index += 1 }
        }

        /// Letters, digits and the punctuation BibTeX allows in names and keys.
        mutating func identifier() -> String {
            var name = ""
            while let scalar = current, Self.isNameScalar(scalar) {
                name.unicodeScalars.append(scalar)
                index += 1
            }
            return name
        }

        static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
            if scalar.properties.isWhitespace { return false }
            return !["{", "}", "(", ")", ",", "=", "\"", "#", "%", "'", "@"].contains(scalar)
        }

        /// Consumes `{` or `(` and returns the delimiter that closes it.
        mutating func opening() -> Unicode.Scalar? {
            switch current {
            case "{": index += 1; return "}"
            case "(": index += 1; return ")"
            default: return nil
            }
        }

        /// Skips an `@comment` or `@preamble` body up to its closing delimiter.
        mutating func skipGroup(from start: Int, close: Unicode.Scalar) throws(BibTeXError) {
            var depth = 0
            while let scalar = current {
                index += 1
                if scalar == "{" { depth += 1 }
                if scalar == "}" { depth -= 1 }
                if depth <= 0 && scalar == close || depth < 0 { return }
            }
            throw error(start, "unterminated @ block: its opening delimiter is never closed")
        }

        /// `@string{name = value}`.
        mutating func macroDefinition(close: Unicode.Scalar, entryStart: Int) throws(BibTeXError) {
            skipSpace()
            let nameStart = index
            let name = identifier().lowercased()
            guard !name.isEmpty else { throw error(nameStart, "expected a macro name in @string") }
            skipSpace()
            guard current == "=" else { throw error(index, "missing = after macro name \(name)") }
            index += 1
            macros[name] = try value(field: name)
            skipSpace()
            guard current == close else {
                throw atEnd ? error(entryStart, "unterminated @string: its { is never closed") : error(index, "expected the end of @string")
            }
            index += 1
        }

        /// The key and fields of an entry, after its opening delimiter.
        mutating func entryBody(close: Unicode.Scalar, entryStart: Int) throws(BibTeXError) -> BibTeXEntry {
            skipSpace()
            let keyStart = index
            var key = identifier()
            skipSpace()
            if current == "=" {
                index = keyStart
                key = ""
            } else if current == "," {
                index += 1
            } else if current != close {
                throw atEnd ? unterminated(entryStart, lastField: nil) : error(index, "missing comma after the citation key")
            }
            var fields: [BibTeXEntry.Field] = []
            while true {
                skipSpace()
                guard let scalar = current else { throw unterminated(entryStart, lastField: fields.last) }
                if scalar == close {
                    index += 1
                    return BibTeXEntry(type: "", key: key, fields: fields, line: 0, column: 0)
                }
                let field = try self.field(after: fields.last)
                if fields.contains(where: { $0.name == field.name }) {
                    throw error(lineStarts[field.line - 1] + field.column - 1, "field \(field.name) appears twice")
                }
                fields.append(field)
                skipSpace()
                guard let next = current else { throw unterminated(entryStart, lastField: field) }
                if next == "," {
                    index += 1
                } else if next != close {
                    throw error(index, "missing comma after field \(field.name)")
                }
            }
        }

        /// `name = value`.
        mutating func field(after previous: BibTeXEntry.Field?) throws(BibTeXError) -> BibTeXEntry.Field {
            let start = index
            let name = identifier().lowercased()
            guard !name.isEmpty else {
                let found = current.map { "\"\($0)\"" } ?? "the end"
                let after = previous.map { " after field \($0.name)" } ?? ""
                throw error(start, "expected a field name\(after), found \(found)")
            }
            skipSpace()
            guard current == "=" else { throw error(index, "missing = after field name \(name)") }
            index += 1
            let text = try value(field: name)
            let (line, column) = position(start)
            return BibTeXEntry.Field(name: name, value: text, line: line, column: column)
        }

        func unterminated(_ entryStart: Int, lastField: BibTeXEntry.Field?) -> BibTeXError {
            let hint = lastField.map { " (check the braces of field \($0.name), line \($0.line))" } ?? ""
            return error(entryStart, "unterminated entry: its { is never closed\(hint)")
        }

        /// Parts joined with `#`.
        mutating func value(field: String) throws(BibTeXError) -> String {
            var text = ""
            while true {
                skipSpace()
                text += try part(field: field)
                skipSpace()
                guard current == "#" else { return text }
                index += 1
            }
        }

        /// `{…}`, `"…"`, a number or a macro name.
        mutating func part(field: String) throws(BibTeXError) -> String {
            let start = index
            switch current {
            case "{":
                return try delimited(from: start, quote: false, field: field)
            case "\"":
                return try delimited(from: start, quote: true, field: field)
            case .some(let scalar) where Self.isNameScalar(scalar):
                let word = identifier()
                if word.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) { return word }
                guard let expansion = macros[word.lowercased()] else {
                    throw error(start, "unknown macro \(word) in field \(field) (put text in braces, or define it with @string)")
                }
                return expansion
            default:
                throw error(start, "expected a value for field \(field)")
            }
        }

        /// The text inside `{…}` or `"…"` starting at `start`, inner braces kept.
        mutating func delimited(from start: Int, quote: Bool, field: String) throws(BibTeXError) -> String {
            index += 1
            var depth = 0
            var text = ""
            while let scalar = current {
                index += 1
                switch scalar {
                case "{": depth += 1
                case "}" where depth == 0 && !quote: return text
                case "}" where depth == 0:
                    throw error(index - 1, "unbalanced } in field \(field)")
                case "}": depth -= 1
                case "\"" where quote && depth == 0: return text
                default: break
                }
                text.unicodeScalars.append(scalar)
            }
            let what = quote ? "unterminated \" in field \(field): it is never closed" : "unterminated { in field \(field): it is never closed"
            throw error(start, what)
        }
    }
}
