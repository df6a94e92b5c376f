import DocketStore
import Dispatch
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An integer from JSONSerialization's output, however it was bridged.
private func int64(_ value: Any?) -> Int64? {
    if let value = value as? Int { return Int64(value) }
    if let value = value as? Int64 { return value }
    if let value = value as? NSNumber { return value.int64Value }
    return nil
}

/// One sync client of the crash test: a fixed queue of mutations and what it learnt from the server.
///
/// Mutation `n` creates a suggestion with a client-chosen id and a new paper (no DOI or arXiv id, so the
/// server makes a new paper row each time it applies one: applying a mutation twice would show as two
/// papers of the same title). Every fifth mutation has a 301-character title and must be rejected.
private final class CrashClient: @unchecked Sendable {
    let index: Int
    let clientID = UUID().uuidString.lowercased()
    let token: String
    let suggestionIDs: [String]
    let seriesID: String
    static let queueLength: Int64 = 900  // below the 1,000 results the server must remember

    /// The outcome the client received for each mutation id (a duplicate's `original.status`).
    private(set) var received: [Int64: String] = [:]
    /// The highest id whose result the client received; everything up to it is known.
    private(set) var receivedThrough: Int64 = 0
    /// The ids of the last push whose answer never came (nil when the last push was answered).
    private(set) var unanswered: ClosedRange<Int64>?
    /// Why the client stopped (a failed request, normally the server dying), or nil.
    private(set) var failure: String?
    /// Answers that were not 200 or did not match the batch (never expected).
    private(set) var surprises: [String] = []
    private(set) var batches = 0

    init(index: Int, token: String, seriesID: String) {
        self.index = index
        self.token = token
        self.seriesID = seriesID
        suggestionIDs = (1...Self.queueLength).map { _ in UUID().uuidString.lowercased() }
    }

    static func isValid(_ id: Int64) -> Bool { id % 5 != 0 }
    func title(_ id: Int64) -> String { Self.isValid(id) ? "Crash c\(index) m\(id)" : String(repeating: "x", count: 301) }
    func paperTitle(_ id: Int64) -> String { "Crash paper c\(index) m\(id)" }
    func suggestionID(_ id: Int64) -> String { suggestionIDs[Int(id - 1)] }

    /// Mutation `id`, the same every time it is sent.
    func mutation(_ id: Int64) -> [String: Any] {
        [
            "id": id, "name": "suggestion.create", "at": "2026-11-25T10:00:00.000Z",
            "args": [
                "id": suggestionID(id), "seriesID": seriesID, "title": title(id), "pitch": "Crash test \(id).",
                "paper": ["title": paperTitle(id), "authors": ["Cy Crash"]],
            ] as [String: Any],
        ]
    }

    func pushBody(_ ids: ClosedRange<Int64>) -> [String: Any] {
        ["protocol": 1, "clientID": clientID, "mutations": ids.map { mutation($0) }]
    }

    /// Pushes the batch a crash left unanswered, then batches of 1 to 6 mutations from the first one without a
    /// received result, over one connection,
    /// until a request fails, `maxBatches` were sent, the queue is empty or `deadline` passes.
    func run(port: Int, maxBatches: Int, deadline: Date, progress: LoadProgress) {
        failure = nil
        let connection: RawHTTPConnection
        do {
            connection = try RawHTTPConnection(port: port, timeout: 20)
        } catch {
            failure = "connect: \(error)"
            return
        }
        defer { connection.close() }
        var sent = 0
        while sent < maxBatches && Date() < deadline && receivedThrough < Self.queueLength {
            let size = Int64((batches * 7 + index) % 6 + 1)
            // A batch left unanswered by a crash goes again whole: the server may have applied all of it, and
            // then answers with its lastMutationID, which a smaller batch would not end at.
            let ids = unanswered ?? (receivedThrough + 1)...min(receivedThrough + size, Self.queueLength)
            unanswered = ids
            batches += 1
            sent += 1
            let answer: HTTPAnswer
            do {
                answer = try connection.request(method: "POST", path: "/v1/sync/push", token: token, json: pushBody(ids))
            } catch {
                failure = "push \(ids): \(error)"
                return
            }
            let results = (answer.json?["results"] as? [[String: Any]]) ?? []
            guard answer.status == 200, results.count == ids.count, int64(answer.json?["lastMutationID"]) == ids.upperBound else {
                surprises.append("push \(ids): HTTP \(answer.status) \(answer.text.prefix(300))")
                failure = "unexpected answer"
                return
            }
            for result in results {
                guard let id = int64(result["id"]), var status = result["status"] as? String else {
                    surprises.append("push \(ids): a result without id or status: \(result)")
                    continue
                }
                if status == "duplicate" { status = ((result["original"] as? [String: Any])?["status"] as? String) ?? "duplicate without original" }
                received[id] = status
            }
            receivedThrough = ids.upperBound
            unanswered = nil
            progress.add(ids.count)
        }
    }
}

