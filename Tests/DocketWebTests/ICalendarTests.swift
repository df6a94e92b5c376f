import DocketCore
import DocketTestSupport
import DocketWeb
import Foundation
import Testing

@Suite struct ICalendarTests {
    static let base = "https://docket.example.org"

    // MARK: Instants and the VTIMEZONE

    @Test func theDemoEpisodesResolveToTheirInstantsAcrossTheSpringChange() throws {
        let page = WebFixture.series(episodes: [
            WebFixture.episode(1, "2020-03-24T14:00:00.000Z", status: .held),
            WebFixture.episode(2, "2020-03-31T13:00:00.000Z", status: .held),
            WebFixture.episode(3, "2020-04-07T13:00:00.000Z"),
        ])
        let calendar = try ICSReader.parse(ICalendar.calendar(of: page, baseURL: Self.base))
        let events = calendar.children("VEVENT")
        #expect(events.map { $0.value("DTSTART") } == ["20200324T150000", "20200331T150000", "20200407T150000"])
        #expect(events.allSatisfy { $0.property("DTSTART")?.params["TZID"] == "Europe/Berlin" })
        #expect(try events.map { try calendar.instant($0, "DTSTART") } == page.episodes.map(\.startsAt))
        #expect(try events.map { try calendar.instant($0, "DTEND") } == page.episodes.map { $0.startsAt.adding(milliseconds: 3_600_000) })
        let zone = try #require(calendar.children("VTIMEZONE").first)
        #expect(zone.value("TZID") == "Europe/Berlin")
        let spring = try #require(zone.children("DAYLIGHT").first)
        #expect(spring.value("DTSTART") == "20200329T020000")
        #expect(spring.value("TZOFFSETFROM") == "+0100")
        #expect(spring.value("TZOFFSETTO") == "+0200")
        #expect(zone.children("STANDARD").contains { $0.value("DTSTART") == "20201025T030000" && $0.value("TZOFFSETTO") == "+0100" })
    }

    /// Zones with daylight saving, half-hour and 45-minute offsets, a skipped day, and the two passes of a
    /// fall-back hour: every start and end reads back as the stored instant.
    @Test(arguments: [
        ("Europe/Berlin", ["2020-10-25T00:30:00.000Z", "2020-10-25T01:30:00.000Z", "2020-03-29T01:00:00.000Z", "2021-12-31T23:30:00.000Z"]),
        ("America/New_York", ["2021-03-14T06:59:00.000Z", "2021-03-14T07:00:00.000Z", "2021-11-07T05:30:00.000Z", "2021-11-07T06:30:00.000Z"]),
        ("Australia/Lord_Howe", ["2021-04-04T14:45:00.000Z", "2021-04-04T15:15:00.000Z", "2021-10-03T15:00:00.000Z"]),
        ("Asia/Kathmandu", ["2022-06-01T09:15:00.000Z"]),
        ("Pacific/Apia", ["2011-12-29T09:00:00.000Z", "2011-12-31T09:00:00.000Z"]),
        ("America/Sao_Paulo", ["2018-11-04T02:30:00.000Z", "2019-02-17T01:30:00.000Z"]),
        ("UTC", ["2020-01-01T00:00:00.000Z"]),
        ("Mars/Olympus_Mons", ["2020-06-01T12:00:00.000Z"]),
    ])
    func everyStartAndEndReadsBackAsTheStoredInstant(zone: String, starts: [String]) throws {
        let episodes = starts.enumerated().map { WebFixture.episode($0.offset + 1, $0.element, duration: 45) }
        let page = WebFixture.series(zone: zone, episodes: episodes)
        let calendar = try ICSReader.parse(ICalendar.calendar(of: page, baseURL: Self.base))
        let events = calendar.children("VEVENT")
        try #require(events.count == episodes.count)
        for (event, episode) in zip(events, episodes) {
            #expect(try calendar.instant(event, "DTSTART") == episode.startsAt, "\(zone) \(episode.startsAt)")
            #expect(try calendar.instant(event, "DTEND") == episode.startsAt.adding(milliseconds: 45 * 60_000), "\(zone) \(episode.startsAt)")
        }
        #expect(calendar.children("VTIMEZONE").count == (zone == "Mars/Olympus_Mons" ? 0 : 1))
    }

    @Test func theSecondPassOfAFallBackHourIsWrittenInUTC() throws {
        let page = WebFixture.series(episodes: [
            WebFixture.episode(1, "2020-10-25T00:30:00.000Z"), WebFixture.episode(2, "2020-10-25T01:30:00.000Z"),
        ])
        let events = try ICSReader.parse(ICalendar.calendar(of: page, baseURL: Self.base)).children("VEVENT")
        // 02:30 CEST names the first pass; the second pass (02:30 CET) cannot be named on the wall clock.
        #expect(events[0].value("DTSTART") == "20201025T023000")
        #expect(events[1].value("DTSTART") == "20201025T013000Z")
        #expect(events[1].property("DTSTART")?.params["TZID"] == nil)
    }

