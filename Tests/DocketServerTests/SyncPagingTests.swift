import DocketCore
import DocketServer
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

// MARK: - Helpers

/// One POST over a `TestClient` connection of its own (the `.live` framework's client is one connection, used by one task).
private func post(_ connection: TestClient, _ uri: String, token: String, json: JSONValue) async throws -> BadInput.Reply {
    var headers: HTTPFields = [.contentType: "application/json"]
    headers[.authorization] = "Bearer \(token)"
    let response = try await connection.execute(
        TestClient.Request(uri, method: .post, authority: "127.0.0.1", headers: headers, body: ByteBuffer(string: json.jsonString)))
    let text = response.body.map { String(buffer: $0) } ?? ""
    let parsed = text.isEmpty ? JSONValue.null : ((try? JSONParser.parse(text)) ?? .null)
    return BadInput.Reply(status: response.status, text: text, json: parsed, headers: response.headers)
}

private func int(_ value: JSONValue?) -> Int64? {
    if case .int(let number)? = value { return number }
    return nil
}

/// One pull page's body.
private func pullBody(_ clientID: String, cursor: JSONValue, limit: JSONValue?) -> JSONValue {
    var body: JSONValue = ["protocol": 1, "clientID": .string(clientID), "cursor": cursor]
    if let limit { body = BadInput.edited(body, path: ["limit"], to: limit) }
    return body
}

/// A client's replica built from pull pages, with every check a page must pass recorded as a problem.
private struct Replica {
    /// `type:id` → (version, value).
    var entities: [String: (version: Int64, value: JSONValue)] = [:]
    /// The highest version any page carried.
    var lastVersion: Int64 = 0
    var pages = 0
    var problems: [String] = []

    /// Applies one page; `continuing` is false only for the first page of a sync from `cursor: null` (or a reset).
    mutating func apply(_ reply: BadInput.Reply, limit: Int, label: String) {
        pages += 1
        guard reply.status == .ok else {
            problems.append("\(label): HTTP \(reply.status.code) \(reply.text.prefix(300))")
            return
        }
        let changes = reply.json["changes"]?.arrayValue ?? []
        let hasMore = reply.json["hasMore"] == true
        if changes.count > limit { problems.append("\(label): \(changes.count) changes over the limit \(limit)") }
        if hasMore && changes.count != limit { problems.append("\(label): hasMore with \(changes.count) changes, limit \(limit)") }
        if hasMore {
            if let remaining = int(reply.json["remaining"]) {
                if remaining < 1 { problems.append("\(label): hasMore but remaining \(remaining)") }
            } else {
                problems.append("\(label): hasMore without remaining: \(reply.text.prefix(200))")
            }
        }
        if reply.json["cursor"]?.stringValue == nil { problems.append("\(label): no cursor") }
        var seen = Set<String>()
        var previous: Int64 = lastVersion
        for change in changes {
            guard let type = change["type"]?.stringValue, let id = change["id"]?.stringValue, let version = int(change["version"]) else {
                problems.append("\(label): a change without type, id or version: \(change.jsonString.prefix(200))")
                continue
            }
            let key = "\(type):\(id)"
            if !seen.insert(key).inserted { problems.append("\(label): \(key) twice in one page") }
            if version <= previous {
                problems.append("\(label): version \(version) of \(key) does not follow \(previous) (within or across pages)")
            }
            previous = max(previous, version)
            if change["deleted"] == true {
                entities[key] = nil
            } else if let value = change["value"], value != .null {
                entities[key] = (version, value)
            } else {
                problems.append("\(label): \(key) without a value")
            }
        }
        lastVersion = previous
    }
}

/// Sends one pull body and returns the reply (over whichever client the test uses).
private typealias PullSender = (JSONValue) async throws -> BadInput.Reply

/// Everything the token's person sees, from `cursor: null`, in pages of 5,000 (at most 20), as a new client.
private func freshState(_ send: PullSender) async throws -> Replica {
    var replica = Replica()
    var cursor: JSONValue = .null
    let clientID = UUID().uuidString.lowercased()
    for page in 0..<20 {
        let reply = try await send(pullBody(clientID, cursor: cursor, limit: 5000))
        replica.apply(reply, limit: 5000, label: "fresh page \(page)")
        cursor = reply.json["cursor"] ?? .null
        if reply.json["hasMore"] != true { return replica }
    }
    replica.problems.append("a fresh pull did not end within 20 pages")
    return replica
}

