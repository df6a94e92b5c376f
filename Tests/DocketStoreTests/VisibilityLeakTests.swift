import DocketCore
import DocketStore
import Testing

/// What a reviewer found: ways to learn of entities, roles or emails one may not see.
@Suite struct VisibilityLeakTests {
    /// A second, members-only series the fixture's member belongs to and the organizer does not.
    func privateSeries(_ fixture: StoreFixture) throws -> String {
        let id = newID()
        try fixture.store.run(
            "series.create",
            ["id": .string(id), "slug": "secret-club", "title": "Secret club", "visibility": "members",
             "cadence": ["rrule": "FREQ=WEEKLY", "startDate": "2026-01-05", "startTime": "18:00"]])
        try fixture.store.run("membership.set", ["seriesID": .string(id), "personID": .string(fixture.outsider.personID!.rawValue), "role": "member"])
        return id
    }

    @Test func organizersCannotNameOutsidersAsPresentersToSeeTheirEmail() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = try privateSeries(fixture)
        let episode = newID()
        try fixture.store.run(
            "episode.create", ["id": .string(episode), "seriesID": .string(fixture.series), "title": "T", "startsAt": "2026-12-08T14:00:00.000Z"],
            as: fixture.organizer)
        let outsider = fixture.outsider.personID!.rawValue
        do {
            try fixture.store.run("presenter.assign", ["episodeID": .string(episode), "personID": .string(outsider)], as: fixture.organizer)
            Issue.record("an organizer named a member of another series")
        } catch let problem as Problem {
            #expect(problem.errors.first?.field == "args.personID")
        }
        // A guest (no membership anywhere) may present; their email stays private to them.
        let guest = newID()
        try fixture.store.run("person.create", ["id": .string(guest), "name": "Guest Speaker", "email": "guest@example.org"], as: fixture.organizer)
        try fixture.store.run("presenter.assign", ["episodeID": .string(episode), "personID": .string(guest), "role": "guest"], as: fixture.organizer)
        let seen = try fixture.store.values(of: .person, actor: fixture.member).map { try JSONParser.parse($0) }
        #expect(seen.first { $0["id"] == .string(guest) }?["email"] == .null)
    }

    @Test func rolesInMembersOnlySeriesStayWithThoseWhoMaySeeThem() throws {
        let fixture = try StoreFixture(visibility: "public")
        defer { fixture.remove() }
        let secret = try privateSeries(fixture)
        try fixture.store.run("membership.set", ["seriesID": .string(fixture.series), "personID": .string(fixture.outsider.personID!.rawValue), "role": "member"])
        let asMember = try fixture.store.values(of: .person, actor: fixture.member).map { try JSONParser.parse($0) }
        let otto = asMember.first { $0["name"] == "Otto" }
        #expect(otto?["roles"]?.arrayValue?.contains { $0["seriesID"] == .string(secret) } == false)
        let asHimself = try fixture.store.values(of: .person, actor: fixture.outsider).map { try JSONParser.parse($0) }
        #expect(asHimself.first { $0["name"] == "Otto" }?["roles"]?.arrayValue?.contains { $0["seriesID"] == .string(secret) } == true)
    }

    @Test func episodesOfAMembersOnlySeriesAreUnknownToOthers() throws {
        let fixture = try StoreFixture(visibility: "members")
        defer { fixture.remove() }
        let episode = newID()
        try fixture.store.run(
            "episode.create", ["id": .string(episode), "seriesID": .string(fixture.series), "title": "T", "startsAt": "2026-12-08T14:00:00.000Z"],
            as: fixture.organizer)
        for name in ["episode.cancel", "episode.reschedule"] {
            do {
                try fixture.store.run(name, ["id": .string(episode), "startsAt": "2026-12-22T14:00:00.000Z"], as: fixture.outsider)
                Issue.record("\(name) by an outsider")
            } catch let problem as Problem {
                #expect(problem.code == .validationFailed)
                #expect(problem.errors.first?.message == "names an unknown episode")
            }
        }
    }

    @Test func aPaperOnlyInAMembersOnlySeriesIsNotNamedToOthers() throws {
        let fixture = try StoreFixture(visibility: "members")
        defer { fixture.remove() }
        let suggestion = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(suggestion, series: fixture.series, arxiv: "2212.12794"), as: fixture.member)
        let paper = try fixture.store.values(of: .paper, actor: fixture.member).map { try JSONParser.parse($0) }.first?["id"]?.stringValue
        // Otto organizes a public series of his own, so he may add papers.
        let own = newID()
        try fixture.store.run(
            "series.create",
            ["id": .string(own), "slug": "otto-club", "title": "Otto's", "visibility": "public",
             "cadence": ["rrule": "FREQ=WEEKLY", "startDate": "2026-01-05", "startTime": "18:00"]])
        try fixture.store.run("membership.set", ["seriesID": .string(own), "personID": .string(fixture.outsider.personID!.rawValue), "role": "organizer"])
        do {
            try fixture.store.run("paper.create", ["id": .string(newID()), "title": "x", "arxivID": "2212.12794"], as: fixture.outsider)
            Issue.record("created a duplicate paper")
        } catch let problem as Problem {
            #expect(problem.code == .conflict)
            #expect(problem.extensions["paperID"] == nil)
            #expect(!(problem.detail ?? "").contains(paper ?? "-"))
        }
        do {
            try fixture.store.run("suggestion.create", ["id": .string(newID()), "seriesID": .string(own), "paperID": .string(paper ?? "")], as: fixture.outsider)
            Issue.record("referred to an invisible paper by id")
        } catch let problem as Problem {
            #expect(problem.errors.first?.field == "args.paperID")
        }
    }
}
