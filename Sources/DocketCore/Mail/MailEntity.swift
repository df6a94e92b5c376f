/// One MIME entity: its header fields and body, and for a multipart one its parts (RFC 2045, 2046).
struct MailEntity {
    /// Nested multiparts deeper than this are not opened (a guard against hostile nesting).
    static let maxDepth = 12

    var headers: [(name: String, value: String)]
    var body: ArraySlice<UInt8>
    let depth: Int

    init(_ bytes: ArraySlice<UInt8>, depth: Int) {
        self.depth = depth
        var lines = Self.lines(bytes)
        // An mbox envelope line ("From sender date") is not a header field.
        if let first = lines.first, bytes[first.range].starts(with: Array("From ".utf8)) { lines.removeFirst() }
        var fields: [(String, String)] = []
        var bodyStart = bytes.endIndex
        for line in lines {
            let text = bytes[line.range]
            if text.isEmpty {
                bodyStart = line.next
                break
            }
            if text.first == UInt8(ascii: " ") || text.first == UInt8(ascii: "\t") {
                // A folded line continues the field before it (RFC 5322 section 2.2.3).
                if !fields.isEmpty { fields[fields.count - 1].1 += Self.text(text) }
                continue
            }
            guard let colon = text.firstIndex(of: UInt8(ascii: ":")), colon > text.startIndex else {
                // Not a field: the header section ended without a blank line.
                bodyStart = line.range.lowerBound
                break
            }
            let name = Self.text(text[text.startIndex..<colon]).trimmingWhitespace()
            guard !name.isEmpty, !name.contains(" ") else {
                bodyStart = line.range.lowerBound
                break
            }
            fields.append((name, Self.text(text[(colon + 1)...]).trimmingWhitespace()))
        }
        headers = fields
        body = bytes[bodyStart...]
    }

    /// The value of the first field with this name (case-insensitive), still encoded.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }

    /// `type/subtype` in lowercase (default `text/plain`) and the parameters, names in lowercase.
    var contentType: (type: String, parameters: [String: String]) {
        guard let raw = header("content-type") else { return ("text/plain", [:]) }
        let (value, parameters) = Self.parameters(raw)
        return (value.isEmpty ? "text/plain" : value.lowercased(), parameters)
    }

    var isAttachment: Bool {
        header("content-disposition").map { Self.parameters($0).value.lowercased() == "attachment" } ?? false
    }

    /// The body with its content transfer encoding undone.
    var decodedBody: [UInt8] {
        switch header("content-transfer-encoding")?.lowercased().trimmingWhitespace() {
        case "quoted-printable": return QuotedPrintable.decode(Array(body))
        case "base64": return Base64.decode(Array(body)) ?? []
        default: return Array(body)
        }
    }

    /// The readable text of this entity, or nil when it has none (an attachment, an image).
    func readableText() -> String? {
        readable()?.text
    }

    /// The text and whether it came from HTML.
    private func readable() -> (text: String, fromHTML: Bool)? {
        if isAttachment && depth > 0 { return nil }
        let (type, parameters) = contentType
        if type.hasPrefix("multipart/") {
            guard depth < Self.maxDepth, let boundary = parameters["boundary"], !boundary.isEmpty else { return nil }
            let parts = Self.parts(body, boundary: boundary).map { MailEntity($0, depth: depth + 1) }.compactMap { $0.readable() }
            if type == "multipart/alternative" { return parts.first { !$0.fromHTML } ?? parts.first }
            guard !parts.isEmpty else { return nil }
            return (parts.map(\.text).joined(separator: "\n"), parts.allSatisfy(\.fromHTML))
        }
        guard type == "text/plain" || type == "text/html" || type == "text" else { return nil }
        let text = Charset.decode(decodedBody, charset: parameters["charset"] ?? "us-ascii")
            ?? String(decoding: decodedBody, as: UTF8.self)
        return type == "text/html" ? (HTMLText.plain(text), true) : (text, false)
    }

    // MARK: - Pieces

    /// Each line's byte range (without its CRLF or LF) and where the next line starts.
    static func lines(_ bytes: ArraySlice<UInt8>) -> [(range: Range<Int>, next: Int)] {
        var lines: [(Range<Int>, Int)] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "\n") {
                let end = index > start && bytes[index - 1] == UInt8(ascii: "\r") ? index - 1 : index
                lines.append((start..<end, index + 1))
                start = index + 1
            }
            index += 1
        }
        if start < bytes.endIndex { lines.append((start..<bytes.endIndex, bytes.endIndex)) }
        return lines
    }

    /// The body parts between `--boundary` lines, up to `--boundary--` (RFC 2046 section 5.1.1).
    static func parts(_ body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        for line in lines(body) {
            let text = body[line.range]
            guard text.starts(with: delimiter) else { continue }
            let rest = text.dropFirst(delimiter.count)
            let isClose = rest.starts(with: Array("--".utf8))
            let trailing = isClose ? rest.dropFirst(2) : rest
            guard trailing.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else { continue }
            if let start = partStart {
                // The line break before a delimiter belongs to the delimiter.
                var end = line.range.lowerBound
                if end > start, body[end - 1] == UInt8(ascii: "\n") { end -= 1 }
                if end > start, body[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                parts.append(body[start..<max(start, end)])
            }
            if isClose { return parts }
            partStart = line.next
        }
        // A missing close delimiter: keep what the last part has.
        if let start = partStart, start < body.endIndex { parts.append(body[start...]) }
        return parts
    }

    /// `value; name=token; name="quoted"` split into the value and its parameters.
    static func parameters(_ raw: String) -> (value: String, [String: String]) {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in raw {
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = String(piece[..<equals]).trimmingWhitespace().lowercased()
            var value = String(piece[piece.index(after: equals)...]).trimmingWhitespace()
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            parameters[name] = value
        }
        return (pieces[0].trimmingWhitespace(), parameters)
    }

    /// Header bytes as text: UTF-8 when valid, else Latin-1.
    static func text(_ bytes: ArraySlice<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return Charset.decode(Array(bytes), charset: "iso-8859-1") ?? ""
    }
}