private func sameState(_ a: Replica, _ b: Replica) -> [String] {
    var differences: [String] = []
    for key in Set(a.entities.keys).union(b.entities.keys).sorted() {
        let left = a.entities[key], right = b.entities[key]
        switch (left, right) {
        case (nil, _?): differences.append("\(key): missing from the paged replica")
        case (_?, nil): differences.append("\(key): in the paged replica only")
        case (let l?, let r?) where l.version != r.version || l.value != r.value:
            differences.append("\(key): version \(l.version) vs \(r.version)\(l.value != r.value ? ", values differ" : "")")
        default: break
        }
    }
    return differences
}

/// The writer's progress, read by the readers.
private final class WriterLog: @unchecked Sendable {
    private let lock = NSLock()
    private var created: [String] = []
    private var finished = false
    private var failures: [String] = []

    func acknowledged(_ ids: [String]) { lock.withLock { created += ids } }
    func failed(_ text: String) { lock.withLock { failures.append(text) } }
    func finish() { lock.withLock { finished = true } }
    var snapshot: (created: [String], finished: Bool, failures: [String]) { lock.withLock { (created, finished, failures) } }
}

// MARK: - Tests

/// `POST /v1/sync/pull` paging (PROTOCOL section 3) and the cursor rulings of section 8.
@Suite struct SyncPagingTests {
    static let writerClient = "0193f1c2-0000-7000-8000-0000000fa001"

    /// The writer: the member pushes `pushes` batches, each of four suggestion.create, two suggestion.update (of earlier
    /// suggestions of theirs) and a ballot.set (ranking their newest suggestions), about 15 changes a push; every
    /// mutation must apply.
    private static func write(port: Int, token: String, series: String, pushes: Int, log: WriterLog) async throws {
        defer { log.finish() }
        try await TestClient.withClient(host: "127.0.0.1", port: port) { connection in
            var mine: [String] = []
            var next: Int64 = 1
            func mutation(_ name: String, _ args: JSONValue) -> JSONValue {
                defer { next += 1 }
                return BadInput.mutation(next, name, args)
            }
            for push in 0..<pushes {
                let created = (0..<4).map { _ in UUID().uuidString.lowercased() }
                var mutations: [JSONValue] = created.enumerated().map { index, id in
                    mutation(
                        "suggestion.create",
                        [
                            "id": .string(id), "seriesID": .string(series), "title": .string("Paged \(push).\(index)"),
                            "paper": ["title": .string("Paged paper \(push).\(index)"), "authors": ["Pia Pager"]],
                        ])
                }
                for edit in 0..<2 where !mine.isEmpty {
                    let earlier = mine[(push * 7 + edit * 13) % mine.count]
                    mutations.append(
                        mutation(
                            "suggestion.update",
                            ["id": .string(earlier), "baseVersion": 1, "set": ["title": .string("Paged, edited in push \(push).\(edit)")]]))
                }
                let ranking = (created + mine.suffix(3).reversed()).map { JSONValue.array([.string($0)]) }
                mutations.append(mutation("ballot.set", ["seriesID": .string(series), "ranking": .array(ranking)]))
                let reply = try await post(
                    connection, "/v1/sync/push", token: token,
                    json: ["protocol": 1, "clientID": .string(Self.writerClient), "mutations": .array(mutations)])
                let statuses = reply.json["results"]?.arrayValue?.map { $0["status"]?.stringValue ?? "?" } ?? []
                if reply.status != .ok || statuses != Array(repeating: "applied", count: mutations.count) {
                    log.failed("push \(push): HTTP \(reply.status.code) \(statuses) \(reply.text.prefix(400))")
                    break
                }
                mine += created
                log.acknowledged(created)
                try await Task.sleep(for: .milliseconds(40))
            }
        }
    }

