import DocketCore
import DocketStore
import Foundation
import Testing

/// PROTOCOL sections 3 and 8: what a reader loses sight of reaches them as deletions; what they gain
/// without the entities changing (or see differently) is a reset. Either way, a replica kept by
/// following cursors always ends equal to a fresh full pull.
@Suite struct VisibilityLossTests {
    /// A client's replica: entities by "type:id", kept by following cursors.
    struct Replica {
        let actor: Principal
        let clientID = ClientID(newID())!
        var entities: [String: String] = [:]
        var cursor: String?
        /// Whether the last sync began with a reset, and the deletions it carried.
        var lastReset = false
        var lastDeletions: Set<String> = []

        init(_ actor: Principal) { self.actor = actor }

        mutating func sync(_ store: Store) throws {
            lastReset = false
            lastDeletions = []
            var pages = 0
            repeat {
                let page = try store.pull(actor: actor, clientID: clientID, cursor: cursor, limit: 7)
                if page.reset {
                    entities.removeAll()
                    lastReset = true
                }
                for change in page.changes {
                    let key = "\(change.type):\(change.id)"
                    if change.deleted {
                        entities[key] = nil
                        lastDeletions.insert(key)
                    } else {
                        entities[key] = change.value
                    }
                }
                cursor = page.cursor
                pages += 1
                if !page.hasMore { break }
            } while pages < 1_000
        }
    }

    func fresh(_ store: Store, _ actor: Principal) throws -> [String: String] {
        var replica = Replica(actor)
        try replica.sync(store)
        return replica.entities
    }

    func episode(_ fixture: StoreFixture, title: String = "Kick-off") throws -> String {
        let id = newID()
        try fixture.store.run(
            "episode.create",
            ["id": .string(id), "seriesID": .string(fixture.series), "title": .string(title), "startsAt": "2026-12-01T14:00:00.000Z"],
            as: fixture.organizer)
        return id
    }

