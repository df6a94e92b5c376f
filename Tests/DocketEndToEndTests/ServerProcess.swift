import Dispatch
import DocketTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something an end-to-end helper could not do (a server that never said it listens, a request that never ended).
struct EndToEndError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A fresh directory under the system's temporary folder, one per test; `remove()` it at the end.
struct TemporaryDirectory: Sendable {
    let url: URL

    init(_ label: String) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("docket-e2e-\(label)-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The names of the files in the directory, sorted.
    func entries() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Collects everything a child writes to one pipe, on its own thread, so the child never blocks on a full pipe.
final class OutputCollector: @unchecked Sendable {
    private let condition = NSCondition()
    private var buffer = Data()
    private var ended = false
    private let descriptor: Int32

    /// Collects from a pipe's read end, which it closes at the end.
    init(_ descriptor: Int32) {
        self.descriptor = descriptor
    }

    func start() {
        let descriptor = descriptor
        let thread = Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    close(descriptor)
                    break
                }
                condition.lock()
                buffer.append(contentsOf: chunk[0..<count])
                condition.broadcast()
                condition.unlock()
            }
            condition.lock()
            ended = true
            condition.broadcast()
            condition.unlock()
        }
        thread.start()
    }

    /// Everything read so far, as text.
    var text: String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Waits until `predicate` holds for the text read so far, the pipe ends, or `deadline` passes.
    @discardableResult
    func wait(until deadline: Date, for predicate: (String) -> Bool) -> String {
        condition.lock()
        defer { condition.unlock() }
        while true {
            let text = String(decoding: buffer, as: UTF8.self)
            if predicate(text) || ended || Date() >= deadline { return text }
            _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.2)))
        }
    }

    /// Waits (bounded) for the writer's end to close, so nothing written before exit is missed.
    func waitForEnd(timeout: TimeInterval) {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while !ended && Date() < deadline {
            _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.2)))
        }
    }
}

/// How a child process ended.
struct Termination: Sendable, Equatable {
    var status: Int32
    /// True when it ended by a signal rather than by exit.
    var crashed: Bool
    /// True when it did not stop in time and had to be killed with SIGKILL.
    var killed: Bool
}

/// A child process with both outputs collected, ended by signal with a bounded wait.
final class ChildProcess: @unchecked Sendable {
    let child: Spawned
    let stdout: OutputCollector
    let stderr: OutputCollector
    private let exited = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Termination?
    /// Set by the thread that reaps the child.
    private var ending: (status: Int32, signaled: Bool)?

    init(executable: URL, arguments: [String], environment: [String: String]) throws {
        child = try Spawned(executable: executable.path, arguments: arguments, environment: environment)
        stdout = OutputCollector(child.output)
        stderr = OutputCollector(child.errorOutput)
        stdout.start()
        stderr.start()
        let reaper = Thread { [self] in
            let ended = child.wait()
            lock.lock()
            ending = ended
            lock.unlock()
            exited.signal()
        }
        reaper.start()
    }

    var processIdentifier: pid_t { child.pid }

    var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return ending == nil
    }

    /// Waits up to `timeout` seconds for the process to end by itself; nil when it is still running.
    func waitForExit(timeout: TimeInterval) -> Termination? {
        lock.lock()
        if let result {
            lock.unlock()
            return result
        }
        lock.unlock()
        guard exited.wait(timeout: .now() + timeout) == .success else { return nil }
        exited.signal()  // later waits pass too
        lock.lock()
        let ended = Termination(status: ending?.status ?? -1, crashed: ending?.signaled ?? false, killed: false)
        result = result ?? ended
        let settled = result!
        lock.unlock()
        stdout.waitForEnd(timeout: 2)
        stderr.waitForEnd(timeout: 2)
        return settled
    }

    /// Sends `signal`, waits up to `timeout` seconds, then SIGKILLs; always returns with the process gone.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 10) -> Termination {
        if let done = waitForExit(timeout: 0) { return done }
        kill(child.pid, signal)
        if let done = waitForExit(timeout: timeout) { return done }
        kill(child.pid, SIGKILL)
        var done = waitForExit(timeout: 10) ?? Termination(status: SIGKILL, crashed: true, killed: true)
        done.killed = true
        lock.lock()
        result = done
        lock.unlock()
        return done
    }

    deinit {
        if isRunning { kill(child.pid, SIGKILL) }
    }
}

extension DocketBinary {
    /// Runs `docket` like `run`, but never waits longer than `timeout`: a process still running then is killed.
    static func runBounded(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 20) throws -> (
        outcome: Outcome, timedOut: Bool
    ) {
        let child = try ChildProcess(executable: url, arguments: arguments, environment: environment)
        var timedOut = false
        let ended: Termination
        if let done = child.waitForExit(timeout: timeout) {
            ended = done
        } else {
            timedOut = true
            ended = child.stop(signal: SIGKILL, timeout: 5)
        }
        return (Outcome(status: ended.status, stdout: child.stdout.text, stderr: child.stderr.text, crashed: ended.crashed), timedOut)
    }
}

/// One HTTP answer.
struct HTTPAnswer: Sendable {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object, or nil.
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
}

