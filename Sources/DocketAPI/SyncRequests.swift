public import DocketCore

/// The protocol version this server speaks.
public let protocolVersion: Int64 = 1

/// One mutation of a push request, as sent.
public struct WireMutation: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var at: Timestamp?
    public var args: JSONValue
}

/// `POST /v1/sync/push`'s body.
public struct PushRequest: Sendable, Equatable {
    public static let maxMutations = 1000

    public var clientID: ClientID
    public var mutations: [WireMutation]

    /// Reads a push body; a structural fault of the request is a `bad_request` (PROTOCOL section 8).
    public static func parse(_ body: JSONValue) throws(Problem) -> PushRequest {
        let clientID = try readEnvelope(body)
        guard case .array(let list)? = body["mutations"] else {
            throw Problem(.badRequest, "mutations must be a list")
        }
        guard list.count <= maxMutations else {
            throw Problem(.payloadTooLarge, "at most \(maxMutations) mutations per push; this one has \(list.count)")
        }
        var mutations: [WireMutation] = []
        mutations.reserveCapacity(list.count)
        for (index, entry) in list.enumerated() {
            guard case .object = entry else { throw Problem(.badRequest, "mutations[\(index)] must be an object") }
            guard case .int(let id)? = entry["id"], id >= 1 else {
                throw Problem(.badRequest, "mutations[\(index)].id must be an integer of 1 or more")
            }
            guard case .string(let name)? = entry["name"], !name.isEmpty else {
                throw Problem(.badRequest, "mutations[\(index)].name must be a non-empty string")
            }
            guard let args = entry["args"], case .object = args else {
                throw Problem(.badRequest, "mutations[\(index)].args must be an object")
            }
            var at: Timestamp?
            if let raw = entry["at"], !raw.isNull {
                guard case .string(let text) = raw, let parsed = Timestamp(rfc3339: text) else {
                    throw Problem(.badRequest, "mutations[\(index)].at must be an RFC 3339 timestamp")
                }
                at = parsed
            }
            mutations.append(WireMutation(id: id, name: name, at: at, args: args))
        }
        return PushRequest(clientID: clientID, mutations: mutations)
    }

    /// Checks `protocol` and reads `clientID`, common to push and pull.
    static func readEnvelope(_ body: JSONValue) throws(Problem) -> ClientID {
        guard case .object = body else { throw Problem(.badRequest, "the body must be a JSON object") }
        guard let version = body["protocol"], !version.isNull else { throw Problem(.badRequest, "protocol is required") }
        guard version == .int(protocolVersion) else {
            throw Problem(.unsupportedProtocol, "this server speaks protocol 1", extensions: ["supported": [1]])
        }
        guard case .string(let text)? = body["clientID"], let clientID = ClientID(text) else {
            throw Problem(.badRequest, "clientID must be a lowercase hyphenated UUID")
        }
        return clientID
    }
}

/// `POST /v1/sync/pull`'s body.
public struct PullRequest: Sendable, Equatable {
    public var clientID: ClientID
    public var cursor: String?
    public var limit: Int?

    /// Reads a pull body; `limit` outside 1...5,000 is clamped later, a non-integer is a `bad_request`.
    public static func parse(_ body: JSONValue) throws(Problem) -> PullRequest {
        let clientID = try PushRequest.readEnvelope(body)
        var cursor: String?
        switch body["cursor"] {
        case nil, .null?: cursor = nil
        case .string(let text)?: cursor = text
        default: throw Problem(.badRequest, "cursor must be a string or null")
        }
        var limit: Int?
        switch body["limit"] {
        case nil, .null?: limit = nil
        case .int(let value)?: limit = Int(clamping: value)
        default: throw Problem(.badRequest, "limit must be an integer")
        }
        return PullRequest(clientID: clientID, cursor: cursor, limit: limit)
    }
}