    @Test func aMemberWhoLeavesGetsDeletionsNotAReset() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let suggestion = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(suggestion, series: fixture.series), as: fixture.organizer)
        let episode = try episode(fixture)
        var member = Replica(fixture.member)
        try member.sync(fixture.store)
        let member0 = fixture.member.personID!.rawValue
        #expect(member.entities["suggestion:\(suggestion)"] != nil)
        var colleague = Replica(fixture.organizer)
        try colleague.sync(fixture.store)
        #expect(colleague.entities["person:\(member0)"] != nil)

        try fixture.store.run(
            "membership.set", ["seriesID": .string(fixture.series), "personID": .string(member0), "role": nil], as: fixture.organizer)
        try member.sync(fixture.store)
        #expect(!member.lastReset)
        for key in ["series:\(fixture.series)", "suggestion:\(suggestion)", "episode:\(episode)", "person:\(fixture.organizer.personID!.rawValue)"] {
            #expect(member.lastDeletions.contains(key), "\(key) should be deleted")
        }
        #expect(member.entities["person:\(member0)"] != nil, "they still see themselves")
        #expect(member.entities == (try fresh(fixture.store, fixture.member)))
        // The series' organizer no longer shares a series with them: their person leaves the organizer's view.
        try colleague.sync(fixture.store)
        #expect(!colleague.lastReset)
        #expect(colleague.lastDeletions == ["person:\(member0)"])
        #expect(colleague.entities == (try fresh(fixture.store, fixture.organizer)))
        // The organizer, who still sees everything, gets no deletion of the series' entities.
        var organizer = Replica(fixture.organizer)
        try organizer.sync(fixture.store)
        try fixture.store.run("suggestion.withdraw", ["id": .string(suggestion)], as: fixture.organizer)
        try organizer.sync(fixture.store)
        #expect(organizer.lastDeletions.isEmpty)
    }

    @Test func aSeriesMadeMembersOnlyDisappearsFromOutsidersByDeletions() throws {
        let fixture = try StoreFixture(visibility: "public")
        defer { fixture.remove() }
        let episode = try episode(fixture)
        var outsider = Replica(fixture.outsider)
        var member = Replica(fixture.member)
        try outsider.sync(fixture.store)
        try member.sync(fixture.store)
        #expect(outsider.entities["episode:\(episode)"] != nil)

        try fixture.store.run(
            "series.update", ["id": .string(fixture.series), "baseVersion": 0, "set": ["visibility": "members"]], as: fixture.organizer)
        try outsider.sync(fixture.store)
        #expect(!outsider.lastReset)
        #expect(outsider.lastDeletions.isSuperset(of: ["series:\(fixture.series)", "episode:\(episode)"]))
        #expect(outsider.entities == (try fresh(fixture.store, fixture.outsider)))
        try member.sync(fixture.store)
        #expect(!member.lastReset)
        #expect(member.lastDeletions.isEmpty)
        #expect(member.entities == (try fresh(fixture.store, fixture.member)))
    }

    @Test func gainingSightOfUnchangedEntitiesIsAReset() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.run("suggestion.create", suggestionArgs(newID(), series: fixture.series), as: fixture.member)
        var outsider = Replica(fixture.outsider)
        var member = Replica(fixture.member)
        try outsider.sync(fixture.store)
        try member.sync(fixture.store)
        #expect(outsider.entities.keys.allSatisfy { $0.hasPrefix("person:") })

        // Joining a series: its unchanged suggestions become visible.
        try fixture.store.run(
            "membership.set",
            ["seriesID": .string(fixture.series), "personID": .string(fixture.outsider.personID!.rawValue), "role": "member"],
            as: fixture.organizer)
        try outsider.sync(fixture.store)
        #expect(outsider.lastReset)
        #expect(outsider.entities == (try fresh(fixture.store, fixture.outsider)))
        #expect(outsider.entities.keys.contains { $0.hasPrefix("suggestion:") })
        // Others' replicas go on by deltas.
        try member.sync(fixture.store)
        #expect(!member.lastReset)
        #expect(member.entities == (try fresh(fixture.store, fixture.member)))

        // An organizer who becomes a member stops seeing emails of unchanged people: a reset too.
        var organizer = Replica(fixture.organizer)
        try organizer.sync(fixture.store)
        try fixture.store.run(
            "membership.set",
            ["seriesID": .string(fixture.series), "personID": .string(fixture.organizer.personID!.rawValue), "role": "member"],
            as: .administrator)
        try organizer.sync(fixture.store)
        #expect(organizer.lastReset)
        #expect(organizer.entities == (try fresh(fixture.store, fixture.organizer)))
    }

    @Test func resultsHiddenFromMembersDeleteTheirStandingAndShownAgainReset() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(id, series: fixture.series), as: fixture.member)
        try fixture.store.run("ballot.set", ["seriesID": .string(fixture.series), "ranking": [[.string(id)]]], as: fixture.member)
        try await fixture.store.refreshStandings()
        var member = Replica(fixture.member)
        try member.sync(fixture.store)
        #expect(member.entities["standing:\(fixture.series)"] != nil)

        var version = try fixture.store.run(
            "series.update", ["id": .string(fixture.series), "baseVersion": 0, "set": ["resultsVisibility": "organizers"]],
            as: fixture.organizer)
        try member.sync(fixture.store)
        #expect(!member.lastReset)
        #expect(member.lastDeletions == ["standing:\(fixture.series)"])
        #expect(member.entities == (try fresh(fixture.store, fixture.member)))

        version = try fixture.store.run(
            "series.update", ["id": .string(fixture.series), "baseVersion": .int(version), "set": ["resultsVisibility": "live"]],
            as: fixture.organizer)
        try member.sync(fixture.store)
        #expect(member.lastReset)
        #expect(member.entities["standing:\(fixture.series)"] != nil)
        #expect(member.entities == (try fresh(fixture.store, fixture.member)))
    }

    @Test func aGuestNoLongerNamedLeavesThePublicView() throws {
        let fixture = try StoreFixture(visibility: "public")
        defer { fixture.remove() }
        let guest = newID()
        try fixture.store.run("person.create", ["id": .string(guest), "name": "Gus Guest"], as: fixture.organizer)
        let episode = try episode(fixture)
        try fixture.store.run("presenter.assign", ["episodeID": .string(episode), "personID": .string(guest), "role": "guest"], as: fixture.organizer)
        var outsider = Replica(fixture.outsider)
        try outsider.sync(fixture.store)
        #expect(outsider.entities["person:\(guest)"] != nil)

        try fixture.store.run("presenter.unassign", ["episodeID": .string(episode), "personID": .string(guest)], as: fixture.organizer)
        try outsider.sync(fixture.store)
        #expect(!outsider.lastReset)
        #expect(outsider.lastDeletions == ["person:\(guest)"])
        #expect(outsider.entities == (try fresh(fixture.store, fixture.outsider)))
    }

    @Test func deletionsOlderThanTheRetentionArePurgedAndOlderCursorsReset() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.run("suggestion.create", suggestionArgs(newID(), series: fixture.series), as: fixture.member)
        var stale = Replica(fixture.member)
        try stale.sync(fixture.store)
        try fixture.store.run(
            "membership.set",
            ["seriesID": .string(fixture.series), "personID": .string(fixture.member.personID!.rawValue), "role": nil],
            as: fixture.organizer)
        var current = Replica(fixture.member)
        try current.sync(fixture.store)

        fixture.clock.advance(seconds: 29 * 86_400)
        #expect(try fixture.store.purgeTombstonesNow(retentionDays: 30) == 0, "not old enough yet")
        fixture.clock.advance(seconds: 2 * 86_400)
        #expect(try fixture.store.purgeTombstonesNow(retentionDays: 30) > 0)
        #expect(try fixture.store.purgeTombstonesNow(retentionDays: 30) == 0, "purging again finds nothing")

        // The stale cursor predates the purged deletions: a reset. The current one goes on.
        try stale.sync(fixture.store)
        #expect(stale.lastReset)
        #expect(stale.entities == (try fresh(fixture.store, fixture.member)))
        try current.sync(fixture.store)
        #expect(!current.lastReset)
    }
}
