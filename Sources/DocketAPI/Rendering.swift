public import DocketCore

/// Writes JSON bodies whose parts are already serialized (pull streams stored entity values).
public struct JSONBodyWriter {
    public private(set) var text = ""

    public init(capacity: Int = 256) {
        text.reserveCapacity(capacity)
    }

    /// Appends raw, already valid JSON.
    public mutating func raw(_ json: String) { text += json }

    /// Appends a JSON string literal.
    public mutating func string(_ value: String) { JSONValue.writeString(value, into: &text) }

    /// Appends a value.
    public mutating func value(_ value: JSONValue) { value.write(into: &text) }
}

/// A pulled change as the protocol shows it.
public struct PullChange: Sendable {
    public var type: String
    public var id: String
    public var version: Int64
    public var deleted: Bool
    public var value: String?

    public init(type: String, id: String, version: Int64, deleted: Bool, value: String?) {
        self.type = type
        self.id = id
        self.version = version
        self.deleted = deleted
        self.value = value
    }
}

/// Renders `POST /v1/sync/pull`'s answer without re-encoding entity values.
///
/// `personID` (an addition to PROTOCOL section 3) names the person the token acts for, so a client that
/// logged in with a bare token learns who it is from its first pull.
public func renderPullResponse(
    cursor: String, hasMore: Bool, reset: Bool, lastMutationID: Int64, remaining: Int64?, personID: String? = nil, changes: [PullChange]
) -> String {
    var out = JSONBodyWriter(capacity: 128 + changes.reduce(0) { $0 + ($1.value?.utf8.count ?? 0) + 120 })
    out.raw("{\"cursor\":")
    out.string(cursor)
    out.raw(",\"hasMore\":\(hasMore),\"reset\":\(reset),\"lastMutationID\":\(lastMutationID)")
    if let remaining { out.raw(",\"remaining\":\(remaining)") }
    if let personID {
        out.raw(",\"personID\":")
        out.string(personID)
    }
    out.raw(",\"changes\":[")
    for (index, change) in changes.enumerated() {
        if index > 0 { out.raw(",") }
        out.raw("{\"type\":")
        out.string(change.type)
        out.raw(",\"id\":")
        out.string(change.id)
        out.raw(",\"version\":\(change.version),\"deleted\":\(change.deleted)")
        if let value = change.value, !change.deleted {
            out.raw(",\"value\":")
            out.raw(value)
        }
        out.raw("}")
    }
    out.raw("]}")
    return out.text
}

/// One mutation's result in a push answer.
public enum PushResultWire: Sendable {
    case applied
    case rejected(Problem)
    case duplicate(status: String?, problem: JSONValue?)

    /// The wire's `status`: applied, rejected or duplicate.
    public var status: String {
        switch self {
        case .applied: "applied"
        case .rejected: "rejected"
        case .duplicate: "duplicate"
        }
    }

    /// The result object for mutation `id`.
    public func json(id: Int64) -> JSONValue {
        switch self {
        case .applied:
            return ["id": .int(id), "status": "applied"]
        case .rejected(let problem):
            return ["id": .int(id), "status": "rejected", "problem": problem.json]
        case .duplicate(let status, let problem):
            let original: JSONValue = status.map { ["status": .string($0), "problem": problem ?? .null] } ?? .null
            return ["id": .int(id), "status": "duplicate", "original": original]
        }
    }
}
