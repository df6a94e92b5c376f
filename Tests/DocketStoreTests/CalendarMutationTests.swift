import DocketCore
import DocketStore
import Testing

/// Promotion, skipped dates, rescheduling and presenters, through the store's one write path.
///
/// The fixture's series meets every second Tuesday at 15:00 Europe/Berlin from
/// 2026-01-06; the clock stands at Wednesday 2026-11-25, so the next cadence
/// dates are 2026-12-08, 2026-12-22 and 2027-01-05 (14:00Z in winter).
@Suite struct CalendarMutationTests {
    func episode(_ fixture: StoreFixture, _ id: String) throws -> JSONValue? {
        try fixture.store.values(of: .episode, inSeries: SeriesID(fixture.series)!, id: id, actor: fixture.organizer).first
            .map { try JSONParser.parse($0) }
    }

    func suggestion(_ fixture: StoreFixture, _ id: String) throws -> JSONValue? {
        try fixture.store.values(of: .suggestion, inSeries: SeriesID(fixture.series)!, id: id, actor: fixture.organizer).first
            .map { try JSONParser.parse($0) }
    }

    @Test func promotionTakesTheNextFreeSlotAndCopiesPapersAndVolunteers() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = newID(), episodeID = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(id, series: fixture.series, title: "GraphCast", arxiv: "2212.12794"), as: fixture.member)
        try fixture.store.run("suggestion.volunteer", ["id": .string(id), "note": "I know it well"], as: fixture.member)
        try fixture.store.run("suggestion.promote", ["id": .string(id), "episodeID": .string(episodeID)], as: fixture.organizer)
        let made = try #require(try episode(fixture, episodeID))
        #expect(made["startsAt"] == "2026-12-08T14:00:00.000Z")
        #expect(made["title"] == "GraphCast")
        #expect(made["suggestionID"] == .string(id))
        #expect(made["papers"]?.arrayValue?.first?["role"] == "main")
        #expect(made["presenters"] == [["personID": .string(fixture.member.personID!.rawValue), "role": "presenter", "status": "proposed"]])
        let promoted = try #require(try suggestion(fixture, id))
        #expect(promoted["status"] == "promoted")
        #expect(promoted["episodeID"] == .string(episodeID))
        // A promoted suggestion cannot be promoted again.
        #expect(throws: Problem.self) {
            try fixture.store.run("suggestion.promote", ["id": .string(id), "episodeID": .string(newID())], as: fixture.organizer)
        }
    }

    @Test func promotionPassesOverSkippedAndOccupiedSlots() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.run("series.skip", ["seriesID": .string(fixture.series), "date": "2026-12-08", "reason": "Christmas party"], as: fixture.organizer)
        var starts: [JSONValue?] = []
        for title in ["First", "Second"] {
            let id = newID(), episodeID = newID()
            try fixture.store.run("suggestion.create", suggestionArgs(id, series: fixture.series, title: title), as: fixture.member)
            try fixture.store.run("suggestion.promote", ["id": .string(id), "episodeID": .string(episodeID)], as: fixture.organizer)
            starts.append(try episode(fixture, episodeID)?["startsAt"])
        }
        #expect(starts == ["2026-12-22T14:00:00.000Z", "2027-01-05T14:00:00.000Z"])
        let series = try fixture.store.values(of: .series, id: fixture.series, actor: fixture.organizer).first.map { try JSONParser.parse($0) }
        #expect(series?["skippedDates"] == [["date": "2026-12-08", "reason": "Christmas party"]])
        try fixture.store.run("series.unskip", ["seriesID": .string(fixture.series), "date": "2026-12-08"], as: fixture.organizer)
        let third = newID(), thirdEpisode = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(third, series: fixture.series, title: "Third"), as: fixture.member)
        try fixture.store.run("suggestion.promote", ["id": .string(third), "episodeID": .string(thirdEpisode)], as: fixture.organizer)
        #expect(try episode(fixture, thirdEpisode)?["startsAt"] == "2026-12-08T14:00:00.000Z")
        #expect(try episode(fixture, thirdEpisode)?["number"] == 1, "numbers follow date order")
    }

    @Test func anExplicitSlotMustLieInTheFuture() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(id, series: fixture.series), as: fixture.member)
        do {
            try fixture.store.run(
                "suggestion.promote", ["id": .string(id), "episodeID": .string(newID()), "startsAt": "2026-11-01T10:00:00.000Z"],
                as: fixture.organizer)
            Issue.record("promoted into the past")
        } catch let problem as Problem {
            #expect(problem.errors.first?.field == "args.startsAt")
        }
        let episodeID = newID()
        try fixture.store.run(
            "suggestion.promote",
            ["id": .string(id), "episodeID": .string(episodeID), "startsAt": "2026-12-03T17:00:00.000Z", "title": "Extra session"],
            as: fixture.organizer)
        #expect(try episode(fixture, episodeID)?["startsAt"] == "2026-12-03T17:00:00.000Z")
        #expect(try episode(fixture, episodeID)?["title"] == "Extra session")
    }

    @Test func onlyOrganizersPromote() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(id, series: fixture.series), as: fixture.member)
        do {
            try fixture.store.run("suggestion.promote", ["id": .string(id), "episodeID": .string(newID())], as: fixture.member)
            Issue.record("a member promoted")
        } catch let problem as Problem {
            #expect(problem.code == .forbidden)
        }
        #expect(try suggestion(fixture, id)?["status"] == "open")
    }

    @Test func reschedulingRenumbersScheduledEpisodesOnly() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let held = newID(), early = newID(), late = newID()
        for (id, start, status) in [(held, "2026-11-10T14:00:00.000Z", "held"), (early, "2026-12-08T14:00:00.000Z", "scheduled"), (late, "2026-12-22T14:00:00.000Z", "scheduled")] {
            try fixture.store.run(
                "episode.create",
                ["id": .string(id), "seriesID": .string(fixture.series), "title": .string(id), "startsAt": .string(start), "status": .string(status)],
                as: fixture.organizer)
        }
        #expect(try [held, early, late].map { try episode(fixture, $0)?["number"] } == [1, 2, 3])
        try fixture.store.run("episode.reschedule", ["id": .string(early), "startsAt": "2027-01-05T14:00:00.000Z"], as: fixture.organizer)
        #expect(try [held, early, late].map { try episode(fixture, $0)?["number"] } == [1, 3, 2])
        do {
            try fixture.store.run("episode.reschedule", ["id": .string(held), "startsAt": "2027-01-19T14:00:00.000Z"], as: fixture.organizer)
            Issue.record("a held episode moved")
        } catch let problem as Problem {
            #expect(problem.code == .conflict)
        }
        try fixture.store.run("episode.cancel", ["id": .string(late)], as: fixture.organizer)
        #expect(try [held, early, late].map { try episode(fixture, $0)?["number"] } == [1, 2, .null])
    }

    @Test func presentersAreProposedConfirmedByThemselvesAndCounted() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = newID()
        try fixture.store.run(
            "episode.create", ["id": .string(id), "seriesID": .string(fixture.series), "title": "T", "startsAt": "2026-12-08T14:00:00.000Z"],
            as: fixture.organizer)
        let member = fixture.member.personID!.rawValue
        try fixture.store.run("presenter.assign", ["episodeID": .string(id), "personID": .string(member), "role": "discussant"], as: fixture.organizer)
        #expect(try episode(fixture, id)?["presenters"] == [["personID": .string(member), "role": "discussant", "status": "proposed"]])
        #expect(throws: Problem.self) {
            try fixture.store.run("presenter.respond", ["episodeID": .string(id), "accept": true], as: fixture.organizer)
        }
        try fixture.store.run("presenter.respond", ["episodeID": .string(id), "accept": true], as: fixture.member)
        #expect(try episode(fixture, id)?["presenters"]?.arrayValue?.first?["status"] == "confirmed")
        func presented() throws -> JSONValue? {
            try fixture.store.values(of: .person, actor: fixture.organizer).map { try JSONParser.parse($0) }
                .first { $0["id"] == .string(member) }?["presentedCount"]
        }
        #expect(try presented() == 0)
        try fixture.store.run("episode.update", ["id": .string(id), "baseVersion": 0, "set": ["status": "held"]], as: fixture.organizer)
        #expect(try presented() == 1)
        try fixture.store.run("presenter.unassign", ["episodeID": .string(id), "personID": .string(member)], as: fixture.organizer)
        #expect(try episode(fixture, id)?["presenters"] == [])
        #expect(throws: Problem.self) {
            try fixture.store.run("presenter.unassign", ["episodeID": .string(id), "personID": .string(member)], as: fixture.organizer)
        }
    }
}

extension CalendarMutationTests {
    @Test func onlyMeetingDatesCanBeSkipped() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        do {
            try fixture.store.run("series.skip", ["seriesID": .string(fixture.series), "date": "2026-12-09"], as: fixture.organizer)
            Issue.record("skipped a Wednesday")
        } catch let problem as Problem {
            #expect(problem.errors.first?.field == "args.date")
        }
        #expect(throws: Problem.self) {
            try fixture.store.run("series.skip", ["seriesID": .string(fixture.series), "date": "2026-12-08"], as: fixture.member)
        }
    }
}
