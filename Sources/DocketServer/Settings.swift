/// What the server needs to know to start, from flags and the environment.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// The largest request body accepted, in bytes (PROTOCOL: 1 MiB).
    public var maxBodyBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1 << 20) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
    }
}