    @Test func yearsBeyondACenturyOfTheFirstAreWrittenInUTC() throws {
        let page = WebFixture.series(episodes: [
            WebFixture.episode(1, "2020-06-02T13:00:00.000Z"), WebFixture.episode(2, "2150-06-02T13:00:00.000Z"),
        ])
        let calendar = try ICSReader.parse(ICalendar.calendar(of: page, baseURL: Self.base))
        let events = calendar.children("VEVENT")
        #expect(events[0].value("DTSTART") == "20200602T150000")
        #expect(events[1].value("DTSTART") == "21500602T130000Z")
        #expect(try events.map { try calendar.instant($0, "DTSTART") } == page.episodes.map(\.startsAt))
        let observances = calendar.children("VTIMEZONE")[0].children.count
        #expect(observances > 150 && observances < 260)
    }

    @Test func aSeriesWithoutEpisodesIsStillAValidCalendar() throws {
        let calendar = try ICSReader.parse(ICalendar.calendar(of: WebFixture.series(episodes: []), baseURL: Self.base))
        #expect(calendar.name == "VCALENDAR")
        #expect(calendar.children("VEVENT").isEmpty)
        #expect(calendar.children("VTIMEZONE").count == 1)
        #expect(calendar.value("VERSION") == "2.0")
        #expect(calendar.value("PRODID") != nil)
    }

    // MARK: Lines, folding and escaping

    @Test(arguments: [
        String(repeating: "Über Ästhetik und Öl 🌍🌊 — ", count: 12),
        String(repeating: "漢字かな交じり文", count: 20),
        String(repeating: "x", count: 74) + "é" + String(repeating: "y", count: 200),
        "👩‍🔬" + String(repeating: "🧪", count: 60),
    ])
    func longLinesFoldAt75OctetsWithoutSplittingACharacter(title: String) throws {
        var episode = WebFixture.episode(1, "2020-06-02T13:00:00.000Z")
        episode.title = title
        episode.abstract = title + "\n" + title
        let text = ICalendar.calendar(of: WebFixture.series(episodes: [episode]), baseURL: Self.base)
        let bytes = Array(text.utf8)
        #expect(bytes.suffix(2) == [13, 10])
        var lineCount = 0
        for line in ICSReader.physicalLines(bytes) {
            lineCount += 1
            #expect(line.count <= 75, "a line of \(line.count) octets")
            #expect(String(validating: line, as: UTF8.self) != nil, "a line splits a UTF-8 sequence")
        }
        #expect(lineCount > 20)
        let event = try #require(try ICSReader.parse(text).children("VEVENT").first)
        #expect(event.text("SUMMARY") == "Seminar #1: \(title)")
        #expect(event.text("DESCRIPTION")?.contains(title + "\n" + title) == true)
    }

    @Test func everyLineEndsInCRLF() {
        let text = ICalendar.calendar(of: WebFixture.series(episodes: [WebFixture.episode(1, "2020-06-02T13:00:00.000Z")]), baseURL: Self.base)
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() where byte == 10 {
            #expect(index > 0 && bytes[index - 1] == 13)
        }
        for (index, byte) in bytes.enumerated() where byte == 13 {
            #expect(index + 1 < bytes.count && bytes[index + 1] == 10)
        }
    }

    @Test func textEscapesBackslashSemicolonCommaAndLineBreaks() throws {
        var episode = WebFixture.episode(1, "2020-06-02T13:00:00.000Z")
        episode.title = #"Maps, graphs; and C:\paths"#
        episode.abstract = "Line one,\r\nline two;\nline three\rend \\n not a break\u{7}\u{0}."
        episode.location = "Room 1, Building C; floor 2"
        let text = ICalendar.calendar(of: WebFixture.series(episodes: [episode]), baseURL: Self.base)
        let event = try #require(try ICSReader.parse(text).children("VEVENT").first)
        #expect(event.value("SUMMARY") == #"Seminar #1: Maps\, graphs\; and C:\\paths"#)
        #expect(event.text("SUMMARY") == "Seminar #1: " + episode.title)
        #expect(event.value("LOCATION") == #"Room 1\, Building C\; floor 2"#)
        #expect(event.text("DESCRIPTION")?.contains("Line one,\nline two;\nline three\nend \\n not a break.") == true)
        #expect(ICalendar.escapedText("a\\b;c,d\ne") == #"a\\b\;c\,d\ne"#)
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\r" && $0 != "\n" })
    }

    // MARK: Events

