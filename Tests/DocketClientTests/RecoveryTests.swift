import DocketAPI
import DocketClient
import DocketCore
import DocketStore
import Foundation
import Testing

/// Throttling, restores and live pokes against the real server.
@Suite struct RecoveryTests {
    static func newID() -> String { UUID().uuidString.lowercased() }

    static func suggestion(_ id: String, _ series: String, _ title: String) -> JSONValue {
        ["id": .string(id), "seriesID": .string(series), "paper": ["title": .string(title)]]
    }

    @Test(arguments: [(429, "7", Int64(7_000)), (503, "2", Int64(2_000))])
    func retryAfterIsWaitedExactly(status: Int, header: String, milliseconds: Int64) async throws {
        let fixture = try ClientFixture(members: 1)
        defer { fixture.remove() }
        try await fixture.live { server in
            let replica = try fixture.replica("laptop", member: fixture.members[0], server: server)
            try replica.enqueue(name: "suggestion.create", args: Self.suggestion(Self.newID(), fixture.seriesID, "Throttled"), at: ClientFixture.now())
            let sleeper = RecordingSleeper()
            let throttling = ThrottlingExchanger(NIOExchanger(server: server), status: status, retryAfter: header, count: 3)
            let engine = try ClientFixture.engine(replica, server: server, exchanger: throttling, sleeper: sleeper)
            let report = try await engine.sync()
            #expect(sleeper.waits == [milliseconds, milliseconds, milliseconds])
            #expect(report.waits == sleeper.waits)
            #expect(try replica.outbox().map(\.outcome) == [.applied])
        }
    }

    @Test func withoutRetryAfterTheWaitsGrowAndThenTheSyncGivesUpWithAMessage() async throws {
        let fixture = try ClientFixture(members: 1)
        defer { fixture.remove() }
        try await fixture.live { server in
            let replica = try fixture.replica("laptop", member: fixture.members[0], server: server)
            let sleeper = RecordingSleeper()
            let throttling = ThrottlingExchanger(NIOExchanger(server: server), status: 503, retryAfter: nil, count: 100)
            let settings = SyncSettings(baseDelayMilliseconds: 100, maxDelayMilliseconds: 1_000, maxAttempts: 6)
            let engine = try ClientFixture.engine(replica, server: server, exchanger: throttling, settings: settings, sleeper: sleeper)
            await #expect(throws: SyncStopError.self) { try await engine.sync() }
            let waits = sleeper.waits
            #expect(waits.count == 5)
            for (wait, cap) in zip(waits, [Int64(100), 200, 400, 800, 1_000]) { #expect(wait >= cap / 2 && wait <= cap, "\(waits)") }
        }
    }

    @Test func aRestoredServerGetsTheLostMutationsReplayedAndTheReplicaResets() async throws {
        let fixture = try ClientFixture(members: 1)
        defer { fixture.remove() }
        let member = fixture.members[0]
        let backup = fixture.directory.appendingPathComponent("backup.db").path
        let replicaPath = fixture.directory.appendingPathComponent("laptop.db").path
        let kept = Self.newID(), lost = Self.newID(), offline = Self.newID()
        try await fixture.live { server in
            let replica = try fixture.replica("laptop", member: member, server: server)
            let engine = try ClientFixture.engine(replica, server: server)
            try replica.enqueue(name: "suggestion.create", args: Self.suggestion(kept, fixture.seriesID, "Kept"), at: ClientFixture.now())
            try await engine.sync()
            try fixture.store.backup(to: backup)
            // Synced after the backup: the restore will lose it.
            try replica.enqueue(name: "suggestion.create", args: Self.suggestion(lost, fixture.seriesID, "Lost"), at: ClientFixture.now())
            try await engine.sync()
            #expect(try replica.outbox().map(\.outcome) == [.applied, .applied])
        }
        try Store.restore(path: fixture.databasePath, from: backup)
        let restored = try Store(path: fixture.databasePath)
        #expect(try restored.resolveSeries(fixture.slug, actor: .administrator) != nil)
        try await fixture.live(store: restored) { server in
            // The same server, restored (only the test's port changed, so the engine is pointed at it directly).
            let replica = try Replica(path: replicaPath, newClientID: ClientFixture.newClientID)
            // Made offline against the old server, still pending when the restore is noticed.
            try replica.enqueue(name: "suggestion.create", args: Self.suggestion(offline, fixture.seriesID, "Offline"), at: ClientFixture.now())
            let engine = try ClientFixture.engine(replica, server: server)
            try await engine.sync()
            #expect(try replica.outbox().map(\.outcome) == [.applied, .applied, .applied])
            let titles = try restored.values(of: .suggestion, actor: .administrator).compactMap { try JSONParser.parse($0)["title"]?.stringValue }
            #expect(titles.sorted() == ["Kept", "Lost", "Offline"], "the replay did not bring the lost mutation back exactly once")
            #expect(Set(try replica.view("suggestion").map(\.id)) == [kept, lost, offline])
            try await fixture.expectConverged(engine, replica, member, store: restored)
        }
    }

    @Test func watchPullsWhenAnotherDeviceChangesSomething() async throws {
        let fixture = try ClientFixture(members: 1)
        defer { fixture.remove() }
        let member = fixture.members[0]
        try await fixture.live { server in
            let watcher = try fixture.replica("watcher", member: member, server: server)
            let writer = try fixture.replica("writer", member: member, server: server)
            let watching = try ClientFixture.engine(watcher, server: server, settings: SyncSettings(maxAttempts: nil))
            let writing = try ClientFixture.engine(writer, server: server)
            let syncs = SyncCounter()
            let task = Task { try await watching.watch(pollMilliseconds: 60_000) { _ in syncs.add() } }
            defer { task.cancel() }
            // Wait (bounded) for the first sync, then change something elsewhere.
            for _ in 0..<100 where syncs.count == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(syncs.count >= 1)
            let id = Self.newID()
            try writer.enqueue(name: "suggestion.create", args: Self.suggestion(id, fixture.seriesID, "Poked"), at: ClientFixture.now())
            try await writing.sync()
            var seen = false
            for _ in 0..<100 where !seen {
                try await Task.sleep(for: .milliseconds(50))
                seen = try watcher.view("suggestion", id: id) != nil
            }
            #expect(seen, "the watcher did not pull the new suggestion within 5 s of the change")
            let cancelled = ContinuousClock.now
            task.cancel()
            let ended = await task.result
            if case .failure(let error) = ended { #expect(error is CancellationError, "watch ended with \(error)") }
            #expect(ContinuousClock.now - cancelled < .seconds(10), "watch (polling every 60 s) took \(ContinuousClock.now - cancelled) to stop")
        }
    }
}

/// Counts syncs reported by `watch`.
final class SyncCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    var count: Int { lock.withLock { value } }
    func add() { lock.withLock { value += 1 } }
}