/// How many mutations' results the clients of one round have received, shared with the test's thread.
private final class LoadProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var finished = 0

    func add(_ mutations: Int) {
        lock.lock()
        count += mutations
        lock.unlock()
    }

    func clientFinished() {
        lock.lock()
        finished += 1
        lock.unlock()
    }

    var snapshot: (received: Int, finished: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (count, finished)
    }
}

/// A real `docket serve`, SIGKILLed while several clients push, restarted on the same file (PROTOCOL section 2:
/// "A mutation that is acknowledged ... is durable: a crash after the response loses none of it, and a replayed
/// push never applies it twice").
@Suite struct CrashTests {
    /// Everything one person sees, paged from `cursor: null` (bounded to 50 pages of 5,000).
    private static func fullState(_ server: ServerProcess, token: String) throws -> (suggestions: [String: String], papers: [String: Int]) {
        let clientID = UUID().uuidString.lowercased()
        var cursor: Any = NSNull()
        var suggestions: [String: String] = [:]
        var papers: [String: Int] = [:]
        for _ in 0..<50 {
            let page = try server.request(
                "POST", "/v1/sync/pull", token: token, json: ["protocol": 1, "clientID": clientID, "cursor": cursor, "limit": 5000], timeout: 60)
            guard page.status == 200, let json = page.json else { throw EndToEndError("pull: HTTP \(page.status) \(page.text.prefix(300))") }
            for change in (json["changes"] as? [[String: Any]]) ?? [] {
                let value = change["value"] as? [String: Any]
                switch change["type"] as? String {
                case "suggestion": suggestions[change["id"] as? String ?? "?"] = value?["title"] as? String ?? "?"
                case "paper": papers[value?["title"] as? String ?? "?", default: 0] += 1
                default: break
                }
            }
            cursor = json["cursor"] ?? NSNull()
            if (json["hasMore"] as? Bool) != true { return (suggestions, papers) }
        }
        throw EndToEndError("pull did not finish within 50 pages")
    }

    /// The client's `lastMutationID` as a pull reports it.
    private static func lastMutationID(_ server: ServerProcess, _ client: CrashClient) throws -> Int64 {
        let page = try server.request(
            "POST", "/v1/sync/pull", token: client.token, json: ["protocol": 1, "clientID": client.clientID, "cursor": NSNull(), "limit": 1])
        guard page.status == 200, let last = int64(page.json?["lastMutationID"]) else {
            throw EndToEndError("pull for client \(client.index): HTTP \(page.status) \(page.text.prefix(300))")
        }
        return last
    }

