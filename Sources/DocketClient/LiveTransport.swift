public import DocketAPI
public import DocketCore
import Foundation

/// The protocol over HTTP: builds requests, reads answers, maps statuses to `TransportError`s.
public struct LiveTransport: Transport {
    public var token: String
    public var exchanger: any HTTPExchanger
    /// Makes each request's `X-Request-ID`.
    public var requestID: @Sendable () -> String

    public init(token: String, exchanger: any HTTPExchanger, requestID: @escaping @Sendable () -> String = LiveTransport.newRequestID) {
        self.token = token
        self.exchanger = exchanger
        self.requestID = requestID
    }

    /// A random request id (the live default).
    @Sendable public static func newRequestID() -> String { UUID().uuidString.lowercased() }

    /// The transport of a server URL over a real socket.
    public init(server: ServerURL, token: String) {
        self.init(token: token, exchanger: NIOExchanger(server: server))
    }

    public func push(clientID: ClientID, _ entries: [OutboxEntry]) async throws -> PushReply {
        let mutations = entries.map { ClientRequests.Mutation(id: $0.id, name: $0.name, at: $0.at, args: $0.args) }
        let body = try await exchange("/v1/sync/push", ClientRequests.push(clientID: clientID, mutations))
        do {
            return try PushReply.parse(body)
        } catch {
            throw TransportError.unreachable("a push answer that is not the protocol's: \(error)")
        }
    }

    public func pull(clientID: ClientID, cursor: String?, limit: Int) async throws -> PulledPage {
        let body = try await exchange("/v1/sync/pull", ClientRequests.pull(clientID: clientID, cursor: cursor, limit: limit))
        do {
            return try PulledPage.parse(body)
        } catch {
            throw TransportError.unreachable("a pull answer that is not the protocol's: \(error)")
        }
    }

    /// POSTs `json` and returns the 200 answer's JSON; any other answer is thrown as a `TransportError`.
    func exchange(_ path: String, _ json: JSONValue) async throws -> JSONValue {
        let request = HTTPRequestData(method: "POST", path: path, headers: headers(json: true), body: Array(json.jsonString.utf8))
        let answer: HTTPResponseData
        do {
            answer = try await exchanger.send(request)
        } catch let error as TransportError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TransportError.unreachable("\(request.method) \(path): \(error)")
        }
        let parsed = try? JSONParser.parse(answer.body)
        guard answer.status == 200 else { throw LiveTransport.failure(answer, parsed) }
        guard let parsed else { throw TransportError.unreachable("\(path) answered 200 with a body that is not JSON (cut short?)") }
        return parsed
    }

    func headers(json: Bool) -> [(String, String)] {
        var headers = [("Authorization", "Bearer \(token)"), ("X-Request-ID", requestID()), ("Accept", "application/json")]
        if json { headers.append(("Content-Type", "application/json")) }
        return headers
    }

    /// An error answer as a `TransportError`: a mutation gap, or the status with its problem and Retry-After.
    static func failure(_ answer: HTTPResponseData, _ body: JSONValue?) -> TransportError {
        let code = body?["code"]?.stringValue
        if answer.status == 409, code == ProblemCode.mutationGap.rawValue, case .int(let last)? = body?["lastMutationID"] {
            return .gap(lastMutationID: last)
        }
        let retryAfter = answer.header("Retry-After").flatMap { RetryAfter.milliseconds($0, now: Date()) }
        return .http(HTTPFailure(status: answer.status, code: code, detail: body?["detail"]?.stringValue, retryAfterMilliseconds: retryAfter))
    }
}

/// `Retry-After` (RFC 9110): delay-seconds or an HTTP date.
enum RetryAfter {
    /// The wait the header asks for, in milliseconds; nil when it says nothing usable.
    static func milliseconds(_ text: String, now: Date) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(trimmed) { return seconds >= 0 && seconds < 1_000_000_000 ? seconds * 1000 : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return max(0, Int64((date.timeIntervalSince(now) * 1000).rounded(.up)))
    }
}
