import DocketAPI
@testable import DocketClient
import DocketCore
import Foundation
import GRDB
import Testing

/// The replica alone: pages, the outbox, rebasing, identity.
@Suite struct ReplicaTests {
    static let series = "0193f1c2-0000-7000-8000-000000000001"
    static let me = PersonID(trusted: "0193f1c2-0000-7000-8000-00000000aaaa")
    static let at = Timestamp(milliseconds: 1_700_000_000_000)

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-replica-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func replica(_ name: String = "replica") throws -> Replica {
        let replica = try Replica(path: directory.appendingPathComponent("\(name).db").path, newClientID: ClientFixture.newClientID)
        try replica.login(serverURL: "http://127.0.0.1:1", token: "dkt_secret", personID: Self.me, newClientID: ClientFixture.newClientID)
        return replica
    }

    static func entity(_ type: String, _ id: String, _ version: Int64, _ fields: [(String, JSONValue)] = []) -> PulledEntity {
        PulledEntity(type: type, id: id, version: version, deleted: false, value: .object([("id", .string(id))] + fields))
    }

    static func page(_ changes: [PulledEntity], cursor: String, reset: Bool = false, last: Int64 = 0, more: Bool = false) -> PulledPage {
        PulledPage(summary: PageSummary(cursor: cursor, hasMore: more, reset: reset, lastMutationID: last), changes: changes)
    }

    static func suggestion(_ id: String, title: String) -> PulledEntity {
        entity("suggestion", id, 2, [("seriesID", .string(series)), ("title", .string(title)), ("status", "open"), ("volunteers", [])])
    }

    @Test func aResetDropsThePulledStateButKeepsAndReplaysTheOutbox() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let replica = try replica()
        let old = "0193f1c3-0000-7000-8000-000000000001", new = "0193f1c3-0000-7000-8000-000000000002"
        let mine = "0193f1c3-0000-7000-8000-000000000003"
        try replica.apply(
            Self.page([Self.entity("series", Self.series, 1, [("slug", "rg")]), Self.suggestion(old, title: "Old")], cursor: "c1"),
            replacing: true, at: Self.at)
        try replica.enqueue(
            name: "suggestion.create", args: ["id": .string(mine), "seriesID": .string(Self.series), "paper": ["title": "Mine"]], at: Self.at)
        try replica.enqueue(name: "suggestion.volunteer", args: ["id": .string(new), "note": "yes"], at: Self.at)

        // The reset's first page carries a different world, the second adds to it.
        try replica.apply(Self.page([Self.entity("series", Self.series, 7, [("slug", "rg")])], cursor: "r1", reset: true, more: true), replacing: true, at: Self.at)
        try replica.apply(Self.page([Self.suggestion(new, title: "New")], cursor: "r2"), replacing: false, at: Self.at)

        #expect(Set(try replica.pulledEntities().map(\.id)) == [Self.series, new])
        let suggestions = try replica.view("suggestion")
        #expect(Set(suggestions.map(\.id)) == [new, mine])
        #expect(suggestions.first { $0.id == mine }?.local == true)
        #expect(suggestions.first { $0.id == new }?.value["volunteers"] == [["personID": .string(Self.me.rawValue), "note": "yes"]])
        #expect(try replica.view("paper", id: mine)?.local == true)
        #expect(try replica.outbox().map(\.outcome) == [.pending, .pending])
        #expect(try replica.installation().cursor == "r2")
    }

    @Test func outcomesComeFromPushResultsDuplicatesAndPulls() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let replica = try replica()
        for index in 1...4 {
            try replica.enqueue(name: "ballot.set", args: ["seriesID": .string(Self.series), "ranking": []], at: Self.at.adding(milliseconds: Int64(index)))
        }
        let problem: JSONValue = ["code": "validation_failed", "detail": "no"]
        try replica.record(PushReply(lastMutationID: 2, results: [MutationReport(id: 1, outcome: .applied), MutationReport(id: 2, outcome: .rejected(problem: problem))]))
        // A pull says 3 and 4 were processed too (their push answer was lost).
        try replica.apply(Self.page([], cursor: "c", last: 4), replacing: false, at: Self.at)
        #expect(try replica.outbox().map(\.outcome) == [.applied, .rejected(problem: problem), .confirmedByPull, .confirmedByPull])
        // A resent push learns 3's real outcome from the duplicate's original; 1 keeps its push result.
        try replica.record(PushReply(lastMutationID: 4, results: [MutationReport(id: 1, outcome: .rejected(problem: problem)), MutationReport(id: 3, outcome: .rejected(problem: problem))]))
        #expect(try replica.outbox().map(\.outcome) == [.applied, .rejected(problem: problem), .rejected(problem: problem), .confirmedByPull])
        #expect(try replica.outboxSnapshot() == OutboxSnapshot(pending: [], highest: 4))
        try replica.requeue(after: 2)
        #expect(try replica.outboxSnapshot() == OutboxSnapshot(pending: [3, 4], highest: 4))
    }

    @Test func theFileIsPrivateAndOutboxIDsCannotSkip() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let replica = try replica()
        let attributes = try FileManager.default.attributesOfItem(atPath: replica.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        try replica.enqueue(name: "ballot.set", args: ["seriesID": .string(Self.series), "ranking": []], at: Self.at)
        let raw = try DatabaseQueue(path: replica.path)
        defer { try? raw.close() }
        #expect(throws: DatabaseError.self) {
            try raw.write { db in try db.execute(sql: "INSERT INTO outbox (id, name, args, at) VALUES (3, 'x', '{}', ?)", arguments: [Self.at.rfc3339]) }
        }
        #expect(try replica.outboxSnapshot().highest == 1)
    }

    @Test func theOutboxIsSyncedToDiskAtEveryCommit() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let replica = try replica()
        let synchronous = try replica.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2, "FULL, not the NORMAL GRDB sets with WAL")
    }

    @Test func loggingInElsewhereStartsANewInstallationOnlyWhenNothingIsPending() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let replica = try replica()
        let first = try replica.installation().clientID
        try replica.login(serverURL: "http://127.0.0.1:1", token: "dkt_other", personID: nil, newClientID: ClientFixture.newClientID)
        #expect(try replica.installation().clientID == first, "a new token for the same server keeps the installation")
        #expect(try replica.installation().personID == Self.me)
        try replica.enqueue(name: "ballot.set", args: ["seriesID": .string(Self.series), "ranking": []], at: Self.at)
        #expect(throws: ReplicaError.self) {
            try replica.login(serverURL: "http://127.0.0.1:2", token: "dkt_x", personID: nil, newClientID: ClientFixture.newClientID)
        }
        try replica.record(PushReply(lastMutationID: 1, results: [MutationReport(id: 1, outcome: .applied)]))
        try replica.login(serverURL: "http://127.0.0.1:2", token: "dkt_x", personID: nil, newClientID: ClientFixture.newClientID)
        let moved = try replica.installation()
        #expect(moved.clientID != first)
        #expect(moved.serverURL == "http://127.0.0.1:2")
        #expect(moved.personID == nil)
        #expect(try replica.outbox().isEmpty)
    }
}
