import DocketClient
import DocketCore
import Foundation

/// Wraps the live socket exchanger and breaks some exchanges the ways networks do.
///
/// Which exchange fails, and how, comes from a seeded generator, so a failing run can
/// be replayed. Every fault leaves the client without a usable answer; some strike
/// before the server saw the request, others after it processed it.
final class FaultExchanger: HTTPExchanger, @unchecked Sendable {
    enum Fault: CaseIterable, Hashable {
        /// The request never reaches the server.
        case dropRequest
        /// The server processes the request; its answer is lost.
        case dropResponse
        /// The request reaches the server twice; the client sees the second answer.
        case duplicate
        /// The exchange is slow.
        case delay
        /// A proxy answers 503 before the server saw anything.
        case unavailableBefore
        /// The server processes the request, then a proxy answers 502.
        case badGatewayAfter
        /// The answer's body is cut off halfway.
        case cutBody
    }

    let inner: any HTTPExchanger
    let rate: Double
    private let lock = NSLock()
    private var random: SplitMix64
    private var counts: [Fault: Int] = [:]
    private var exchanges = 0

    init(_ inner: any HTTPExchanger, seed: UInt64, rate: Double) {
        self.inner = inner
        self.rate = rate
        self.random = SplitMix64(seed: seed)
    }

    /// How often each fault struck.
    var faults: [Fault: Int] { lock.withLock { counts } }
    var total: Int { lock.withLock { exchanges } }

    private func draw() -> Fault? {
        lock.withLock {
            exchanges += 1
            guard Double.random(in: 0..<1, using: &random) < rate else { return nil }
            let fault = Fault.allCases.randomElement(using: &random) ?? .dropRequest
            counts[fault, default: 0] += 1
            return fault
        }
    }

    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        switch draw() {
        case nil:
            return try await inner.send(request)
        case .dropRequest:
            throw TransportError.unreachable("fault: the request was dropped")
        case .dropResponse:
            _ = try await inner.send(request)
            throw TransportError.unreachable("fault: the answer was dropped")
        case .duplicate:
            _ = try await inner.send(request)
            return try await inner.send(request)
        case .delay:
            try await Task.sleep(for: .milliseconds(Int.random(in: 5...60)))
            return try await inner.send(request)
        case .unavailableBefore:
            return Self.problem(503, "fault: unavailable")
        case .badGatewayAfter:
            _ = try await inner.send(request)
            return Self.problem(502, "fault: bad gateway")
        case .cutBody:
            var answer = try await inner.send(request)
            answer.body = Array(answer.body.prefix(answer.body.count / 2))
            return answer
        }
    }

    func stream(
        _ request: HTTPRequestData, onHead: @Sendable (HTTPResponseData) async throws -> Void,
        onBody: @Sendable ([UInt8]) async throws -> Void
    ) async throws {
        try await inner.stream(request, onHead: onHead, onBody: onBody)
    }

    static func problem(_ status: Int, _ detail: String, headers: [(String, String)] = []) -> HTTPResponseData {
        let body: JSONValue = ["type": "about:blank", "title": "Fault", "status": .int(Int64(status)), "code": "internal", "detail": .string(detail)]
        return HTTPResponseData(status: status, headers: [("Content-Type", "application/problem+json")] + headers, body: Array(body.jsonString.utf8))
    }
}

/// Answers the first `count` exchanges with `status` and a Retry-After header, then passes through.
final class ThrottlingExchanger: HTTPExchanger, @unchecked Sendable {
    let inner: any HTTPExchanger
    let status: Int
    let retryAfter: String?
    private let lock = NSLock()
    private var left: Int

    init(_ inner: any HTTPExchanger, status: Int, retryAfter: String?, count: Int) {
        self.inner = inner
        self.status = status
        self.retryAfter = retryAfter
        self.left = count
    }

    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        let throttle = lock.withLock {
            defer { left -= 1 }
            return left > 0
        }
        guard throttle else { return try await inner.send(request) }
        let code = status == 429 ? "rate_limited" : "internal"
        let body: JSONValue = ["type": "about:blank", "title": "Slow down", "status": .int(Int64(status)), "code": .string(code), "detail": "slow down"]
        return HTTPResponseData(
            status: status, headers: [("Content-Type", "application/problem+json")] + (retryAfter.map { [("Retry-After", $0)] } ?? []),
            body: Array(body.jsonString.utf8))
    }

    func stream(
        _ request: HTTPRequestData, onHead: @Sendable (HTTPResponseData) async throws -> Void,
        onBody: @Sendable ([UInt8]) async throws -> Void
    ) async throws {
        try await inner.stream(request, onHead: onHead, onBody: onBody)
    }
}
