/// Tunables of the sync loop: retry delays, retry limit, batch sizes.
public struct SyncSettings: Hashable, Sendable {
    /// The first retry's delay before jitter, in milliseconds.
    public var baseDelayMilliseconds: Int64
    /// No computed delay exceeds this (Retry-After is honoured as given, up to `maxRetryAfterMilliseconds`).
    public var maxDelayMilliseconds: Int64
    /// The longest Retry-After obeyed; a longer one waits this long.
    public var maxRetryAfterMilliseconds: Int64
    /// Consecutive failures after which the sync stops; nil retries for ever (watch mode).
    public var maxAttempts: Int?
    /// Mutations per push, halved on `payload_too_large`.
    public var pushBatch: Int

    public init(
        baseDelayMilliseconds: Int64 = 500, maxDelayMilliseconds: Int64 = 30_000, maxRetryAfterMilliseconds: Int64 = 3_600_000,
        maxAttempts: Int? = 8, pushBatch: Int = 200
    ) {
        self.baseDelayMilliseconds = max(1, baseDelayMilliseconds)
        self.maxDelayMilliseconds = max(self.baseDelayMilliseconds, maxDelayMilliseconds)
        self.maxRetryAfterMilliseconds = maxRetryAfterMilliseconds
        self.maxAttempts = maxAttempts
        self.pushBatch = min(max(1, pushBatch), 1000)
    }

    /// The delay before retry number `attempt` (1 for the first): exponential, capped, with equal jitter.
    ///
    /// Half the capped delay is fixed and the other half drawn from `random`,
    /// so clients that failed together do not retry together.
    public func backoff(attempt: Int, random: inout some RandomNumberGenerator) -> Int64 {
        let exponent = min(max(attempt, 1) - 1, 40)
        let (scaled, overflow) = baseDelayMilliseconds.multipliedReportingOverflow(by: Int64(1) << exponent)
        let capped = overflow ? maxDelayMilliseconds : min(scaled, maxDelayMilliseconds)
        let half = capped / 2
        return capped - half + Int64.random(in: 0...half, using: &random)
    }
}