    /// A reader: syncs again and again with `limit` 5 while the writer runs, checking every page; each sync must hold
    /// every suggestion whose creation was acknowledged before the sync began. After the writer stopped, the replica
    /// the pages built must equal a fresh `cursor: null` pull.
    private static func read(
        port: Int, token: String, who: String, store: Store, log: WriterLog
    ) async throws -> (problems: [String], pagesWhileWriting: Int, multiPageSyncsBegunWhileWriting: Int, pages: Int) {
        try await TestClient.withClient(host: "127.0.0.1", port: port) { connection in
            let clientID = UUID().uuidString.lowercased()
            let limit = 5
            var replica = Replica()
            var cursor: JSONValue = .null
            var pagesWhileWriting = 0, multiPageSyncsBegunWhileWriting = 0
            let deadline = ContinuousClock.now + .seconds(120)
            var finalRounds = 0
            while replica.pages < 5000 && ContinuousClock.now < deadline {
                let before = log.snapshot
                let versionBefore = try store.clock().version
                // One sync: pages until hasMore is false.
                var pagesThisSync = 0
                while replica.pages < 5000 {
                    // Paced to stay well below the per-token rate limit (200 requests/s), which is not under test here.
                    try await Task.sleep(for: .milliseconds(8))
                    let reply = try await post(connection, "/v1/sync/pull", token: token, json: pullBody(clientID, cursor: cursor, limit: .int(Int64(limit))))
                    replica.apply(reply, limit: limit, label: "\(who) page \(replica.pages + 1)")
                    if reply.json["reset"] != false { replica.problems.append("\(who) page \(replica.pages): reset is \(reply.json["reset"] ?? .null)") }
                    pagesThisSync += 1
                    if !log.snapshot.finished { pagesWhileWriting += 1 }
                    cursor = reply.json["cursor"] ?? .null
                    if reply.json["hasMore"] != true { break }
                }
                let lost = before.created.filter { replica.entities["suggestion:\($0)"] == nil }
                if !lost.isEmpty { replica.problems.append("\(who): a sync missed \(lost.count) acknowledged suggestions, e.g. \(lost.prefix(3))") }
                if !before.finished {
                    if pagesThisSync > 1 { multiPageSyncsBegunWhileWriting += 1 }
                    continue
                }
                // The writer had stopped before this sync began: compare with a fresh pull, when nothing (a standing
                // written by the housekeeping service) changed in between.
                let fresh = try await freshState { try await post(connection, "/v1/sync/pull", token: token, json: $0) }
                replica.problems += fresh.problems
                let versionAfter = try store.clock().version
                finalRounds += 1
                if versionAfter == versionBefore || finalRounds >= 10 {
                    let differences = sameState(replica, fresh)
                    if !differences.isEmpty {
                        replica.problems.append("\(who): the paged replica differs from a fresh pull in \(differences.count): \(differences.prefix(5))")
                    }
                    if versionAfter != versionBefore { replica.problems.append("\(who): the database never stood still for a comparison") }
                    return (replica.problems, pagesWhileWriting, multiPageSyncsBegunWhileWriting, replica.pages)
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            replica.problems.append("\(who): did not finish within 5,000 pages and 120 s")
            return (replica.problems, pagesWhileWriting, multiPageSyncsBegunWhileWriting, replica.pages)
        }
    }

    @Test func pagesUnderConcurrentWritesLoseNothingAndKeepVersionOrder() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let store = fixture.server.store
        let series = fixture.ids.series
        let member = fixture.token(.member), organizer = fixture.token(.organizer)
        // The writer is the member on another device (a token of its own, so reader and writer do not share a rate limit).
        let writerToken = try store.issueToken(person: fixture.server.member, device: "writer").secret
        try await fixture.server.application.test(.live) { client in
            let port = try #require(client.port)
            let log = WriterLog()
            async let writing: Void = Self.write(port: port, token: writerToken, series: series, pushes: 80, log: log)
            async let memberReader = Self.read(port: port, token: member, who: "member", store: store, log: log)
            async let organizerReader = Self.read(port: port, token: organizer, who: "organizer", store: store, log: log)
            try await writing
            let results = try await [memberReader, organizerReader]
            let written = log.snapshot
            #expect(written.failures.isEmpty, "the writer failed: \(written.failures)")
            #expect(written.created.count == 320, "the writer made \(written.created.count) of 320 suggestions")
            for (who, result) in zip(["member", "organizer"], results) {
                #expect(result.problems.isEmpty, "\(who): \(result.problems.count) problems: \(result.problems.prefix(8))")
                // The test is about paging while writes go on: it must have happened.
                #expect(result.pagesWhileWriting >= 30, "\(who): only \(result.pagesWhileWriting) pages were pulled while the writer wrote")
                #expect(result.multiPageSyncsBegunWhileWriting >= 3, "\(who): only \(result.multiPageSyncsBegunWhileWriting) syncs of several pages began while the writer wrote")
            }
        }
    }

    @Test func malformedCursorsAreBadRequests() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let clientID = "0193f1c2-0000-7000-8000-0000000fa002"
        try await fixture.server.application.test(.router) { client in
            let token = fixture.token(.member)
            let first = try await BadInput.send(client, .post, "/v1/sync/pull", token: token, json: pullBody(clientID, cursor: .null, limit: 2))
            let cursor = try #require(first.json["cursor"]?.stringValue, "\(first.text.prefix(300))")
            let before = try fixture.server.store.clock().version
            let bad = [
                "not-a-cursor", cursor + "!", "!" + cursor, String(cursor.reversed()), " " + cursor, cursor + " ", "{\"version\":1}", "null",
                "0", String(repeating: "A", count: 200), cursor + cursor,
            ]
            for text in bad where text != cursor {
                let reply = try await BadInput.send(client, .post, "/v1/sync/pull", token: token, json: pullBody(clientID, cursor: .string(text), limit: 2))
                BadInput.expectProblem(reply, .badRequest, "bad_request")
                #expect(reply.json["changes"] == nil, "a 400 carries no changes")
            }
            #expect(try fixture.server.store.clock().version == before)
            // The real cursor still works, without a reset.
            let again = try await BadInput.send(client, .post, "/v1/sync/pull", token: token, json: pullBody(clientID, cursor: .string(cursor), limit: 2))
            #expect(again.status == .ok && again.json["reset"] == false, "\(again.text.prefix(300))")
        }
    }

