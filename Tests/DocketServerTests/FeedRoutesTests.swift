import DocketCore
import DocketServer
import DocketStore
import DocketTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// The calendar and feed routes on a real database file holding the demo seminar (Europe/Berlin; episode 1 on
/// 2020-03-24 at 14:00Z, before the spring change, the rest at 13:00Z), plus a members-only series.
@Suite struct FeedRoutesTests {
    /// The authority HummingbirdTesting gives every request.
    static let host = "localhost"
    static let demo = "/series/ml-seminar"

    @Test func theDemoCalendarPutsEveryEpisodeAtThreeInTheAfternoonBerlinTime() async throws {
        let fixture = try FeedFixture()
        defer { fixture.remove() }
        let page = try #require(try fixture.store.publicSeries(slug: "ml-seminar"))
        try await fixture.app.test(.router) { client in
            let (status, headers, text) = try await client.get("\(Self.demo)/calendar.ics")
            #expect(status == .ok)
            #expect(headers[.contentType] == "text/calendar; charset=utf-8")
            let calendar = try ICSReader.parse(text)
            let events = calendar.children("VEVENT")
            #expect(events.count == 15)
            #expect(events.map { $0.value("UID") } == page.episodes.map { "\($0.id.rawValue)@docket" })
            // 15:00 on the Berlin wall clock each time: 14:00Z in CET, 13:00Z in CEST.
            #expect(events.allSatisfy { $0.property("DTSTART")?.line.hasPrefix("DTSTART;TZID=Europe/Berlin:") == true })
            #expect(events.allSatisfy { $0.value("DTSTART")?.hasSuffix("T150000") == true })
            #expect(events.map { $0.value("DTSTART") } == page.episodes.map { Self.berlin($0.startsAt) })
            #expect(page.episodes[0].startsAt == Timestamp(rfc3339: "2020-03-24T14:00:00.000Z"))
            #expect(page.episodes[1].startsAt == Timestamp(rfc3339: "2020-03-31T13:00:00.000Z"))
            let zone = calendar.children("VTIMEZONE")
            #expect(zone.first?.value("TZID") == "Europe/Berlin")
            let daylight = zone.flatMap { $0.children("DAYLIGHT") }
            #expect(daylight.count == 1)
            #expect(daylight.first?.value("DTSTART") == "20200329T020000")
            #expect(daylight.first?.value("TZOFFSETFROM") == "+0100" && daylight.first?.value("TZOFFSETTO") == "+0200")
            #expect(events[0].value("URL") == "http://\(Self.host)\(Self.demo)/episodes/1")
            #expect(events.map { $0.value("STATUS") } == Array(repeating: "CONFIRMED", count: 15))
            #expect(events.map { $0.value("SEQUENCE") } == Array(repeating: "0", count: 15))
            #expect(events[0].text("DESCRIPTION")?.contains("Hidden fluid mechanics") == true)
            #expect(ICSReader.physicalLines(Array(text.utf8)).allSatisfy { $0.count <= 75 })
        }
    }

    @Test func oneEpisodesCalendarHoldsOnlyThatEpisode() async throws {
        let fixture = try FeedFixture()
        defer { fixture.remove() }
        let three = try #require(try fixture.store.publicSeries(slug: "ml-seminar")?.episode(number: 3))
        try await fixture.app.test(.router) { client in
            let (status, headers, text) = try await client.get("\(Self.demo)/episodes/3/calendar.ics")
            #expect(status == .ok)
            #expect(headers[.contentType] == "text/calendar; charset=utf-8")
            let calendar = try ICSReader.parse(text)
            #expect(calendar.children("VEVENT").map { $0.value("UID") } == ["\(three.id.rawValue)@docket"])
            #expect(calendar.children("VEVENT").first?.text("SUMMARY") == "Model-driven Machine Learning #3: \(three.title)")
            #expect(calendar.children("VTIMEZONE").count == 1)
        }
    }

