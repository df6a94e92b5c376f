public import DocketCore

/// One HTTP request as the transport sends it.
public struct HTTPRequestData: Sendable {
    public var method: String
    /// The path and query, starting with "/".
    public var path: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String, path: String, headers: [(String, String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }
}

/// One complete HTTP answer.
public struct HTTPResponseData: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header of this name (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0.lowercased() == lower }?.1
    }
}

/// The raw HTTP seam under the live transport: the socket in production, a fault injector in tests.
public protocol HTTPExchanger: Sendable {
    /// Sends `request` and returns the whole answer; throws `TransportError.unreachable` when none arrives whole.
    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData

    /// Sends `request` and hands the answer's head, then each body chunk as it arrives, until the answer ends.
    func stream(
        _ request: HTTPRequestData, onHead: @Sendable (HTTPResponseData) async throws -> Void,
        onBody: @Sendable ([UInt8]) async throws -> Void
    ) async throws
}

/// What the transport could not do; the sync engine turns it into a machine event.
public enum TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No complete answer: refused, reset, timed out, cut mid-body, or not the protocol's JSON.
    case unreachable(String)
    /// An error status (other than a mutation gap).
    case http(HTTPFailure)
    /// 409 `mutation_gap`: the server's `lastMutationID` for this client.
    case gap(lastMutationID: Int64)

    public var description: String {
        switch self {
        case .unreachable(let message): return message
        case .http(let failure): return "HTTP \(failure.status)\(failure.code.map { " \($0)" } ?? ""): \(failure.detail ?? "")"
        case .gap(let last): return "mutation gap after \(last)"
        }
    }
}