    /// After a restart: each client's lastMutationID ends a batch it sent, every received result is in the
    /// database exactly as received, everything processed is there once and nothing else is; the file is sound.
    /// Returns each client's lastMutationID.
    private static func verifyAfterRestart(_ server: ServerProcess, _ clients: [CrashClient], db: String, label: String, _ problems: Problems) throws -> [Int64] {
        let state = try fullState(server, token: clients[0].token)
        var lasts: [Int64] = []
        var expectedSuggestions = 0
        for client in clients {
            let last = try lastMutationID(server, client)
            lasts.append(last)
            let known = client.receivedThrough
            // A push is one transaction: the unanswered batch is there whole or not at all.
            let whole = client.unanswered.map { last == $0.upperBound } ?? false
            problems.check(
                last == known || whole,
                "\(label), client \(client.index): lastMutationID \(last), results received through \(known), unanswered \(String(describing: client.unanswered))"
            )
            let sentThrough = max(known, client.unanswered?.upperBound ?? 0)
            var missing: [Int64] = [], twice: [Int64] = [], extra: [Int64] = [], wrongStatus: [Int64] = []
            for id in 1...max(1, sentThrough) where id <= sentThrough {
                let processed = id <= last
                let valid = CrashClient.isValid(id)
                if let status = client.received[id], status != (valid ? "applied" : "rejected") { wrongStatus.append(id) }
                let title = state.suggestions[client.suggestionID(id)]
                let papers = state.papers[client.paperTitle(id)] ?? 0
                if processed && valid {
                    expectedSuggestions += 1
                    if title != client.title(id) || papers == 0 { missing.append(id) }
                    if papers > 1 { twice.append(id) }
                } else if title != nil || papers != 0 {
                    extra.append(id)
                }
            }
            problems.check(missing.isEmpty, "\(label), client \(client.index): processed mutations missing after the crash: \(missing)")
            problems.check(twice.isEmpty, "\(label), client \(client.index): mutations applied twice: \(twice)")
            problems.check(extra.isEmpty, "\(label), client \(client.index): rejected or unprocessed mutations present: \(extra)")
            problems.check(wrongStatus.isEmpty, "\(label), client \(client.index): unexpected statuses for \(wrongStatus)")
            problems.check(client.surprises.isEmpty, "\(label), client \(client.index): \(client.surprises)")
        }
        problems.check(state.suggestions.count == expectedSuggestions, "\(label): \(state.suggestions.count) suggestions, expected \(expectedSuggestions)")
        let crashPapers = state.papers.filter { $0.key.hasPrefix("Crash paper ") }
        problems.check(crashPapers.values.reduce(0, +) == expectedSuggestions, "\(label): \(crashPapers.values.reduce(0, +)) papers, expected \(expectedSuggestions)")
        let check = try Store(path: db).integrityCheck()
        problems.check(check == "ok", "\(label): integrity_check: \(check)")
        return lasts
    }

    @Test func acknowledgedPushesSurviveSIGKILLMidLoad() async throws {
        let problems = Problems()
        try await offThePool { try Self.scenario(problems) }
        for problem in problems.all { Issue.record(Comment(rawValue: problem)) }
    }