    /// Follows a reset from `cursor` with `limit` 3: the first page alone says reset, the pages together are the full
    /// state (equal to a fresh pull), and the cursor they end with then works without a reset.
    private static func expectResetPaging(
        _ client: some TestClientProtocol, token: String, from cursor: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let clientID = UUID().uuidString.lowercased()
        var replica = Replica()
        var next: JSONValue = .string(cursor)
        var resets: [Bool] = []
        for page in 0..<200 {
            let reply = try await BadInput.send(client, .post, "/v1/sync/pull", token: token, json: pullBody(clientID, cursor: next, limit: 3))
            if page == 0 {
                // A reset replaces the replica: it starts from nothing.
                replica = Replica()
            }
            replica.apply(reply, limit: 3, label: "\(what) page \(page)")
            resets.append(reply.json["reset"] == true)
            #expect(reply.json["reset"] == true || reply.json["reset"] == false, "\(what): reset must be a boolean: \(reply.text.prefix(200))", sourceLocation: sourceLocation)
            next = reply.json["cursor"] ?? .null
            if reply.json["hasMore"] != true { break }
        }
        #expect(resets.count >= 2, "\(what): the reset fit one page; the fixture should need several at limit 3", sourceLocation: sourceLocation)
        #expect(resets.first == true, "\(what): the first page does not say reset", sourceLocation: sourceLocation)
        #expect(resets.dropFirst().allSatisfy { !$0 }, "\(what): later pages of a reset say reset: \(resets)", sourceLocation: sourceLocation)
        #expect(replica.problems.isEmpty, "\(what): \(replica.problems.prefix(5))", sourceLocation: sourceLocation)
        let fresh = try await freshState { try await BadInput.send(client, .post, "/v1/sync/pull", token: token, json: $0) }
        #expect(fresh.problems.isEmpty, "\(what): \(fresh.problems.prefix(5))", sourceLocation: sourceLocation)
        let differences = sameState(replica, fresh)
        #expect(differences.isEmpty, "\(what): the reset pages differ from a fresh pull: \(differences.prefix(5))", sourceLocation: sourceLocation)
        let after = try await BadInput.send(client, .post, "/v1/sync/pull", token: token, json: pullBody(clientID, cursor: next, limit: 3))
        #expect(after.status == .ok && after.json["reset"] == false, "\(what): the cursor after the reset resets again: \(after.text.prefix(200))", sourceLocation: sourceLocation)
    }

    @Test func aCursorOfAnotherDatabaseResetsAndOnlyTheFirstPageSaysSo() async throws {
        let here = try BadInputFixture()
        let elsewhere = try BadInputFixture()
        defer { here.server.remove(); elsewhere.server.remove() }
        #expect(try here.server.store.clock().databaseID != elsewhere.server.store.clock().databaseID)
        // A genuine cursor, issued by the other database (with the same series and ids, but another identity).
        let foreign = try await elsewhere.server.application.test(.router) { client in
            let reply = try await BadInput.send(
                client, .post, "/v1/sync/pull", token: elsewhere.token(.member), json: pullBody(UUID().uuidString.lowercased(), cursor: .null, limit: 5000))
            return try #require(reply.json["cursor"]?.stringValue)
        }
        try await here.server.application.test(.router) { client in
            try await Self.expectResetPaging(client, token: here.token(.member), from: foreign, "another database's cursor")
        }
    }

