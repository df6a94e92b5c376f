public import DocketCore

/// This installation's identity and where its sync stands.
public struct Installation: Hashable, Sendable {
    /// Made once per installation (one replica file); the server binds it to a person.
    public var clientID: ClientID
    public var serverURL: String?
    public var token: String?
    public var personID: PersonID?
    public var cursor: String?
    /// The server's `lastMutationID` for this client, as last heard.
    public var lastMutationID: Int64
    /// The `lastMutationID` of the last completed pull: the pulled state includes mutations up to it.
    public var pulledThrough: Int64
    /// When a pull page was last applied (client clock).
    public var pulledAt: Timestamp?
}

/// One mutation of the outbox, with what became of it.
public struct OutboxEntry: Hashable, Sendable {
    /// Per client: 1, 2, 3, … with no gaps.
    public var id: Int64
    public var name: String
    public var args: JSONValue
    /// The client's clock when the user acted.
    public var at: Timestamp
    public var outcome: MutationOutcome

    public init(id: Int64, name: String, args: JSONValue, at: Timestamp, outcome: MutationOutcome) {
        self.id = id
        self.name = name
        self.args = args
        self.at = at
        self.outcome = outcome
    }
}

/// One entity as the user sees it: pulled state with pending mutations applied.
public struct ViewEntity: Hashable, Sendable {
    public var type: String
    public var id: String
    public var value: JSONValue
    /// True when a pending mutation made or changed it (not yet confirmed by a pull).
    public var local: Bool
}

/// A replica operation that cannot go ahead; the message is for the user.
public struct ReplicaError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