    @Test func eventsCarryUIDSequenceStatusURLAndStamps() throws {
        var held = WebFixture.episode(1, "2020-06-02T13:00:00.000Z", status: .held)
        held.sequence = 0
        var moved = WebFixture.episode(2, "2020-06-16T13:00:00.000Z")
        moved.sequence = 3
        moved.updatedAt = Timestamp(rfc3339: "2020-06-10T08:30:15.250Z")!
        var cancelled = WebFixture.episode(nil, "2020-06-30T13:00:00.000Z", status: .cancelled)
        cancelled.sequence = 1
        let page = WebFixture.series(episodes: [held, moved, cancelled])
        let events = try ICSReader.parse(ICalendar.calendar(of: page, baseURL: Self.base)).children("VEVENT")
        #expect(events.map { $0.value("UID") } == page.episodes.map { "\($0.id.rawValue)@docket" })
        #expect(events.map { $0.value("SEQUENCE") } == ["0", "3", "1"])
        #expect(events.map { $0.value("STATUS") } == ["CONFIRMED", "CONFIRMED", "CANCELLED"])
        #expect(events[1].value("DTSTAMP") == "20200610T083015Z")
        #expect(events[1].value("LAST-MODIFIED") == "20200610T083015Z")
        #expect(events.map { $0.value("URL") } == [
            "\(Self.base)/series/seminar/episodes/1", "\(Self.base)/series/seminar/episodes/2", "\(Self.base)/series/seminar",
        ])
        #expect(events[2].text("SUMMARY") == "Cancelled: Seminar: Episode")
        #expect(events[2].text("DESCRIPTION")?.hasPrefix("This meeting is cancelled.") == true)
        #expect(events[0].text("LOCATION") == "Seminar room")
    }

    @Test func theDescriptionNamesPapersAndPresentersButNotDecliners() throws {
        let ada = PersonID(trusted: WebFixture.id(901)), bob = PersonID(trusted: WebFixture.id(902))
        let paper = PaperID(trusted: WebFixture.id(801))
        var episode = WebFixture.episode(1, "2020-06-02T13:00:00.000Z")
        episode.presenters = [
            Presenter(personID: ada, role: .presenter, status: .confirmed), Presenter(personID: bob, role: .discussant, status: .declined),
        ]
        episode.papers = [EpisodePaper(paperID: paper, role: .main)]
        episode.location = "Zoom"
        var page = WebFixture.series(episodes: [episode])
        page.people = [
            ada: .init(id: ada, name: "Ada Lovelace", affiliation: "UCL"), bob: .init(id: bob, name: "Bob Decliner", affiliation: nil),
        ]
        let fields = PaperFields(title: "Hidden fluid mechanics", authors: ["Raissi, M."], venue: "Science", year: 2020)
        page.papers = [paper: Paper(id: paper, fields: fields, createdAt: episode.createdAt, updatedAt: episode.createdAt)]
        let event = try #require(try ICSReader.parse(ICalendar.calendar(of: page, episode: episode, baseURL: Self.base)).children("VEVENT").first)
        let description = try #require(event.text("DESCRIPTION"))
        #expect(description.contains("Presented by Ada Lovelace (UCL)"))
        #expect(!description.contains("Bob"))
        #expect(description.contains("- " + Reference.citation(fields)))
        #expect(description.hasSuffix("\(Self.base)/series/seminar/episodes/1"))
        #expect(event.text("LOCATION") == "Zoom")
    }

    @Test func theOneEpisodeCalendarHoldsOnlyThatEpisode() throws {
        let page = WebFixture.series(episodes: (1...4).map { WebFixture.episode($0, "2020-0\($0 + 1)-02T13:00:00.000Z") })
        let calendar = try ICSReader.parse(ICalendar.calendar(of: page, episode: page.episodes[2], baseURL: Self.base))
        #expect(calendar.children("VEVENT").map { $0.value("UID") } == ["\(page.episodes[2].id.rawValue)@docket"])
        #expect(calendar.children("VTIMEZONE").count == 1)
    }

    @Test func theSameSeriesRendersToTheSameText() {
        let page = WebFixture.series(episodes: [WebFixture.episode(1, "2020-06-02T13:00:00.000Z")])
        #expect(ICalendar.calendar(of: page, baseURL: Self.base) == ICalendar.calendar(of: page, baseURL: Self.base))
    }
}

/// Public series built by hand for the writers' tests.
enum WebFixture {
    static let created = Timestamp(rfc3339: "2020-01-10T09:00:00.000Z")!

    static func id(_ n: Int) -> String {
        "0193f1c2-0000-7000-8000-" + ICalendarTests.pad(n)
    }

