import DocketCore
import DocketStore
import Foundation
import Testing

@Suite struct PullTests {
    /// Applies pages to a replica the way a client does: later states replace earlier ones.
    func apply(_ page: PullPage, to replica: inout [String: String]) {
        if page.reset { replica.removeAll() }
        for change in page.changes {
            let key = "\(change.type):\(change.id)"
            if change.deleted { replica[key] = nil } else { replica[key] = change.value }
        }
    }

    func fullState(_ fixture: StoreFixture, _ actor: Principal) throws -> [String: String] {
        var replica: [String: String] = [:]
        let page = try fixture.store.pull(actor: actor, clientID: ClientID(newID())!, cursor: nil, limit: 5000)
        #expect(!page.hasMore)
        apply(page, to: &replica)
        return replica
    }

    @Test func pagesNeverLoseAChangeWhileWritesGoOn() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var ids: [String] = []
        for index in 0..<30 {
            let id = newID()
            ids.append(id)
            try fixture.store.run("suggestion.create", suggestionArgs(id, series: fixture.series, title: "Paper \(index)"), as: fixture.member)
        }
        let client = ClientID(newID())!
        var replica: [String: String] = [:]
        var cursor: String?
        var pages = 0
        var lastVersion: Int64 = 0
        repeat {
            let page = try fixture.store.pull(actor: fixture.member, clientID: client, cursor: cursor, limit: 7)
            apply(page, to: &replica)
            for change in page.changes {
                #expect(change.version > lastVersion, "changes arrive in version order")
                lastVersion = change.version
            }
            #expect(Set(page.changes.map { "\($0.type):\($0.id)" }).count == page.changes.count, "each entity at most once per page")
            cursor = page.cursor
            pages += 1
            // Writes between pages: one already pulled, one not yet, one new.
            if pages < 6 {
                try fixture.store.run("suggestion.withdraw", ["id": .string(ids[pages])], as: fixture.member)
                try fixture.store.run("suggestion.withdraw", ["id": .string(ids[29 - pages])], as: fixture.member)
                try fixture.store.run("suggestion.create", suggestionArgs(newID(), series: fixture.series, title: "New \(pages)"), as: fixture.member)
            }
            if !page.hasMore { break }
            #expect(page.remaining ?? 0 > 0)
        } while pages < 100
        let final = try fixture.store.pull(actor: fixture.member, clientID: client, cursor: cursor, limit: 7)
        apply(final, to: &replica)
        #expect(replica == (try fullState(fixture, fixture.member)))
        #expect(pages > 4)
    }

    @Test func anEmptyDeltaKeepsTheCursor() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let client = ClientID(newID())!
        let first = try fixture.store.pull(actor: fixture.member, clientID: client, cursor: nil, limit: nil)
        let second = try fixture.store.pull(actor: fixture.member, clientID: client, cursor: first.cursor, limit: nil)
        #expect(second.changes.isEmpty)
        #expect(!second.hasMore && !second.reset)
        #expect(second.cursor == first.cursor)
    }

    @Test func membersOnlySeriesAreInvisibleToOutsiders() throws {
        let fixture = try StoreFixture(visibility: "members")
        defer { fixture.remove() }
        try fixture.store.run("suggestion.create", suggestionArgs(newID(), series: fixture.series), as: fixture.member)
        let outsider = try fixture.store.pull(actor: fixture.outsider, clientID: ClientID(newID())!, cursor: nil, limit: nil)
        #expect(outsider.values("series").isEmpty)
        #expect(outsider.values("suggestion").isEmpty)
        #expect(outsider.values("paper").isEmpty)
        #expect(outsider.values("person").map { $0["name"] } == ["Otto"], "an outsider sees only themself")
    }

    @Test func publicSeriesShowEpisodesButNotSuggestionsToOutsiders() throws {
        let fixture = try StoreFixture(visibility: "public")
        defer { fixture.remove() }
        try fixture.store.run("suggestion.create", suggestionArgs(newID(), series: fixture.series), as: fixture.member)
        try fixture.store.run(
            "episode.create",
            ["id": .string(newID()), "seriesID": .string(fixture.series), "title": "Kick-off", "startsAt": "2026-12-01T14:00:00.000Z"],
            as: fixture.organizer)
        let outsider = try fixture.store.pull(actor: fixture.outsider, clientID: ClientID(newID())!, cursor: nil, limit: nil)
        #expect(outsider.values("series").count == 1)
        #expect(outsider.values("episode").count == 1)
        #expect(outsider.values("suggestion").isEmpty)
    }

    @Test func emailsAreShownToTheirOwnerAndOrganizersOnly() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        func email(of name: String, seenBy actor: Principal) throws -> JSONValue? {
            try fixture.store.pull(actor: actor, clientID: ClientID(newID())!, cursor: nil, limit: nil)
                .values("person").first { $0["name"] == .string(name) }?["email"]
        }
        #expect(try email(of: "Mia", seenBy: fixture.member) == "mia@example.org")
        #expect(try email(of: "Mia", seenBy: fixture.organizer) == "mia@example.org")
        #expect(try email(of: "Olga", seenBy: fixture.member) == .null)
        let seenByAdministrator = try fixture.store.values(of: .person, actor: .administrator).map { try JSONParser.parse($0) }
        #expect(seenByAdministrator.first { $0["name"] == "Mia" }?["email"] == "mia@example.org")
    }

    @Test func malformedCursorsAreBadRequestsNotResets() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        for cursor in ["", "garbage", "MTp4OnU6dg", String(repeating: "A", count: 500)] {
            do {
                _ = try fixture.store.pull(actor: fixture.member, clientID: ClientID(newID())!, cursor: cursor, limit: nil)
                Issue.record("accepted cursor \(cursor)")
            } catch let problem as Problem {
                #expect(problem.code == .badRequest)
            }
        }
    }

    @Test func aCursorFromAnotherDatabaseResets() throws {
        let one = try StoreFixture(), two = try StoreFixture()
        defer {
            one.remove()
            two.remove()
        }
        let client = ClientID(newID())!
        let cursor = try one.store.pull(actor: one.member, clientID: client, cursor: nil, limit: nil).cursor
        let page = try two.store.pull(actor: two.member, clientID: ClientID(newID())!, cursor: cursor, limit: nil)
        #expect(page.reset)
        #expect(page.values("series").count == 1)
    }

    @Test func aRestoredBackupGetsANewIdentityAndResetsCursors() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let client = ClientID(newID())!
        let before = try fixture.store.pull(actor: fixture.member, clientID: client, cursor: nil, limit: nil)
        let backup = fixture.directory.appendingPathComponent("backup.db").path
        try fixture.store.backup(to: backup)
        try fixture.store.run("suggestion.create", suggestionArgs(newID(), series: fixture.series), as: fixture.member)
        let restoredPath = fixture.directory.appendingPathComponent("restored.db").path
        try Store.restore(path: restoredPath, from: backup)
        let restored = try Store(path: restoredPath)
        #expect(try restored.integrityCheck() == "ok")
        #expect(try restored.journalMode() == "wal")
        #expect(try restored.clock().databaseID != fixture.store.clock().databaseID)
        let page = try restored.pull(actor: fixture.member, clientID: client, cursor: before.cursor, limit: nil)
        #expect(page.reset)
        #expect(page.values("suggestion").isEmpty, "the backup predates the suggestion")
    }
}

extension PullTests {
    @Test func pokesGoOnlyToThoseWhoMaySeeTheChange() async throws {
        let fixture = try StoreFixture(visibility: "members")
        defer { fixture.remove() }
        let before = try await fixture.store.currentVersion()
        try fixture.store.run("suggestion.create", suggestionArgs(newID(), series: fixture.series), as: fixture.member)
        let after = try await fixture.store.currentVersion()
        #expect(after > before)
        #expect(try await fixture.store.hasVisibleChanges(since: before, through: after, actor: fixture.organizer))
        #expect(!(try await fixture.store.hasVisibleChanges(since: before, through: after, actor: fixture.outsider)))
        #expect(!(try await fixture.store.hasVisibleChanges(since: after, through: after, actor: fixture.member)))
    }
}
