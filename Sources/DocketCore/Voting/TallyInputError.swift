/// Why a ballot file or ballot list is not a valid tally input: one line for people.
///
/// The message starts with the JSON path of the offending value when there is
/// one, e.g. `ballots[3].ranking[1][0]: unknown candidate "x"`. Ids inside the
/// message are JSON-quoted, so the message never spans lines.
public struct TallyInputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The whole one-line message.
    public let message: String

    /// An error with `message` as is.
    public init(_ message: String) {
        self.message = message
    }

    /// An error about the value at `path` (omitted when empty).
    init(at path: String, _ message: String) {
        self.message = path.isEmpty ? message : "\(path): \(message)"
    }

    public var description: String { message }
}

/// `id` as a JSON string literal, so control characters and quotes stay on one line.
func quotedID(_ id: String) -> String {
    var out = ""
    JSONValue.writeString(id, into: &out)
    return out
}