/// `docket serve --port 0` on one database file, for one test; always `stop()` it (use `defer`).
final class ServerProcess: @unchecked Sendable {
    let database: String
    let port: Int
    let baseURL: URL
    /// The lines printed on stdout up to and including the listening line.
    let startupLines: [String]
    private let child: ChildProcess
    private let session: URLSession

    /// Starts the server and waits (at most `startupTimeout` seconds) for its listening line.
    init(database: String, arguments: [String] = [], environment: [String: String] = [:], startupTimeout: TimeInterval = 15) throws {
        self.database = database
        child = try ChildProcess(
            executable: DocketBinary.url,
            arguments: ["serve", "--db", database, "--host", "127.0.0.1", "--port", "0"] + arguments,
            environment: environment)
        let deadline = Date().addingTimeInterval(startupTimeout)
        let text = child.stdout.wait(until: deadline) { text in
            guard let range = text.range(of: "docket listening on ") else { return false }
            return text[range.upperBound...].contains("\n")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let listening = lines.first(where: { $0.hasPrefix("docket listening on ") }),
            let port = ServerProcess.port(in: listening)
        else {
            let ended = child.stop(signal: SIGKILL, timeout: 5)
            throw EndToEndError(
                "docket serve did not print a listening line within \(startupTimeout) s (ended: \(ended)); stdout: \(child.stdout.text) stderr: \(child.stderr.text)"
            )
        }
        self.port = port
        startupLines = Array(lines.prefix { !$0.hasPrefix("docket listening on ") }) + [listening]
        baseURL = URL(string: "http://127.0.0.1:\(port)")!
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 15
        configuration.timeoutIntervalForResource = 20
        configuration.connectionProxyDictionary = [:]
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    /// The port in `docket listening on http://127.0.0.1:PORT (database PATH)`.
    static func port(in line: String) -> Int? {
        let prefix = "docket listening on http://127.0.0.1:"
        guard line.hasPrefix(prefix) else { return nil }
        let digits = line.dropFirst(prefix.count).prefix { $0.isNumber }
        return Int(digits).flatMap { $0 > 0 ? $0 : nil }
    }

    /// The listening line the server printed.
    var listeningLine: String { startupLines.last ?? "" }

    /// The token of a `--demo` start (`organizer token (shown once): dkt_...`), if printed.
    var demoToken: String? {
        let prefix = "organizer token (shown once): "
        return startupLines.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// Everything on stdout so far.
    var stdoutText: String { child.stdout.text }
    /// Everything on stderr (the log) so far.
    var stderrText: String { child.stderr.text }
    var isRunning: Bool { child.isRunning }

    /// Sends `signal` (SIGTERM unless told), waits `timeout` seconds, then SIGKILLs. Safe to call twice.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 10) -> Termination {
        session.invalidateAndCancel()
        return child.stop(signal: signal, timeout: timeout)
    }

    /// One HTTP request; waits at most `timeout` seconds.
    func request(
        _ method: String, _ path: String, token: String? = nil, json: [String: Any]? = nil, timeout: TimeInterval = 20
    ) throws -> HTTPAnswer {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { throw EndToEndError("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        final class Box: @unchecked Sendable {
            var answer: Result<HTTPAnswer, any Error> = .failure(EndToEndError("no answer"))
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                box.answer = .failure(error)
            } else if let response = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for (name, value) in response.allHeaderFields {
                    headers[String(describing: name).lowercased()] = String(describing: value)
                }
                box.answer = .success(HTTPAnswer(status: response.statusCode, headers: headers, body: data ?? Data()))
            }
            done.signal()
        }
        task.resume()
        guard done.wait(timeout: .now() + timeout) == .success else {
            task.cancel()
            throw EndToEndError("\(method) \(path) got no answer within \(timeout) s")
        }
        return try box.answer.get()
    }

    deinit {
        child.stop(signal: SIGKILL, timeout: 5)
    }
}

/// The `sqlite3` shell, when installed: a second opinion on a database file that does not go through Docket.
enum SQLiteShell {
    static let executable: URL? = {
        var candidates = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/opt/homebrew/bin/sqlite3"]
        if let path = ProcessInfo.processInfo.environment["PATH"] {
            candidates += path.split(separator: ":").map { "\($0)/sqlite3" }
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }.map { URL(fileURLWithPath: $0) }
    }()

    static var isAvailable: Bool { executable != nil }

    /// Runs `sql` on the file; the trimmed output, or nil when `sqlite3` is not installed. Throws when sqlite3 fails.
    static func query(_ database: String, _ sql: String) throws -> String? {
        guard let executable else { return nil }
        let child = try ChildProcess(executable: executable, arguments: ["-batch", database, sql], environment: [:])
        guard let ended = child.waitForExit(timeout: 30) else {
            child.stop(signal: SIGKILL)
            throw EndToEndError("sqlite3 \(database) did not finish")
        }
        guard ended.status == 0, !ended.crashed else {
            throw EndToEndError("sqlite3 \(database) \(sql) failed: \(child.stderr.text)")
        }
        return child.stdout.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
