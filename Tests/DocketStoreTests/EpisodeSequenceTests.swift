import DocketCore
import DocketStore
import Testing

/// An episode's `sequence` (a calendar's SEQUENCE) counts the changes a calendar app must show as a new
/// version of the event: start, duration, location, cancellation. Through the store's one write path.
///
/// The fixture's clock stands at 2026-11-25; its series meets every second Tuesday at 15:00 Europe/Berlin.
@Suite struct EpisodeSequenceTests {
    /// A fixture with one scheduled episode on 2026-12-08 15:00 Berlin; returns the episode id and the version.
    func scheduled(_ fixture: StoreFixture, start: String = "2026-12-08T14:00:00.000Z") throws -> (String, Int64) {
        let id = newID()
        let version = try fixture.store.run(
            "episode.create",
            ["id": .string(id), "seriesID": .string(fixture.series), "title": "Graph networks", "startsAt": .string(start),
             "location": "Room 101"],
            as: fixture.organizer)
        return (id, version)
    }

    /// The episode's section 5 value as the change log serves it.
    func value(_ fixture: StoreFixture, _ id: String) throws -> JSONValue {
        let text = try #require(try fixture.store.values(of: .episode, inSeries: SeriesID(fixture.series)!, id: id, actor: fixture.organizer).first)
        return try JSONParser.parse(text)
    }

    func sequence(_ fixture: StoreFixture, _ id: String) throws -> JSONValue? {
        try value(fixture, id)["sequence"]
    }

    func update(_ fixture: StoreFixture, _ id: String, _ set: JSONValue) throws {
        let version = try fixture.store.clock().version
        try fixture.store.run("episode.update", ["id": .string(id), "baseVersion": .int(version), "set": set], as: fixture.organizer)
    }

    @Test func aNewEpisodeStartsAtZeroAndEveryRescheduleRaisesIt() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let (id, _) = try scheduled(fixture)
        #expect(try sequence(fixture, id) == 0)
        let created = try value(fixture, id)["updatedAt"]
        fixture.clock.advance(seconds: 60)
        try fixture.store.run("episode.reschedule", ["id": .string(id), "startsAt": "2026-12-09T14:00:00.000Z"], as: fixture.organizer)
        #expect(try sequence(fixture, id) == 1)
        #expect(try value(fixture, id)["updatedAt"] != created)
        // Moving it back is another change calendars must see.
        try fixture.store.run("episode.reschedule", ["id": .string(id), "startsAt": "2026-12-08T14:00:00.000Z"], as: fixture.organizer)
        #expect(try sequence(fixture, id) == 2)
    }

    @Test(arguments: [
        ("durationMinutes", JSONValue.int(90), true),
        ("location", JSONValue.string("Room 202"), true),
        ("location", JSONValue.null, true),
        ("location", JSONValue.string("Room 101"), false),
        ("durationMinutes", JSONValue.int(60), false),
        ("title", JSONValue.string("Message passing"), false),
        ("abstract", JSONValue.string("New abstract"), false),
        ("streamURL", JSONValue.string("https://stream.example.org/x"), false),
    ])
    func anUpdateRaisesItOnlyWhenDurationOrLocationChanges(field: String, to newValue: JSONValue, raises: Bool) throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let (id, _) = try scheduled(fixture)
        try update(fixture, id, .object([(field, newValue)]))
        #expect(try value(fixture, id)[field] == newValue)
        #expect(try sequence(fixture, id) == (raises ? 1 : 0))
    }

    @Test func changingDurationAndLocationInOneUpdateRaisesItOnce() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let (id, _) = try scheduled(fixture)
        try update(fixture, id, ["durationMinutes": 120, "location": "Aula"])
        #expect(try sequence(fixture, id) == 1)
    }

    @Test func cancellingRaisesItButHoldingDoesNot() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let (cancelled, _) = try scheduled(fixture)
        let (held, _) = try scheduled(fixture, start: "2026-12-22T14:00:00.000Z")
        try fixture.store.run("episode.cancel", ["id": .string(cancelled)], as: fixture.organizer)
        #expect(try value(fixture, cancelled)["status"] == "cancelled")
        #expect(try sequence(fixture, cancelled) == 1)
        try update(fixture, held, ["status": "held"])
        #expect(try value(fixture, held)["status"] == "held")
        #expect(try sequence(fixture, held) == 0)
    }

    @Test func renumberingLeavesTheOtherEpisodesSequenceAlone() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let (first, _) = try scheduled(fixture)
        let (second, _) = try scheduled(fixture, start: "2026-12-22T14:00:00.000Z")
        #expect(try value(fixture, first)["number"] == 1)
        // The first moves after the second: both renumber, only the moved one is a new calendar version.
        try fixture.store.run("episode.reschedule", ["id": .string(first), "startsAt": "2027-01-05T14:00:00.000Z"], as: fixture.organizer)
        #expect(try value(fixture, first)["number"] == 2)
        #expect(try value(fixture, second)["number"] == 1)
        #expect(try sequence(fixture, first) == 1)
        #expect(try sequence(fixture, second) == 0)
        // Skipping and unskipping a date moves no episode.
        try fixture.store.run("series.skip", ["seriesID": .string(fixture.series), "date": "2027-01-19"], as: fixture.organizer)
        try fixture.store.run("series.unskip", ["seriesID": .string(fixture.series), "date": "2027-01-19"], as: fixture.organizer)
        #expect(try [sequence(fixture, first), sequence(fixture, second)] == [1, 0])
    }

    @Test func aRejectedChangeLeavesItAlone() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let (id, _) = try scheduled(fixture)
        try fixture.store.run("episode.cancel", ["id": .string(id)], as: fixture.organizer)
        #expect(throws: Problem.self) {
            try fixture.store.run("episode.reschedule", ["id": .string(id), "startsAt": "2026-12-09T14:00:00.000Z"], as: fixture.organizer)
        }
        #expect(throws: Problem.self) { try fixture.store.run("episode.cancel", ["id": .string(id)], as: fixture.organizer) }
        // A member may not move it either.
        let (other, _) = try scheduled(fixture, start: "2026-12-22T14:00:00.000Z")
        #expect(throws: Problem.self) {
            try fixture.store.run("episode.reschedule", ["id": .string(other), "startsAt": "2026-12-23T14:00:00.000Z"], as: fixture.member)
        }
        #expect(throws: Problem.self) {
            try fixture.store.run(
                "episode.update", ["id": .string(other), "baseVersion": 0, "set": ["durationMinutes": 0]], as: fixture.organizer)
        }
        #expect(try sequence(fixture, id) == 1)
        #expect(try sequence(fixture, other) == 0)
    }

    @Test func thePublicSeriesCarriesTheSameCount() throws {
        let fixture = try StoreFixture(visibility: "public")
        defer { fixture.remove() }
        let (id, _) = try scheduled(fixture)
        try fixture.store.run("episode.reschedule", ["id": .string(id), "startsAt": "2026-12-09T14:00:00.000Z"], as: fixture.organizer)
        try update(fixture, id, ["location": "Aula"])
        let page = try #require(try fixture.store.publicSeries(slug: "reading-group"))
        #expect(page.episodes.first { $0.id.rawValue == id }?.sequence == 2)
        #expect(try sequence(fixture, id) == 2)
    }
}
