import Foundation

/// Plain text to and from the LaTeX that BibTeX field values are written in.
///
/// Decoding knows the accents and letters that bibliographies use (`{\"o}`,
/// `\'e`, `{\ss}`), the escaped specials, and the formatting commands whose
/// argument is the text (`\emph{…}`); other commands are kept as written.
/// Braces go, white space runs become one space, and the result is NFC.
public enum LaTeXText {
    /// The plain text of a LaTeX value.
    public static func decode(_ latex: String) -> String {
        var decoder = Decoder(Array(latex.unicodeScalars))
        let text = decoder.run()
        return collapsingWhitespace(text).precomposedStringWithCanonicalMapping
    }

    /// `text` with LaTeX's special characters escaped; everything else, UTF-8 included, as it is.
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&", "%", "$", "#", "_": out += "\\\(scalar)"
            // Not `\{`: BibTeX counts that brace too, so a lone one would unbalance the value.
            case "{": out += "\\textbraceleft{}"
            case "}": out += "\\textbraceright{}"
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "\\": out += "\\textbackslash{}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The text with each run of white space (line breaks included) made one space, and trimmed.
    public static func collapsingWhitespace(_ text: String) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out += " " }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Combining marks of the accent commands.
    static let accents: [String: Unicode.Scalar] = [
        "'": "\u{301}", "`": "\u{300}", "^": "\u{302}", "\"": "\u{308}", "~": "\u{303}", "=": "\u{304}", ".": "\u{307}",
        "u": "\u{306}", "v": "\u{30C}", "H": "\u{30B}", "c": "\u{327}", "k": "\u{328}", "r": "\u{30A}", "d": "\u{323}",
        "b": "\u{331}",
    ]

    /// Commands that stand for a character.
    static let symbols: [String: String] = [
        "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł",
        "i": "ı", "j": "ȷ", "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", "textasciitilde": "~",
        "textasciicircum": "^", "textbraceleft": "{", "textbraceright": "}", "textbackslash": "\\", "textendash": "–", "textemdash": "—", "textquotesingle": "'",
        "textquotedbl": "\"", "textunderscore": "_", "textbar": "|", "textless": "<", "textgreater": ">", " ": " ",
        ",": " ", ";": " ", "\\": " ", "-": "", "/": "", "S": "§", "P": "¶", "dag": "†", "copyright": "©",
    ]

    /// Commands whose one argument is simply the text.
    static let formatting: Set<String> = [
        "emph", "textit", "textbf", "texttt", "textsc", "textrm", "textsf", "textsl", "textup", "textmd", "textnormal",
        "mathrm", "mathit", "mathbf", "mathsf", "mathtt", "mathcal", "mbox", "hbox", "text", "url", "nolinkurl", "it",
        "bf", "em", "sc", "rm", "tt", "sf", "sl", "protect", "relax", "noopsort", "NoCaseChange",
    ]
}

extension LaTeXText {
    /// A single pass over the scalars of one value.
    fileprivate struct Decoder {
        let scalars: [Unicode.Scalar]
        var index = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        mutating func run() -> String {
            var out = ""
            while index < scalars.count {
                let scalar = scalars[index]
                switch scalar {
                case "{", "}", "$":
                    index += 1
                case "~":
                    out += " "
                    index += 1
                case "\\":
                    out += command()
                default:
                    out.unicodeScalars.append(scalar)
                    index += 1
                }
            }
            return out
        }

        /// Reads `\name` (letters) or `\c` (one other character) after the backslash.
        mutating func commandName() -> String {
            index += 1
            guard index < scalars.count else { return "" }
            if !isLetter(scalars[index]) {
                defer { index += 1 }
                return String(scalars[index])
            }
            var name = ""
            while index < scalars.count, isLetter(scalars[index]) {
                name.unicodeScalars.append(scalars[index])
                index += 1
            }
            return name
        }

        mutating func command() -> String {
            let name = commandName()
            if name.isEmpty { return "\\" }
            let known = LaTeXText.accents[name] != nil || LaTeXText.symbols[name] != nil || LaTeXText.formatting.contains(name)
            guard known else { return "\\" + name }
            // TeX swallows the spaces after a control word (`Stra\ss e`).
            if isLetter(name.unicodeScalars.first!) {
                while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
            }
            if let mark = LaTeXText.accents[name] { return accented(mark) }
            if let symbol = LaTeXText.symbols[name] {
                skipEmptyGroup()
                return symbol
            }
            return ""
        }

        /// The accent `mark` on the next character or group (`\"o`, `\"{o}`, `\'{\i}`).
        mutating func accented(_ mark: Unicode.Scalar) -> String {
            var base = ""
            if index < scalars.count, scalars[index] == "{" {
                let end = matchingBrace(from: index)
                var inner = Decoder(Array(scalars[(index + 1)..<end]))
                base = inner.run()
                index = min(end + 1, scalars.count)
            } else if index < scalars.count, scalars[index] == "\\" {
                base = command()
            } else if index < scalars.count {
                base = String(scalars[index])
                index += 1
            }
            if base == "ı" { base = "i" }
            if base == "ȷ" { base = "j" }
            var combined = Array(base.unicodeScalars)
            guard !combined.isEmpty else { return String(mark) }
            combined.insert(mark, at: 1)
            var out = ""
            out.unicodeScalars.append(contentsOf: combined)
            return out
        }

        mutating func skipEmptyGroup() {
            if index + 1 < scalars.count, scalars[index] == "{", scalars[index + 1] == "}" { index += 2 }
        }

        /// The index of the brace closing the one at `start`, or the end when it is not closed.
        func matchingBrace(from start: Int) -> Int {
            var depth = 0
            var position = start
            while position < scalars.count {
                switch scalars[position] {
                case "\\": position += 1
                case "{": depth += 1
                case "}":
                    depth -= 1
                    if depth == 0 { return position }
                default: break
                }
                position += 1
            }
            return scalars.count
        }

        func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        }
    }
}