    @Test func aCursorAheadOfTheDatabaseResetsAndOnlyTheFirstPageSaysSo() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        // A backup now; then more writes; then a cursor from after them.
        let copy = fixture.server.directory.appendingPathComponent("copied-back.db").path
        try fixture.server.store.backup(to: copy)
        let clientID = "0193f1c2-0000-7000-8000-0000000fa003"
        let ahead = try await fixture.server.application.test(.router) { client in
            let token = fixture.token(.member)
            let created = try await BadInput.push(
                client, token: token, clientID: clientID,
                (1...3).map { n in
                    BadInput.mutation(
                        Int64(n), "suggestion.create",
                        [
                            "id": .string(UUID().uuidString.lowercased()), "seriesID": .string(fixture.ids.series), "title": .string("After the backup \(n)"),
                            "paper": ["title": .string("After-backup paper \(n)")],
                        ])
                })
            #expect(created.status == .ok)
            let reply = try await BadInput.send(client, .post, "/v1/sync/pull", token: token, json: pullBody(clientID, cursor: .null, limit: 5000))
            #expect(reply.json["hasMore"] == false)
            return try #require(reply.json["cursor"]?.stringValue)
        }
        // The backup copied back as the live file (no restore command, so the same identity) is behind that cursor.
        let restored = try Store(path: copy)
        #expect(try restored.clock().databaseID == fixture.server.store.clock().databaseID, "a copied file keeps its identity")
        #expect(try restored.clock().version < fixture.server.store.clock().version)
        let app = testApplication(restored)
        try await app.test(.router) { client in
            try await Self.expectResetPaging(client, token: fixture.token(.member), from: ahead, "a cursor ahead of the database")
        }
    }

    /// `limit` is clamped to 1...5,000 (section 8) and defaults to 500 (section 3): checked against 5,100 visible changes.
    @Test func limitsAreClampedToOneThroughFiveThousand() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let admin = fixture.token(.admin)
        let clientID = "0193f1c2-0000-7000-8000-0000000fa004"
        try await fixture.server.application.test(.router) { client in
            var next: Int64 = 1
            for _ in 0..<6 {
                let batch = (0..<850).map { n -> JSONValue in
                    defer { next += 1 }
                    return BadInput.mutation(
                        next, "paper.create", ["id": .string(UUID().uuidString.lowercased()), "title": .string("Clamp paper \(n)"), "authors": ["Cy Clamp"]])
                }
                let reply = try await BadInput.push(client, token: admin, clientID: clientID, batch)
                let applied = reply.json["results"]?.arrayValue?.filter { $0["status"] == "applied" }.count
                #expect(reply.status == .ok && applied == batch.count, "seeding papers: \(reply.text.prefix(300))")
            }
            let everything = try await freshState { try await BadInput.send(client, .post, "/v1/sync/pull", token: admin, json: $0) }
            #expect(everything.problems.isEmpty, "\(everything.problems.prefix(5))")
            let visible = everything.entities.count
            #expect(visible > 5000, "the admin sees \(visible) entities; the clamp needs more than 5,000")
            let cases: [(JSONValue?, Int)] = [
                (0, 1), (-5, 1), (.int(Int64.min), 1), (1, 1), (2, 2), (5000, 5000), (5001, 5000), (1_000_000, 5000), (.int(Int64.max), 5000),
                (nil, 500),
            ]
            for (limit, expected) in cases {
                let reply = try await BadInput.send(client, .post, "/v1/sync/pull", token: admin, json: pullBody(clientID, cursor: .null, limit: limit))
                let count = reply.json["changes"]?.arrayValue?.count
                #expect(reply.status == .ok && count == expected, "limit \(limit?.jsonString ?? "absent"): \(count ?? -1) changes, expected \(expected)")
                #expect(reply.json["hasMore"] == true, "limit \(limit?.jsonString ?? "absent"): hasMore")
                #expect((int(reply.json["remaining"]) ?? 0) >= Int64(visible - expected), "limit \(limit?.jsonString ?? "absent"): remaining \(reply.json["remaining"] ?? .null)")
            }
        }
    }
}
