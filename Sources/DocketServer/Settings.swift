/// What the server needs to know to start, from flags and the environment.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// The largest request body accepted, in bytes (PROTOCOL: 1 MiB).
    public var maxBodyBytes: Int
    /// How long deletions are kept for clients to pull (PROTOCOL: default 30 days); older cursors get a reset.
    public var tombstoneRetentionDays: Int
    /// Requests per token before 429 `rate_limited`.
    public var rateLimit: RateLimit

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1 << 20, tombstoneRetentionDays: Int = 30,
        rateLimit: RateLimit = .standard
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.tombstoneRetentionDays = tombstoneRetentionDays
        self.rateLimit = rateLimit
    }
}