    @Test(arguments: [
        "/series/reading-group/calendar.ics", "/series/reading-group/feed.atom", "/series/reading-group/episodes/1/calendar.ics",
        "/series/no-such-series/calendar.ics", "/series/no-such-series/feed.atom", "/series/NOT-A-SLUG/calendar.ics",
        "/series/ml-seminar/episodes/16/calendar.ics", "/series/ml-seminar/episodes/0/calendar.ics",
        "/series/ml-seminar/episodes/-1/calendar.ics", "/series/ml-seminar/episodes/+3/calendar.ics", "/series/ml-seminar/episodes/three/calendar.ics",
        "/series/ml-seminar/episodes/99999999999999999999999/calendar.ics",
    ])
    func membersOnlyAndUnknownSeriesAndEpisodesAreNotFound(path: String) async throws {
        let fixture = try FeedFixture()
        defer { fixture.remove() }
        try await fixture.app.test(.router) { client in
            let (status, headers, text) = try await client.get(path)
            #expect(status == .notFound)
            #expect(headers[.contentType] == "application/problem+json")
            let problem = try JSONParser.parse(text)
            #expect(problem["code"] == "not_found")
            #expect(problem["status"] == 404)
            #expect(!text.contains("Reading group"))
        }
    }

    @Test func aRescheduleKeepsTheUIDAndRaisesTheSequenceAndTheFeedEntry() async throws {
        let fixture = try FeedFixture()
        defer { fixture.remove() }
        let fifteen = try #require(try fixture.store.publicSeries(slug: "ml-seminar")?.episode(number: 15))
        try await fixture.app.test(.router) { client in
            let before = try ICSReader.parse(try await client.get("\(Self.demo)/episodes/15/calendar.ics").2)
            let feedBefore = try XMLTree.parse(try await client.get("\(Self.demo)/feed.atom").2)
            fixture.advance(minutes: 10)
            try fixture.store.run("episode.reschedule", ["id": .string(fifteen.id.rawValue), "startsAt": "2020-09-29T13:00:00.000Z"])
            let after = try ICSReader.parse(try await client.get("\(Self.demo)/episodes/15/calendar.ics").2)
            let (old, new) = (try #require(before.children("VEVENT").first), try #require(after.children("VEVENT").first))
            #expect(old.value("UID") == new.value("UID"))
            #expect(old.value("SEQUENCE") == "0" && new.value("SEQUENCE") == "1")
            #expect(old.value("DTSTART") == "20200922T150000" && new.value("DTSTART") == "20200929T150000")
            #expect((old.value("DTSTAMP") ?? "") < (new.value("DTSTAMP") ?? ""))
            let feedAfter = try XMLTree.parse(try await client.get("\(Self.demo)/feed.atom").2)
            let id = "urn:uuid:\(fifteen.id.rawValue)"
            let updated = { (feed: XMLTree.Node) in feed.children("entry").first { $0.child("id")?.text == id }?.child("updated")?.text }
            let (then, now) = (try #require(updated(feedBefore)), try #require(updated(feedAfter)))
            #expect(Timestamp(rfc3339: now)! > Timestamp(rfc3339: then)!)
            #expect(feedAfter.children("entry").first?.child("id")?.text == id)
            #expect(feedAfter.child("updated")?.text == now)
            // The rescheduled one's neighbours did not move: their sequence stays.
            let all = try ICSReader.parse(try await client.get("\(Self.demo)/calendar.ics").2).children("VEVENT")
            #expect(all.filter { $0.value("SEQUENCE") == "1" }.map { $0.value("UID") } == [new.value("UID")])
        }
    }

    @Test func aCancelledEpisodeStaysInTheCalendarAsCancelledAndLosesItsPage() async throws {
        let fixture = try FeedFixture()
        defer { fixture.remove() }
        let fifteen = try #require(try fixture.store.publicSeries(slug: "ml-seminar")?.episode(number: 15))
        fixture.advance(minutes: 5)
        try fixture.store.run("episode.cancel", ["id": .string(fifteen.id.rawValue)])
        try await fixture.app.test(.router) { client in
            let events = try ICSReader.parse(try await client.get("\(Self.demo)/calendar.ics").2).children("VEVENT")
            let event = try #require(events.first { $0.value("UID") == "\(fifteen.id.rawValue)@docket" })
            #expect(event.value("STATUS") == "CANCELLED")
            #expect(event.value("SEQUENCE") == "1")
            #expect(event.value("URL") == "http://\(Self.host)\(Self.demo)")
            #expect(events.filter { $0.value("STATUS") == "CANCELLED" }.count == 1)
            #expect(try await client.get("\(Self.demo)/episodes/15/calendar.ics").0 == .notFound)
            let feed = try XMLTree.parse(try await client.get("\(Self.demo)/feed.atom").2)
            #expect(feed.children("entry").first?.child("title")?.text == "\(fifteen.title) (cancelled)")
        }
    }

    @Test func theFeedHasAnEntryPerEpisodeNewestChangeFirst() async throws {
        let fixture = try FeedFixture()
        defer { fixture.remove() }
        let page = try #require(try fixture.store.publicSeries(slug: "ml-seminar"))
        try await fixture.app.test(.router) { client in
            let (status, headers, text) = try await client.get("\(Self.demo)/feed.atom")
            #expect(status == .ok)
            #expect(headers[.contentType] == "application/atom+xml; charset=utf-8")
            let feed = try XMLTree.parse(text)
            let entries = feed.children("entry")
            #expect(entries.count == 15)
            #expect(Set(entries.compactMap { $0.child("id")?.text }) == Set(page.episodes.map { "urn:uuid:\($0.id.rawValue)" }))
            let updated = entries.compactMap { $0.child("updated").flatMap { Timestamp(rfc3339: $0.text) } }
            #expect(updated == updated.sorted(by: >))
            #expect(feed.child("updated")?.text == updated.first?.rfc3339)
            let links = feed.children("link").map { ($0.attributes["rel"] ?? "", $0.attributes["href"] ?? "") }
            #expect(links.contains { $0 == ("self", "http://\(Self.host)\(Self.demo)/feed.atom") })
            let one = try #require(entries.first { $0.child("id")?.text == "urn:uuid:\(page.episodes[0].id.rawValue)" })
            #expect(one.child("title")?.text == "#1: Hidden Fluid Mechanics (held)")
            #expect(one.child("summary")?.text.hasPrefix("Tuesday, 24 March 2020, 15:00–16:00 (Europe/Berlin)") == true)
        }
    }

    @Test func aMatchingETagGetsANotModified() async throws {
        let fixture = try FeedFixture()
        defer { fixture.remove() }
        try await fixture.app.test(.router) { client in
            for path in ["\(Self.demo)/calendar.ics", "\(Self.demo)/feed.atom"] {
                let (_, headers, _) = try await client.get(path)
                let tag = try #require(headers[.eTag])
                let (again, againHeaders, body) = try await client.get(path, ifNoneMatch: tag)
                #expect(again == .notModified)
                #expect(againHeaders[.eTag] == tag)
                #expect(body.isEmpty)
                #expect(try await client.get(path, ifNoneMatch: "\"other\"").0 == .ok)
            }
            // A change gives a new tag.
            let (_, first, _) = try await client.get("\(Self.demo)/calendar.ics")
            fixture.advance(minutes: 1)
            let fifteen = try #require(try fixture.store.publicSeries(slug: "ml-seminar")?.episode(number: 15))
            try fixture.store.run("episode.reschedule", ["id": .string(fifteen.id.rawValue), "startsAt": "2020-09-23T13:00:00.000Z"])
            let (status, _, _) = try await client.get("\(Self.demo)/calendar.ics", ifNoneMatch: first[.eTag])
            #expect(status == .ok)
        }
    }

    @Test func linksUseTheHostAndTheProxysSchemeOverARealSocket() async throws {
        let fixture = try FeedFixture()
        defer { fixture.remove() }
        try await fixture.app.test(.live) { client in
            let port = try #require(client.port)
            let calendar = try await RawGet.fetch(port: port, path: "\(Self.demo)/calendar.ics", host: "seminar.example.org", proto: "https")
            #expect(calendar.status == 200)
            #expect(calendar.headers["content-type"] == "text/calendar; charset=utf-8")
            #expect(Array(calendar.body.prefix(17)) == Array("BEGIN:VCALENDAR\r\n".utf8))
            #expect(Array(calendar.body.suffix(15)) == Array("END:VCALENDAR\r\n".utf8))
            let events = try ICSReader.parse(String(decoding: calendar.body, as: UTF8.self)).children("VEVENT")
            #expect(events.first?.value("URL") == "https://seminar.example.org\(Self.demo)/episodes/1")
            let feed = try await RawGet.fetch(port: port, path: "\(Self.demo)/feed.atom", host: "[::1]:8080", proto: nil)
            #expect(feed.headers["content-type"] == "application/atom+xml; charset=utf-8")
            let links = try XMLTree.parse(String(decoding: feed.body, as: UTF8.self)).children("link").compactMap { $0.attributes["href"] }
            #expect(links.contains("http://[::1]:8080\(Self.demo)/feed.atom"))
        }
    }

    @Test func aHostThatIsNotAPlainNameIsNotEchoed() async throws {
        let fixture = try FeedFixture()
        defer { fixture.remove() }
        try await fixture.app.test(.live) { client in
            let port = try #require(client.port)
            let answer = try await RawGet.fetch(port: port, path: "\(Self.demo)/episodes/1/calendar.ics", host: "evil.example\"><x>/y", proto: "gopher")
            #expect(answer.status == 200)
            let text = String(decoding: answer.body, as: UTF8.self)
            #expect(!text.contains("evil") && !text.contains("gopher"))
            // The address the server was told to listen on instead.
            #expect(try ICSReader.parse(text).children("VEVENT").first?.value("URL") == "http://127.0.0.1:0\(Self.demo)/episodes/1")
        }
    }
}

/// One HTTP/1.1 GET over a plain socket, so the test chooses the Host line.
///
/// Reads without blocking and sleeps between reads, so the test never holds a thread the server needs.
struct RawGet {
    let status: Int
    let headers: [String: String]
    let body: [UInt8]

    /// The server sent no whole response in time.
    struct Incomplete: Error {
        let reason: String
    }

    static func fetch(port: Int, path: String, host: String, proto: String?) async throws -> RawGet {
        let socket = try LoopbackSocket(port: port, sendTimeout: 10, receiveTimeout: nil)
        defer { socket.close() }
        var request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
        if let proto { request += "X-Forwarded-Proto: \(proto)\r\n" }
        try socket.sendAll(Array((request + "\r\n").utf8))
        socket.makeNonBlocking()
        var bytes: [UInt8] = []
        for _ in 0..<500 {
            if let answer = RawGet(bytes) { return answer }
            guard let chunk = try socket.receive() else { break }
            if chunk.isEmpty { try await Task.sleep(for: .milliseconds(20)) } else { bytes += chunk }
        }
        guard let answer = RawGet(bytes) else { throw Incomplete(reason: "no whole response within 10 s") }
        return answer
    }

    /// The response in `bytes` once its head and Content-Length bytes of body have arrived.
    private init?(_ bytes: [UInt8]) {
        let separator = Array("\r\n\r\n".utf8)
        guard bytes.count >= 4, let end = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
            return nil
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let length = headers["content-length"].flatMap(Int.init), bytes.count - end - 4 >= length else { return nil }
        status = head[0].split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        self.headers = headers
        body = Array(bytes[(end + 4)..<(end + 4 + length)])
    }
}

/// A database file with the demo seminar and a members-only series, on a clock the test moves.
struct FeedFixture {
    let directory: URL
    let store: Store
    private let clock: Clock

    /// A clock shared with the store's environment.
    final class Clock: Sendable {
        private let milliseconds: Mutex<Int64>
        init(start: Timestamp) { milliseconds = Mutex(start.milliseconds) }
        var now: Timestamp { Timestamp(milliseconds: milliseconds.withLock { $0 }) }
        func advance(minutes: Int64) { milliseconds.withLock { $0 += minutes * 60_000 } }
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-feed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let clock = Clock(start: Timestamp(rfc3339: "2020-09-01T08:00:00.000Z")!)
        self.clock = clock
        store = try Store(
            path: directory.appendingPathComponent("docket.db").path,
            environment: Environment(now: { clock.now }, randomBytes: { count in (0..<count).map { _ in UInt8.random(in: 0...255) } }))
        _ = try store.loadDemo()
        try store.run(
            "series.create",
            [
                "id": .string(UUID().uuidString.lowercased()), "slug": "reading-group", "title": "Reading group",
                "timeZone": "Europe/Berlin", "visibility": "members",
                "cadence": ["rrule": "FREQ=WEEKLY", "startDate": "2020-01-07", "startTime": "15:00"],
            ])
    }

    func advance(minutes: Int64) { clock.advance(minutes: minutes) }

    var app: some ApplicationProtocol { testApplication(store) }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

extension TestClientProtocol {
    /// A GET (with an If-None-Match when given): status, headers and body text.
    func get(_ uri: String, ifNoneMatch: String? = nil) async throws -> (HTTPResponse.Status, HTTPFields, String) {
        var headers: HTTPFields = [:]
        if let ifNoneMatch { headers[.ifNoneMatch] = ifNoneMatch }
        return try await execute(uri: uri, method: .get, headers: headers) { response in
            (response.status, response.headers, String(buffer: response.body))
        }
    }
}

extension FeedRoutesTests {
    /// `YYYYMMDDTHHMMSS` on Berlin's wall clock, by Foundation's calendar.
    static func berlin(_ instant: Timestamp) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Berlin")!
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(instant.milliseconds) / 1000))
        let two = { (value: Int?) in String(format: "%02d", value ?? 0) }
        return "\(parts.year ?? 0)\(two(parts.month))\(two(parts.day))T\(two(parts.hour))\(two(parts.minute))\(two(parts.second))"
    }
}
