public import DocketCore

/// One change of a pull page as a client reads it.
public struct PulledEntity: Hashable, Sendable {
    public var type: String
    public var id: String
    public var version: Int64
    public var deleted: Bool
    /// The entity's whole value; nil for a deletion.
    public var value: JSONValue?

    public init(type: String, id: String, version: Int64, deleted: Bool, value: JSONValue?) {
        self.type = type
        self.id = id
        self.version = version
        self.deleted = deleted
        self.value = value
    }
}

/// A pull answer as a client reads it: what decides the next step, and the changes.
public struct PulledPage: Hashable, Sendable {
    public var summary: PageSummary
    public var changes: [PulledEntity]
    /// The person the token acts for, when the server says (an addition to PROTOCOL section 3).
    public var personID: PersonID?

    public init(summary: PageSummary, changes: [PulledEntity], personID: PersonID? = nil) {
        self.summary = summary
        self.changes = changes
        self.personID = personID
    }

    /// Reads `POST /v1/sync/pull`'s 200 body; unknown fields are ignored (PROTOCOL section 1).
    public static func parse(_ body: JSONValue) throws(Problem) -> PulledPage {
        guard case .string(let cursor)? = body["cursor"], case .bool(let hasMore)? = body["hasMore"],
            case .int(let last)? = body["lastMutationID"], case .array(let list)? = body["changes"]
        else { throw Problem(.badRequest, "a pull answer needs cursor, hasMore, lastMutationID and changes") }
        let reset = body["reset"] == .bool(true)
        var remaining: Int64?
        if case .int(let value)? = body["remaining"] { remaining = value }
        var changes: [PulledEntity] = []
        changes.reserveCapacity(list.count)
        for (index, entry) in list.enumerated() {
            guard case .string(let type)? = entry["type"], case .string(let id)? = entry["id"],
                case .int(let version)? = entry["version"]
            else { throw Problem(.badRequest, "changes[\(index)] needs type, id and version") }
            let deleted = entry["deleted"] == .bool(true)
            let value = deleted ? nil : entry["value"]
            guard deleted || value.map({ if case .object = $0 { return true } else { return false } }) == true else {
                throw Problem(.badRequest, "changes[\(index)] has no value")
            }
            changes.append(PulledEntity(type: type, id: id, version: version, deleted: deleted, value: value))
        }
        let summary = PageSummary(
            cursor: cursor, hasMore: hasMore, reset: reset, lastMutationID: last, remaining: remaining, changeCount: changes.count)
        var personID: PersonID?
        if case .string(let person)? = body["personID"] { personID = PersonID(person) }
        return PulledPage(summary: summary, changes: changes, personID: personID)
    }
}

extension PushReply {
    /// Reads `POST /v1/sync/push`'s 200 body; a duplicate's `original` becomes its outcome.
    public static func parse(_ body: JSONValue) throws(Problem) -> PushReply {
        guard case .int(let last)? = body["lastMutationID"], case .array(let list)? = body["results"] else {
            throw Problem(.badRequest, "a push answer needs lastMutationID and results")
        }
        var results: [MutationReport] = []
        for (index, entry) in list.enumerated() {
            guard case .int(let id)? = entry["id"], case .string(let status)? = entry["status"] else {
                throw Problem(.badRequest, "results[\(index)] needs id and status")
            }
            results.append(MutationReport(id: id, outcome: try outcome(status, entry, index: index)))
        }
        return PushReply(lastMutationID: last, results: results)
    }

    private static func outcome(_ status: String, _ entry: JSONValue, index: Int) throws(Problem) -> MutationOutcome {
        switch status {
        case "applied": return .applied
        case "rejected": return .rejected(problem: entry["problem"] ?? .null)
        case "duplicate":
            guard let original = entry["original"], case .string(let first)? = original["status"] else { return .processed }
            return first == "rejected" ? .rejected(problem: original["problem"] ?? .null) : .applied
        default: throw Problem(.badRequest, "results[\(index)].status \(status) is not one PROTOCOL section 2 names")
        }
    }
}

/// The bodies a client sends.
public enum ClientRequests {
    /// One outbox mutation as a push carries it.
    public struct Mutation: Sendable {
        public var id: Int64
        public var name: String
        public var at: Timestamp
        public var args: JSONValue

        public init(id: Int64, name: String, at: Timestamp, args: JSONValue) {
            self.id = id
            self.name = name
            self.at = at
            self.args = args
        }
    }

    /// `POST /v1/sync/push`'s body.
    public static func push(clientID: ClientID, _ mutations: [Mutation]) -> JSONValue {
        [
            "protocol": .int(protocolVersion), "clientID": .string(clientID.rawValue),
            "mutations": .array(mutations.map { ["id": .int($0.id), "name": .string($0.name), "at": .string($0.at.rfc3339), "args": $0.args] }),
        ]
    }

    /// `POST /v1/sync/pull`'s body.
    public static func pull(clientID: ClientID, cursor: String?, limit: Int) -> JSONValue {
        ["protocol": .int(protocolVersion), "clientID": .string(clientID.rawValue), "cursor": .optional(cursor), "limit": .int(Int64(limit))]
    }
}
