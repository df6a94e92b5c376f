/// The offline client's sync loop as a pure state machine: events in, actions out.
///
/// One sync cycle pushes the pending outbox in batches, then pulls pages
/// until none remain; new local mutations or pokes that arrive meanwhile add
/// another push or pull. Failures wait with capped exponential backoff (or
/// exactly the server's `Retry-After`) and retry the same request. The
/// machine does no I/O and reads no clock: the engine performs its actions
/// and reports what came of them; randomness for the jitter comes from the
/// seed given at creation.
public struct SyncMachine: Sendable {
    public internal(set) var state: SyncState = .idle
    /// Outbox ids still to push, ascending.
    public internal(set) var pending: [Int64] = []
    /// The highest mutation id the outbox ever held.
    public internal(set) var highest: Int64 = 0
    /// The server's `lastMutationID` for this client, as last heard.
    public internal(set) var acknowledged: Int64
    /// The cursor of the last applied page (nil before the first).
    public internal(set) var cursor: String?
    public let settings: SyncSettings
    var random: SplitMix64
    var failures = 0
    var gaps = 0
    var batchLimit: Int
    var pullAgain = false
    var droppedCursor = false

    /// A machine for a replica at `cursor` whose server had processed mutations up to `lastMutationID`.
    public init(cursor: String?, lastMutationID: Int64, settings: SyncSettings = SyncSettings(), seed: UInt64) {
        self.cursor = cursor
        self.acknowledged = lastMutationID
        self.settings = settings
        self.random = SplitMix64(seed: seed)
        self.batchLimit = settings.pushBatch
    }

    /// Takes in one event; returns what to do, in order (often nothing).
    public mutating func event(_ event: SyncEvent) -> [SyncAction] {
        switch event {
        case .syncRequested(let outbox): return requested(outbox)
        case .pokeReceived: return poked()
        case .pushed(let reply): return pushed(reply)
        case .pushGap(let lastMutationID): return gap(lastMutationID)
        case .pulled(let page): return pulled(page)
        case .transportFailed(let message): return failed(message, retryAfter: nil)
        case .httpFailed(let failure): return httpFailed(failure)
        case .timerFired: return timerFired()
        }
    }

    /// True while a request is out or a retry is waiting.
    public var isBusy: Bool {
        switch state {
        case .idle, .stopped: return false
        default: return true
        }
    }

    private mutating func requested(_ outbox: OutboxSnapshot) -> [SyncAction] {
        merge(outbox.pending)
        highest = max(highest, outbox.highest)
        switch state {
        case .idle, .stopped:
            failures = 0
            gaps = 0
            droppedCursor = false
            return startCycle()
        default:
            return []
        }
    }

    private mutating func poked() -> [SyncAction] {
        switch state {
        case .idle: return startCycle()
        case .pulling, .resetting, .backingOff(retry: .pull, _):
            pullAgain = true
            return []
        case .pushing, .backingOff, .stopped: return []
        }
    }

    private mutating func pushed(_ reply: PushReply) -> [SyncAction] {
        guard case .pushing(let batch) = state else { return [] }
        if reply.lastMutationID > highest { return replicaBehind(reply.lastMutationID) }
        guard reply.lastMutationID >= (batch.first ?? 0) else {
            return failed("the server processed none of mutations \(batch.first ?? 0)…", retryAfter: nil)
        }
        failures = 0
        gaps = 0
        acknowledged = reply.lastMutationID
        pending.removeAll { $0 <= reply.lastMutationID }
        return [.record(reply)] + (pending.isEmpty ? sendPull(cursor, pages: 0, resetting: false) : sendPush())
    }

    private mutating func gap(_ lastMutationID: Int64) -> [SyncAction] {
        guard case .pushing = state else { return [] }
        if lastMutationID > highest { return replicaBehind(lastMutationID) }
        gaps += 1
        guard gaps <= 3 else {
            return stop(SyncStopError(.gapPersists, "resent from \(lastMutationID + 1) \(gaps - 1) times"))
        }
        return requeue(after: lastMutationID) + sendPush()
    }

    private mutating func pulled(_ page: PageSummary) -> [SyncAction] {
        let requestedCursor: String?, pages: Int, wasResetting: Bool
        switch state {
        case .pulling(let c, let p): (requestedCursor, pages, wasResetting) = (c, p, false)
        case .resetting(let c, let p): (requestedCursor, pages, wasResetting) = (c, p, true)
        default: return []
        }
        if page.lastMutationID > highest { return replicaBehind(page.lastMutationID) }
        failures = 0
        cursor = page.cursor
        var actions: [SyncAction] = [.applyPage(page, replacing: page.reset || requestedCursor == nil)]
        if page.lastMutationID < acknowledged { actions += requeue(after: page.lastMutationID) }
        acknowledged = page.lastMutationID
        pending.removeAll { $0 <= page.lastMutationID }
        if page.hasMore {
            return actions + sendPull(page.cursor, pages: pages + 1, resetting: page.reset || wasResetting)
        }
        if pullAgain {
            pullAgain = false
            return actions + sendPull(page.cursor, pages: 0, resetting: false)
        }
        if !pending.isEmpty { return actions + sendPush() }
        state = .idle
        return actions + [.finished]
    }

    private mutating func timerFired() -> [SyncAction] {
        guard case .backingOff(let step, _) = state else { return [] }
        switch step {
        case .push: return pending.isEmpty ? sendPull(cursor, pages: 0, resetting: false) : sendPush()
        case .pull(let cursor, let pages, let resetting): return sendPull(cursor, pages: pages, resetting: resetting)
        }
    }
}

extension SyncMachine {
    /// The request out now, to repeat after a failure; nil when none is.
    var currentStep: SyncStep? {
        switch state {
        case .pushing: return .push
        case .pulling(let cursor, let pages): return .pull(cursor: cursor, pages: pages, resetting: false)
        case .resetting(let cursor, let pages): return .pull(cursor: cursor, pages: pages, resetting: true)
        default: return nil
        }
    }

    mutating func startCycle() -> [SyncAction] {
        pending.isEmpty ? sendPull(cursor, pages: 0, resetting: false) : sendPush()
    }

    mutating func sendPush() -> [SyncAction] {
        let batch = Array(pending.prefix(batchLimit))
        state = .pushing(batch)
        return [.push(batch)]
    }

    mutating func sendPull(_ cursor: String?, pages: Int, resetting: Bool) -> [SyncAction] {
        if resetting, let cursor {
            state = .resetting(cursor: cursor, pages: pages)
        } else {
            state = .pulling(cursor: cursor, pages: pages)
        }
        return [.pull(cursor: cursor)]
    }

    mutating func stop(_ error: SyncStopError) -> [SyncAction] {
        state = .stopped(error)
        pullAgain = false
        return [.stop(error)]
    }

    /// Everything above `lastMutationID` is pending again: the server lost or never saw it.
    mutating func requeue(after lastMutationID: Int64) -> [SyncAction] {
        acknowledged = lastMutationID
        if lastMutationID < highest { merge(Array((lastMutationID + 1)...highest)) }
        return [.requeue(after: lastMutationID)]
    }

    mutating func merge(_ ids: [Int64]) {
        pending = Array(Set(pending).union(ids)).sorted()
    }

    mutating func replicaBehind(_ serverLast: Int64) -> [SyncAction] {
        stop(SyncStopError(.replicaBehind, "the server has processed mutation \(serverLast); this replica made only \(highest)"))
    }
}
