extension BibTeXEntry {
    /// The entry as paper fields, checked and normalized by `PaperFields.read` like any other paper.
    ///
    /// `title`; `author` split on ` and `, each `Last, First` turned into
    /// `First Last` (`Last, Jr, First` into `First Last, Jr`; a braced name is
    /// kept as written); `journal` or `booktitle` as the venue; `doi`; `eprint`
    /// (unless another archive is named), `arxiv` or `arxivid` as the arXiv id;
    /// `url`, `pdf` and `code`. A problem names the line of its field.
    public func paperFields() throws(BibTeXError) -> PaperFields {
        let (object, sources) = paperObject()
        guard object["title"] != nil else { throw BibTeXError(line: line, column: column, "the entry has no title") }
        var args = Args(object, path: "bibtex")
        let fields = PaperFields.read(&args)
        do {
            try args.finish()
        } catch {
            let first = error.errors.first ?? FieldError(field: "bibtex.title", message: "is not readable")
            let key = String(first.field.dropFirst("bibtex.".count).prefix { $0 != "[" })
            let source = sources[key].flatMap(field) ?? field("title")
            throw BibTeXError(
                line: source?.line ?? line, column: source?.column ?? column, "field \(source?.name ?? key) \(first.message)")
        }
        guard let fields else { throw BibTeXError(line: line, column: column, "the entry has no title") }
        return fields
    }

    /// The paper object `PaperFields.read` takes, and which BibTeX field each member came from.
    private func paperObject() -> (JSONValue, [String: String]) {
        var members: [(String, JSONValue)] = []
        var sources: [String: String] = [:]
        func add(_ key: String, _ value: JSONValue, from name: String) {
            members.append((key, value))
            sources[key] = name
        }
        if let title = field("title").map({ LaTeXText.decode($0.value) }), !title.isEmpty { add("title", .string(title), from: "title") }
        if let author = field("author") {
            add("authors", .strings(Self.authors(author.value)), from: "author")
        }
        var venue = (field("journal") ?? field("booktitle")).map { ($0.name, LaTeXText.decode($0.value)) }
        if let year = field("year") {
            let text = LaTeXText.decode(year.value)
            add("year", Int(text).map { .int(Int64($0)) } ?? .string(text), from: "year")
        }
        if let doi = verbatim("doi") { add("doi", .string(doi), from: "doi") }
        if let (name, id) = arxivID() {
            add("arxivID", .string(id), from: name)
        } else if let (name, text) = venue, let id = Self.arxivPreprint(text) {
            // Google Scholar's "arXiv preprint arXiv:2002.09405" is an id, not a venue.
            add("arxivID", .string(id), from: name)
            venue = nil
        }
        if let (name, text) = venue, !text.isEmpty { add("venue", .string(text), from: name) }
        for (key, name) in [("url", "url"), ("pdfURL", "pdf"), ("codeURL", "code")] {
            if let text = verbatim(name) { add(key, .string(text), from: name) }
        }
        return (.object(members), sources)
    }

    /// The arXiv id's source field and raw text, if the entry names one.
    private func arxivID() -> (String, String)? {
        if let text = verbatim("eprint") {
            let archive = (field("archiveprefix") ?? field("eprinttype")).map { LaTeXText.decode($0.value).lowercased() }
            if archive == nil || archive == "arxiv" { return ("eprint", text) }
        }
        for name in ["arxiv", "arxivid"] {
            if let text = verbatim(name) { return (name, text) }
        }
        return nil
    }

    /// The id in a venue such as "arXiv preprint arXiv:2002.09405", if that is what the venue is.
    private static func arxivPreprint(_ venue: String) -> String? {
        guard venue.lowercased().hasPrefix("arxiv preprint"), let last = venue.split(separator: " ").last else { return nil }
        return PaperIdentity.normalizedArXivID(String(last))
    }

    /// A field that holds an identifier or URL: braces dropped, `\_`-style escapes undone, nothing else decoded.
    private func verbatim(_ name: String) -> String? {
        guard let value = field(name)?.value else { return nil }
        var out = ""
        var escaped = false
        for scalar in value.unicodeScalars {
            if escaped {
                if !"_%&#$~{}\\".unicodeScalars.contains(scalar) { out += "\\" }
                out.unicodeScalars.append(scalar)
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar != "{" && scalar != "}" {
                out.unicodeScalars.append(scalar)
            }
        }
        if escaped { out += "\\" }
        let text = out.trimmingWhitespace()
        return text.isEmpty ? nil : text
    }

    /// The names of an `author` value: split on a top-level ` and `, `others` dropped, each decoded and put in order.
    static func authors(_ value: String) -> [String] {
        splitTopLevel(value, isSeparator: { words in words == "and" }).compactMap { raw in
            let trimmed = raw.trimmingWhitespace()
            if trimmed.isEmpty || trimmed == "others" { return nil }
            let parts = splitTopLevelCommas(trimmed).map { LaTeXText.decode($0) }
            let name: String
            switch parts.count {
            case 2: name = "\(parts[1]) \(parts[0])"
            case 3: name = "\(parts[2]) \(parts[0]), \(parts[1])"
            default: name = LaTeXText.decode(trimmed)
            }
            let result = name.trimmingWhitespace()
            return result.isEmpty ? nil : result
        }
    }

    /// The value cut at each brace-depth-0 word for which `isSeparator` holds.
    private static func splitTopLevel(_ value: String, isSeparator: (String) -> Bool) -> [String] {
        var pieces: [String] = [], current = "", word = "", depth = 0
        func endWord() {
            if depth == 0 && isSeparator(word) {
                current.unicodeScalars.removeLast(word.unicodeScalars.count)
                pieces.append(current)
                current = ""
            }
            word = ""
        }
        for scalar in value.unicodeScalars {
            if scalar.properties.isWhitespace {
                endWord()
            } else {
                if scalar == "{" { depth += 1 }
                if scalar == "}" { depth = max(0, depth - 1) }
                word.unicodeScalars.append(scalar)
            }
            current.unicodeScalars.append(scalar)
        }
        endWord()
        pieces.append(current)
        return pieces
    }

    /// The name cut at commas outside braces.
    private static func splitTopLevelCommas(_ name: String) -> [String] {
        var pieces: [String] = [], current = "", depth = 0
        for scalar in name.unicodeScalars {
            if scalar == "{" { depth += 1 }
            if scalar == "}" { depth = max(0, depth - 1) }
            if scalar == "," && depth == 0 {
                pieces.append(current)
                current = ""
            } else {
                current.unicodeScalars.append(scalar)
            }
        }
        pieces.append(current)
        return pieces
    }
}