    static func episode(
        _ number: Int?, _ start: String, status: EpisodeStatus = .scheduled, duration: Int = 60, title: String = "Episode"
    ) -> Episode {
        Episode(
            id: EpisodeID(trusted: UUID().uuidString.lowercased()), seriesID: SeriesID(trusted: id(1)), number: number, title: title,
            startsAt: Timestamp(rfc3339: start)!, durationMinutes: duration, status: status, abstract: nil, location: nil,
            streamURL: nil, recordingURL: nil, suggestionID: nil, papers: [], presenters: [], links: [], relatedEpisodeIDs: [],
            createdAt: created, updatedAt: created)
    }

    static func series(zone: String = "Europe/Berlin", episodes: [Episode]) -> PublicSeries {
        let cadence = Cadence(rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", startDate: CivilDate(iso: "2020-03-24")!, startTime: LocalTime("15:00")!, durationMinutes: 60)
        let series = Series(
            id: SeriesID(trusted: id(1)), slug: "seminar", title: "Seminar", description: "A seminar", timeZone: zone, cadence: cadence,
            location: "Seminar room", streamURL: nil, mailingListURL: nil, visibility: .public, resultsVisibility: .live,
            votingMethod: "schulze", createdAt: created, updatedAt: created)
        return PublicSeries(
            series: series, episodes: episodes, papers: [:], people: [:], openSuggestions: [], standing: nil, closedRounds: [],
            updatedAt: episodes.map(\.updatedAt).max() ?? created)
    }
}

extension ICalendarTests {
    static func pad(_ n: Int) -> String {
        let text = String(n)
        return String(repeating: "0", count: 12 - text.count) + text
    }
}

extension ICSComponent {
    /// The instant a DATE-TIME property of `event` names: UTC (`…Z`) or local time read through this
    /// calendar's VTIMEZONE of that TZID (the earliest instant when the local time occurs twice).
    func instant(_ event: ICSComponent, _ name: String) throws -> Timestamp {
        let property = try ICSReader.require(event.property(name), "\(name) is missing")
        if property.value.hasSuffix("Z") {
            return Timestamp(milliseconds: try ICSReader.wallSeconds(String(property.value.dropLast())) * 1000)
        }
        let tzid = try ICSReader.require(property.params["TZID"], "\(name) is floating")
        let zone = try ICSReader.require(children("VTIMEZONE").first { $0.value("TZID") == tzid }, "no VTIMEZONE \(tzid)")
        let observances = try zone.children.map { observance -> (onset: Int64, to: Int64) in
            guard observance.property("RRULE") == nil, observance.property("RDATE") == nil else {
                throw ICSReader.Malformed(reason: "the reader takes no recurring observances")
            }
            let from = try ICSReader.offset(ICSReader.require(observance.value("TZOFFSETFROM"), "TZOFFSETFROM"))
            let to = try ICSReader.offset(ICSReader.require(observance.value("TZOFFSETTO"), "TZOFFSETTO"))
            return (try ICSReader.wallSeconds(ICSReader.require(observance.value("DTSTART"), "DTSTART")) - from, to)
        }.sorted { $0.onset < $1.onset }
        let local = try ICSReader.wallSeconds(property.value)
        let candidates = observances.indices.compactMap { index -> Int64? in
            let utc = local - observances[index].to
            let next = index + 1 < observances.count ? observances[index + 1].onset : Int64.max
            return utc >= observances[index].onset && utc < next ? utc : nil
        }
        return Timestamp(milliseconds: try ICSReader.require(candidates.min(), "\(property.value) does not occur in \(tzid)") * 1000)
    }
}

extension ICSReader {
    /// `YYYYMMDDTHHMMSS` as seconds, counting the wall clock as if it were UTC.
    static func wallSeconds(_ text: String) throws -> Int64 {
        let b = Array(text.utf8)
        guard b.count == 15, b[8] == 0x54, b.enumerated().allSatisfy({ $0.offset == 8 || ($0.element >= 0x30 && $0.element <= 0x39) }) else {
            throw Malformed(reason: "bad date-time \(text)")
        }
        let number = { (from: Int, count: Int) in Int64(String(decoding: b[from..<(from + count)], as: UTF8.self))! }
        let days = CivilDate(year: number(0, 4), month: number(4, 2), day: number(6, 2)).daysSinceEpoch
        return days * 86_400 + number(9, 2) * 3600 + number(11, 2) * 60 + number(13, 2)
    }

    /// `+HHMM` or `+HHMMSS` as seconds.
    static func offset(_ text: String) throws -> Int64 {
        let b = Array(text.utf8)
        guard b.count == 5 || b.count == 7, b[0] == 0x2B || b[0] == 0x2D, let digits = Int64(String(decoding: b[1...], as: UTF8.self)) else {
            throw Malformed(reason: "bad offset \(text)")
        }
        let seconds = b.count == 5 ? digits / 100 * 3600 + digits % 100 * 60 : digits / 10_000 * 3600 + digits / 100 % 100 * 60 + digits % 100
        return b[0] == 0x2D ? -seconds : seconds
    }
}
