/// Waits for the sync loop's backoff: the real clock in production, an instant recorder in tests.
public protocol SyncSleeper: Sendable {
    /// Returns after `milliseconds` (or throws when cancelled).
    func sleep(milliseconds: Int64) async throws
}

/// Sleeps on the task's clock.
public struct LiveSleeper: SyncSleeper {
    public init() {}

    public func sleep(milliseconds: Int64) async throws {
        try await Task.sleep(for: .milliseconds(max(0, milliseconds)))
    }
}

/// How far a sync has come, for a progress bar.
public struct SyncProgress: Hashable, Sendable {
    /// Mutations the server has processed during this sync.
    public var pushed: Int = 0
    /// Pull pages applied.
    public var pages: Int = 0
    /// Changes applied.
    public var changes: Int = 0
    /// The server's estimate of changes still to come (nil when it gave none; 0 after the last page).
    public var remaining: Int64?
    /// True while the pages replace the replica (a reset or a first sync).
    public var replacing: Bool = false

    public init() {}
}

/// What one sync did.
public struct SyncReport: Hashable, Sendable {
    /// Mutations the server processed (applied or rejected).
    public var pushed: Int = 0
    /// Of those, rejected.
    public var rejected: Int = 0
    public var pages: Int = 0
    public var changes: Int = 0
    /// Backoff waits taken, in milliseconds, in order.
    public var waits: [Int64] = []

    public init() {}
}
