import DocketAPI
public import DocketCore

/// Drives the pure `SyncMachine` with a transport and the replica: performs its actions, feeds back the results.
///
/// One sync runs at a time per engine. `sync()` returns once the outbox is
/// drained and the last page had no more; it throws the machine's
/// `SyncStopError` when the machine gives up, and `CancellationError` when cancelled.
public actor SyncEngine {
    let replica: Replica
    let transport: any Transport
    let sleeper: any SyncSleeper
    let now: @Sendable () -> Timestamp
    let pullLimit: Int
    let onProgress: @Sendable (SyncProgress) -> Void
    var machine: SyncMachine
    /// Seeds the jitter of the events stream's reconnects (the machine has its own generator).
    let seed: UInt64
    var heldPage: PulledPage?
    var running = false
    var progress = SyncProgress()
    var report = SyncReport()

    /// An engine over `replica`; `seed` fixes the backoff jitter, `now` stamps applied pages.
    public init(
        replica: Replica, transport: any Transport, settings: SyncSettings = SyncSettings(), seed: UInt64,
        sleeper: any SyncSleeper = LiveSleeper(), now: @escaping @Sendable () -> Timestamp, pullLimit: Int = 500,
        onProgress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) throws {
        let installation = try replica.installation()
        self.replica = replica
        self.transport = transport
        self.sleeper = sleeper
        self.now = now
        self.pullLimit = pullLimit
        self.onProgress = onProgress
        self.seed = seed
        self.machine = SyncMachine(cursor: installation.cursor, lastMutationID: installation.lastMutationID, settings: settings, seed: seed)
    }

    /// Pushes the outbox and pulls until nothing remains.
    @discardableResult
    public func sync() async throws -> SyncReport {
        try await run(.syncRequested(replica.outboxSnapshot()))
    }

    /// Feeds `event` and performs actions until the machine finishes or stops.
    func run(_ event: SyncEvent) async throws -> SyncReport {
        guard !running else { throw ReplicaError("a sync is already running") }
        running = true
        defer { running = false }
        report = SyncReport()
        progress = SyncProgress()
        let clientID = try replica.installation().clientID
        var queue = machine.event(event)
        while !queue.isEmpty {
            let action = queue.removeFirst()
            switch action {
            case .push(let ids): queue += machine.event(try await pushEvent(ids, clientID: clientID))
            case .pull(let cursor): queue += machine.event(try await pullEvent(cursor, clientID: clientID))
            case .record(let reply): queue += try record(reply)
            case .applyPage(let summary, let replacing): try applyPage(summary, replacing: replacing)
            case .requeue(let after): try replica.requeue(after: after)
            case .wait(let milliseconds):
                report.waits.append(milliseconds)
                try await sleeper.sleep(milliseconds: milliseconds)
                queue += machine.event(.timerFired)
            case .finished: return report
            case .stop(let error): throw error
            }
        }
        return report
    }

    private func pushEvent(_ ids: [Int64], clientID: ClientID) async throws -> SyncEvent {
        let entries = try replica.entries(ids)
        do {
            return .pushed(try await transport.push(clientID: clientID, entries))
        } catch {
            return try Self.event(for: error)
        }
    }

    private func pullEvent(_ cursor: String?, clientID: ClientID) async throws -> SyncEvent {
        do {
            let page = try await transport.pull(clientID: clientID, cursor: cursor, limit: pullLimit)
            heldPage = page
            return .pulled(page.summary)
        } catch {
            return try Self.event(for: error)
        }
    }

    /// A failed request as a machine event; cancellation is rethrown.
    static func event(for error: any Error) throws -> SyncEvent {
        switch error {
        case is CancellationError: throw error
        case TransportError.gap(let last): return .pushGap(lastMutationID: last)
        case TransportError.http(let failure): return .httpFailed(failure)
        case TransportError.unreachable(let message): return .transportFailed(message)
        default: return .transportFailed(String(describing: error))
        }
    }

    private func record(_ reply: PushReply) throws -> [SyncAction] {
        try replica.record(reply)
        report.pushed += reply.results.count
        report.rejected += reply.results.filter { if case .rejected = $0.outcome { return true } else { return false } }.count
        progress.pushed = report.pushed
        onProgress(progress)
        // Mutations made meanwhile (by this or another process) join this sync.
        return machine.event(.syncRequested(try replica.outboxSnapshot()))
    }

    private func applyPage(_ summary: PageSummary, replacing: Bool) throws {
        guard let page = heldPage, page.summary == summary else { throw ReplicaError("the sync engine lost the page it pulled") }
        heldPage = nil
        try replica.apply(page, replacing: replacing, at: now())
        report.pages += 1
        report.changes += page.changes.count
        progress.pages = report.pages
        progress.changes = report.changes
        progress.remaining = summary.hasMore ? summary.remaining : 0
        if replacing { progress.replacing = true }
        onProgress(progress)
    }
}
