/// What became of one outbox mutation, as far as this client knows.
public enum MutationOutcome: Hashable, Sendable {
    /// Not yet processed by the server (as far as the client knows).
    case pending
    /// Applied by the server (a push result said so, or a duplicate's `original`).
    case applied
    /// Rejected by the server with its problem details (a JSON object).
    case rejected(problem: JSONValue)
    /// Processed, but the server no longer remembers the outcome (a `duplicate` without `original`).
    case processed
    /// No push result arrived, but a pull's `lastMutationID` shows it was processed.
    case confirmedByPull
}

/// One push result, reduced to what the client records.
public struct MutationReport: Hashable, Sendable {
    public var id: Int64
    public var outcome: MutationOutcome

    public init(id: Int64, outcome: MutationOutcome) {
        self.id = id
        self.outcome = outcome
    }
}

/// A push answer (200): the client's `lastMutationID` and one result per processed mutation.
public struct PushReply: Hashable, Sendable {
    public var lastMutationID: Int64
    public var results: [MutationReport]

    public init(lastMutationID: Int64, results: [MutationReport]) {
        self.lastMutationID = lastMutationID
        self.results = results
    }
}

/// What the machine needs to know of one pull page (the changes stay with the engine).
public struct PageSummary: Hashable, Sendable {
    public var cursor: String
    public var hasMore: Bool
    public var reset: Bool
    public var lastMutationID: Int64
    /// The server's estimate of changes still to come, when `hasMore`.
    public var remaining: Int64?
    /// How many changes the page carried (for progress only).
    public var changeCount: Int

    public init(cursor: String, hasMore: Bool, reset: Bool, lastMutationID: Int64, remaining: Int64? = nil, changeCount: Int = 0) {
        self.cursor = cursor
        self.hasMore = hasMore
        self.reset = reset
        self.lastMutationID = lastMutationID
        self.remaining = remaining
        self.changeCount = changeCount
    }
}

/// An HTTP answer other than 200 to a push or pull, reduced to what decides the next step.
public struct HTTPFailure: Hashable, Sendable {
    public var status: Int
    /// The problem's `code`, when the body was a problem.
    public var code: String?
    public var detail: String?
    /// `Retry-After`, converted to milliseconds, when the answer carried one.
    public var retryAfterMilliseconds: Int64?

    public init(status: Int, code: String? = nil, detail: String? = nil, retryAfterMilliseconds: Int64? = nil) {
        self.status = status
        self.code = code
        self.detail = detail
        self.retryAfterMilliseconds = retryAfterMilliseconds
    }
}

/// The mutations an outbox holds: the ids still pending, and the highest id it ever made.
public struct OutboxSnapshot: Hashable, Sendable {
    public var pending: [Int64]
    public var highest: Int64

    public init(pending: [Int64], highest: Int64) {
        self.pending = pending
        self.highest = max(highest, pending.max() ?? 0)
    }
}
