import DocketStore
import Foundation
import Testing

@Suite struct MigrationTests {
    /// A database left at every earlier migration upgrades to the current schema and works.
    @Test(arguments: Store.migrationNames)
    func upgradesFromEveryEarlierMigration(_ name: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("old.db").path
        try Store.migrate(path: path, upTo: name)
        let store = try Store(path: path)
        #expect(try store.appliedMigrations() == Store.migrationNames)
        #expect(try store.integrityCheck() == "ok")
        try store.run(
            "series.create",
            ["id": .string(newID()), "slug": "after-upgrade", "title": "Works after the upgrade",
             "cadence": ["rrule": "FREQ=WEEKLY", "startDate": "2026-01-06", "startTime": "15:00"]])
    }

    @Test func theDatabaseIsInWALModeWithAnIdentity() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(try fixture.store.journalMode() == "wal")
        #expect(try fixture.store.synchronous() == 2, "FULL: a commit is on disk before it is acknowledged")
        #expect(try fixture.store.clock().databaseID.count == 36)
    }

    @Test func theDemoSeminarLoadsThroughTheMutationHandlersOnce() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let first = try fixture.store.loadDemo()
        #expect(first.loaded)
        let second = try fixture.store.loadDemo()
        #expect(!second.loaded)
        #expect(first.token != second.token)
        let organizer = try #require(try fixture.store.authenticate(secret: second.token))
        let series = try #require(try fixture.store.resolveSeries("ml-seminar", actor: organizer))
        let episodes = try fixture.store.values(of: .episode, inSeries: series, actor: organizer).map { try JSONParserHelper.parse($0) }
        #expect(episodes.count == 15)
        #expect(episodes.map { $0["number"] } == (1...15).map { .int(Int64($0)) })
        #expect(episodes[0]["startsAt"] == "2020-03-24T14:00:00.000Z", "CET before the spring change")
        #expect(episodes[1]["startsAt"] == "2020-03-31T13:00:00.000Z", "CEST after it, one week later")
        #expect(episodes[14]["status"] == "scheduled")
        let eleven = episodes[10]["relatedEpisodeIDs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let numbers = eleven.compactMap { id in episodes.first { $0["id"] == .string(id) }?["number"] }
        #expect(Set(numbers) == [3, 4, 7, 9])
        #expect(try fixture.store.integrityCheck() == "ok")
    }
}

import DocketCore

enum JSONParserHelper {
    static func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }
}
