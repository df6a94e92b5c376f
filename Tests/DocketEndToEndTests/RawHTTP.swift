import DocketTestSupport
import Foundation

/// One HTTP/1.1 keep-alive connection to 127.0.0.1 over a plain blocking socket, with bounded waits.
///
/// Used where a test must see exactly what one client received from a server that may die mid-request
/// (a SIGKILL closes the socket: the request fails here, and its outcome is unknown to the client), and
/// for event streams, which never end. Not thread-safe: one connection per thread.
final class RawHTTPConnection: @unchecked Sendable {
    private let socket: LoopbackSocket
    private var pending: [UInt8] = []
    let port: Int

    /// Connects; `timeout` bounds every later send and receive (seconds).
    init(port: Int, timeout: Int = 20) throws {
        self.port = port
        socket = try Self.asEndToEndError { try LoopbackSocket(port: port, sendTimeout: timeout, receiveTimeout: timeout) }
    }

    func close() { socket.close() }

    /// Sends the head (and body); throws when the connection fails.
    func send(method: String, path: String, token: String?, body: Data? = nil, accept: String = "application/json") throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: \(accept)\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        try write(Array(head.utf8) + (body.map { Array($0) } ?? []))
    }

    /// One request and its whole response (Content-Length or chunked).
    func request(method: String, path: String, token: String?, json: [String: Any]? = nil) throws -> HTTPAnswer {
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) }
        try send(method: method, path: path, token: token, body: body)
        return try readResponse()
    }

    /// Reads one response: status, headers (names lowercased) and body.
    func readResponse() throws -> HTTPAnswer {
        let headEnd = try readUntil(Array("\r\n\r\n".utf8))
        let headBytes = Array(pending[..<headEnd])
        pending.removeFirst(headEnd + 4)
        let lines = String(decoding: headBytes, as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = (lines.first ?? "").split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw EndToEndError("bad status line: \(lines.first ?? "")") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8] = []
        if let length = headers["content-length"].flatMap(Int.init) {
            try fill(length)
            body = Array(pending[..<length])
            pending.removeFirst(length)
        } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            while true {
                let lineEnd = try readUntil(Array("\r\n".utf8))
                let sizeText = String(decoding: pending[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                pending.removeFirst(lineEnd + 2)
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw EndToEndError("bad chunk size") }
                try fill(size + 2)
                body += pending[..<size]
                pending.removeFirst(size + 2)
                if size == 0 { break }
            }
        }
        return HTTPAnswer(status: status, headers: headers, body: Data(body))
    }

    /// Reads what arrives within `seconds` (at least one read, at most until the deadline), appended to the result;
    /// returns nil when the connection ended (EOF or reset) and nothing more came.
    func readSome(seconds: Double) -> [UInt8]? {
        if !pending.isEmpty {
            defer { pending.removeAll() }
            return pending
        }
        return socket.receive(within: seconds)
    }

    private func write(_ bytes: [UInt8]) throws {
        try Self.asEndToEndError { try socket.sendAll(bytes) }
    }

    /// Reads until `pending` holds `count` bytes; throws on EOF, reset or timeout.
    private func fill(_ count: Int) throws {
        while pending.count < count { try receive() }
    }

    /// Reads until `marker` is in `pending`; returns its offset.
    private func readUntil(_ marker: [UInt8]) throws -> Int {
        var searchFrom = 0
        while true {
            if pending.count >= marker.count {
                let last = pending.count - marker.count
                if searchFrom <= last {
                    for start in searchFrom...last where pending[start] == marker[0] && Array(pending[start..<(start + marker.count)]) == marker {
                        return start
                    }
                    searchFrom = last + 1
                }
            }
            try receive()
        }
    }

    private func receive() throws {
        guard let bytes = try Self.asEndToEndError({ try socket.receive() }) else { throw EndToEndError("the server closed the connection") }
        pending += bytes
    }

    /// Runs a socket call, its failure thrown as an `EndToEndError` with the same text.
    private static func asEndToEndError<T>(_ call: () throws -> T) throws -> T {
        do { return try call() } catch let failure as LoopbackSocket.Failure { throw EndToEndError(failure.description) }
    }
}

/// A person made through the CLI (`person add`, `token issue`) for the sync tests, with their token.
struct SyncAccount: Sendable {
    var id: String
    var token: String
}

/// `docket person add [--series SLUG --role ROLE]` and `docket token issue`; throws when either fails.
func addSyncAccount(db: String, name: String, series: String?, role: String?) throws -> SyncAccount {
    var arguments = ["person", "add", "--db", db, "--name", name]
    if let series, let role { arguments += ["--series", series, "--role", role] }
    let added = try DocketBinary.run(arguments)
    let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    guard added.status == 0, !added.crashed, !id.isEmpty else { throw EndToEndError("person add \(name): \(added.stderr)") }
    let issued = try DocketBinary.run(["token", "issue", "--db", db, "--person", id, "--device", "sync-test"])
    let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    guard issued.status == 0, token.hasPrefix("dkt_") else { throw EndToEndError("token issue for \(name): \(issued.stderr)") }
    return SyncAccount(id: id, token: token)
}

/// `docket series create`; the new series' id.
func createSyncSeries(db: String, slug: String, visibility: String) throws -> String {
    let created = try DocketBinary.run(["series", "create", "--db", db, "--slug", slug, "--title", "Series \(slug)", "--visibility", visibility])
    let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    guard created.status == 0, !created.crashed, !id.isEmpty else { throw EndToEndError("series create \(slug): \(created.stderr)") }
    return id
}

/// Runs blocking work (child processes, sockets, waits) on a thread of its own and awaits it, so a long
/// end-to-end check never holds one of the few threads of Swift's cooperative pool that the in-process
/// tests running beside it need.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 4 << 20
        thread.start()
    }
}

/// Failed checks of work done off the test's task; the test records each as an issue afterwards.
final class Problems: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []

    func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        guard !condition else { return }
        let text = message()
        lock.lock()
        list.append(text)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return list
    }
}