    /// The whole run, on a thread of its own; failed checks go to `problems`.
    private static func scenario(_ problems: Problems) throws {
        let dir = try TemporaryDirectory("crash")
        defer { dir.remove() }
        let db = dir.path("docket.db")
        let seriesID = try createSyncSeries(db: db, slug: "crash", visibility: "members")
        let people = try (1...3).map { try addSyncAccount(db: db, name: "Crash Member \($0)", series: "crash", role: "member") }
        // Four clients; the first person has two devices (each client has a token of its own).
        let secondDevice = try DocketBinary.run(["token", "issue", "--db", db, "--person", people[0].id, "--device", "second"])
        let secondToken = secondDevice.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        problems.check(secondDevice.status == 0 && secondToken.hasPrefix("dkt_"), "token issue: \(secondDevice.stderr)")
        let tokens = people.map(\.token) + [secondToken]
        let clients = (0..<4).map { CrashClient(index: $0, token: tokens[$0], seriesID: seriesID) }

        for round in 1...2 {
            let server = try ServerProcess(database: db)
            defer { server.stop(signal: SIGKILL) }
            if round > 1 { _ = try verifyAfterRestart(server, clients, db: db, label: "after crash \(round - 1)", problems) }

            // Load: every client pushes over its own connection (resending first whatever was left unanswered).
            let progress = LoadProgress()
            let done = DispatchGroup()
            let deadline = Date().addingTimeInterval(60)
            for client in clients {
                done.enter()
                let port = server.port
                Thread {
                    client.run(port: port, maxBatches: 120, deadline: deadline, progress: progress)
                    progress.clientFinished()
                    done.leave()
                }.start()
            }
            // Kill once the load is well under way (at least 100 results received and half a second in), bounded by 30 s.
            let started = Date()
            while Date().timeIntervalSince(started) < 30 {
                let now = progress.snapshot
                if now.finished > 0 || (now.received >= 100 && Date().timeIntervalSince(started) >= 0.5) { break }
                Thread.sleep(forTimeInterval: 0.01)
            }
            let atKill = progress.snapshot
            let ended = server.stop(signal: SIGKILL)
            problems.check(ended.crashed || ended.killed, "round \(round): the server did not die by SIGKILL: \(ended)")
            problems.check(done.wait(timeout: .now() + 30) == .success, "round \(round): the clients did not stop within 30 s of the kill")
            problems.check(atKill.finished == 0, "round \(round): a client had finished before the kill; the load was not under way")
            problems.check(atKill.received >= 100, "round \(round): only \(atKill.received) results before the kill (within 30 s)")
            for client in clients {
                problems.check(client.failure != nil, "round \(round), client \(client.index): its pushes did not fail when the server died")
            }
        }

        // The last restart: check everything, then replay every processed mutation: all duplicates, nothing applied again.
        let server = try ServerProcess(database: db)
        defer { server.stop(signal: SIGKILL) }
        let lasts = try verifyAfterRestart(server, clients, db: db, label: "after crash 2", problems)
        for (client, last) in zip(clients, lasts) where last > 0 {
            var start: Int64 = 1
            while start <= last {
                let ids = start...min(start + 99, last)
                let answer = try server.request("POST", "/v1/sync/push", token: client.token, json: client.pushBody(ids), timeout: 60)
                problems.check(answer.status == 200, "replay \(ids): HTTP \(answer.status) \(answer.text.prefix(300))")
                problems.check(int64(answer.json?["lastMutationID"]) == last, "replay \(ids): lastMutationID moved: \(answer.text.prefix(200))")
                let results = (answer.json?["results"] as? [[String: Any]]) ?? []
                problems.check(results.count == ids.count, "replay \(ids): \(results.count) results")
                for result in results {
                    let id = int64(result["id"]) ?? -1
                    problems.check(result["status"] as? String == "duplicate", "client \(client.index), replayed \(id): \(result)")
                    let original = (result["original"] as? [String: Any])?["status"] as? String
                    problems.check(original == (CrashClient.isValid(id) ? "applied" : "rejected"), "client \(client.index), replayed \(id): original \(String(describing: original))")
                }
                start = ids.upperBound + 1
            }
        }
        let afterReplay = try verifyAfterRestart(server, clients, db: db, label: "after the replay", problems)
        problems.check(afterReplay == lasts, "a replay changed lastMutationID: \(lasts) → \(afterReplay)")

        // Each queue goes on where the server left it.
        for (client, last) in zip(clients, lasts) where last < CrashClient.queueLength {
            let next = last + 1
            let answer = try server.request("POST", "/v1/sync/push", token: client.token, json: client.pushBody(next...next))
            let result = ((answer.json?["results"] as? [[String: Any]]) ?? []).first
            problems.check(answer.status == 200 && int64(answer.json?["lastMutationID"]) == next, "client \(client.index), next push: \(answer.text.prefix(300))")
            problems.check(result?["status"] as? String == (CrashClient.isValid(next) ? "applied" : "rejected"), "client \(client.index): \(String(describing: result))")
        }

        let stopped = server.stop(signal: SIGTERM)
        problems.check(!stopped.killed && stopped.status == 0, "serve did not stop gracefully: \(stopped)")
        let check = try Store(path: db).integrityCheck()
        problems.check(check == "ok", "integrity_check after the final stop: \(check)")
    }
}
