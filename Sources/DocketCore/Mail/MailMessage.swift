/// One RFC 5322 message, read as far as a mail-in suggestion needs it: sender, subject and text.
///
/// The text is the message's readable body: `text/plain` parts where a
/// `multipart/alternative` offers them, else `text/html` with its tags
/// stripped (link targets kept), with every inline text part of a
/// `multipart/mixed` joined. Attachments are skipped.
public struct MailMessage: Sendable {
    /// The unfolded header fields, in order, names as written.
    public var headers: [(name: String, value: String)]
    /// The `From` mailbox, when it has an address.
    public var from: MailAddress?
    /// The decoded `Subject`, white space collapsed; nil when missing or blank.
    public var subject: String?
    /// The readable text of the body.
    public var text: String

    /// The first header field with this name (case-insensitive), decoded.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }.map { EncodedWords.decode($0.value) }
    }

    /// Reads a whole message.
    ///
    /// Lines may end in CRLF or LF; a leading mbox `From ` line is skipped.
    /// Throws when the bytes have no header section at all.
    public static func parse(_ bytes: [UInt8]) throws(MailError) -> MailMessage {
        let entity = MailEntity(bytes[...], depth: 0)
        guard !entity.headers.isEmpty else { throw MailError.notAMessage }
        var message = MailMessage(headers: entity.headers, from: nil, subject: nil, text: entity.readableText() ?? "")
        if let from = entity.header("from") { message.from = MailAddress.parse(from) }
        if let subject = entity.header("subject") {
            let text = LaTeXText.collapsingWhitespace(EncodedWords.decode(subject))
            message.subject = text.isEmpty ? nil : text
        }
        return message
    }
}

/// A mailbox: an optional display name and an address.
public struct MailAddress: Hashable, Sendable {
    public var name: String?
    public var address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }

    /// The first mailbox of an address header: `Name <a@b>`, `"Last, First" <a@b>`, `a@b (Name)` or `a@b`.
    public static func parse(_ raw: String) -> MailAddress? {
        let decoded = raw
        // The address sits in the last <…>; a display name may itself contain "<" only when quoted.
        if let open = decoded.lastIndex(of: "<"), let close = decoded[open...].firstIndex(of: ">") {
            let address = String(decoded[decoded.index(after: open)..<close]).trimmingWhitespace()
            guard address.contains("@") else { return nil }
            let name = displayName(String(decoded[..<open]))
            return MailAddress(name: name, address: address)
        }
        var text = decoded
        var comment: String?
        if let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close {
            comment = displayName(String(text[text.index(after: open)..<close]))
            text = String(text[..<open])
        }
        let address = text.split(separator: ",").first.map { String($0).trimmingWhitespace() } ?? ""
        guard address.contains("@"), !address.contains(" ") else { return nil }
        return MailAddress(name: comment, address: address)
    }

    /// A display name without quotes and escapes, encoded-words decoded; nil when blank.
    private static func displayName(_ raw: String) -> String? {
        var text = EncodedWords.decode(raw.trimmingWhitespace())
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        var out = ""
        var escaped = false
        for character in text {
            if character == "\\" && !escaped {
                escaped = true
                continue
            }
            out.append(character)
            escaped = false
        }
        let name = LaTeXText.collapsingWhitespace(out)
        return name.isEmpty ? nil : name
    }
}

/// Why a message could not be read.
public enum MailError: Error, Hashable, Sendable, CustomStringConvertible {
    case notAMessage

    public var description: String {
        switch self {
        case .notAMessage: return "the input is not a mail message (no header fields)"
        }
    }
}
