/// Something that happened to the sync loop: a request, a poke, an answer, a failure, a timer.
public enum SyncEvent: Hashable, Sendable {
    /// The user (or a local change) asks for a sync; carries the outbox as it is now.
    case syncRequested(OutboxSnapshot)
    /// The events stream said something changed on the server.
    case pokeReceived
    /// A push answered 200.
    case pushed(PushReply)
    /// A push answered 409 `mutation_gap` with the server's `lastMutationID` for this client.
    case pushGap(lastMutationID: Int64)
    /// A pull page arrived (the engine holds its changes).
    case pulled(PageSummary)
    /// The request never got a complete answer: refused connection, reset, timeout, cut body.
    case transportFailed(String)
    /// The server answered with an error status (other than a mutation gap).
    case httpFailed(HTTPFailure)
    /// The wait asked for by `.wait` is over.
    case timerFired
}

/// What the engine must do next; actions come in order and each is done before the next.
public enum SyncAction: Hashable, Sendable {
    /// Send these outbox mutations, in order, in one push.
    case push([Int64])
    /// Ask for the page after `cursor` (nil: everything).
    case pull(cursor: String?)
    /// Store the outcomes of the push just answered; entries up to `lastMutationID` are no longer pending.
    case record(PushReply)
    /// Store the page just pulled: first drop the pulled state when `replacing`, then rebase the overlay.
    case applyPage(PageSummary, replacing: Bool)
    /// Entries with an id above `after` are not on the server (it lost them): make them pending again.
    case requeue(after: Int64)
    /// Wait this long, then send `.timerFired`.
    case wait(milliseconds: Int64)
    /// The outbox is drained and the last page had no more: the sync is done.
    case finished
    /// Give up and show the user this error.
    case stop(SyncStopError)
}

/// Where the sync loop is.
public enum SyncState: Hashable, Sendable {
    case idle
    /// Waiting for the answer to a push of these ids.
    case pushing([Int64])
    /// Waiting for a page; `pages` counts the pages of this pull so far.
    case pulling(cursor: String?, pages: Int)
    /// Waiting for a page that adds to a reset begun by an earlier page.
    case resetting(cursor: String, pages: Int)
    /// Waiting out a delay before retrying `retry`; `attempt` counts consecutive failures.
    case backingOff(retry: SyncStep, attempt: Int)
    case stopped(SyncStopError)
}

/// A request the machine may have to repeat after a failure.
public enum SyncStep: Hashable, Sendable {
    case push
    case pull(cursor: String?, pages: Int, resetting: Bool)
}
