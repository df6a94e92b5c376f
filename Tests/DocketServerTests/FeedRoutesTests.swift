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

#if canImport(FoundationXML)
import FoundationXML
#endif

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
            let calendar = try ICS(text)
            let events = calendar.components("VEVENT")
            #expect(events.count == 15)
            #expect(events.map { $0["UID"] } == page.episodes.map { "\($0.id.rawValue)@docket" })
            // 15:00 on the Berlin wall clock each time: 14:00Z in CET, 13:00Z in CEST.
            #expect(events.allSatisfy { $0.line("DTSTART")?.hasPrefix("DTSTART;TZID=Europe/Berlin:") == true })
            #expect(events.allSatisfy { $0["DTSTART"]?.hasSuffix("T150000") == true })
            #expect(events.map { $0["DTSTART"] } == page.episodes.map { Self.berlin($0.startsAt) })
            #expect(page.episodes[0].startsAt == Timestamp(rfc3339: "2020-03-24T14:00:00.000Z"))
            #expect(page.episodes[1].startsAt == Timestamp(rfc3339: "2020-03-31T13:00:00.000Z"))
            let zone = calendar.components("VTIMEZONE")
            #expect(zone.first?["TZID"] == "Europe/Berlin")
            let daylight = calendar.components("DAYLIGHT")
            #expect(daylight.count == 1)
            #expect(daylight.first?["DTSTART"] == "20200329T020000")
            #expect(daylight.first?["TZOFFSETFROM"] == "+0100" && daylight.first?["TZOFFSETTO"] == "+0200")
            #expect(events[0]["URL"] == "http://\(Self.host)\(Self.demo)/episodes/1")
            #expect(events.map { $0["STATUS"] } == Array(repeating: "CONFIRMED", count: 15))
            #expect(events.map { $0["SEQUENCE"] } == Array(repeating: "0", count: 15))
            #expect(events[0].text("DESCRIPTION")?.contains("Hidden fluid mechanics") == true)
            #expect(calendar.lines.allSatisfy { $0.utf8.count <= 75 })
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
            let calendar = try ICS(text)
            #expect(calendar.components("VEVENT").map { $0["UID"] } == ["\(three.id.rawValue)@docket"])
            #expect(calendar.components("VEVENT").first?.text("SUMMARY") == "Model-driven Machine Learning #3: \(three.title)")
            #expect(calendar.components("VTIMEZONE").count == 1)
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
            let before = try ICS(try await client.get("\(Self.demo)/episodes/15/calendar.ics").2)
            let feedBefore = try AtomTree.parse(try await client.get("\(Self.demo)/feed.atom").2)
            fixture.advance(minutes: 10)
            try fixture.store.run("episode.reschedule", ["id": .string(fifteen.id.rawValue), "startsAt": "2020-09-29T13:00:00.000Z"])
            let after = try ICS(try await client.get("\(Self.demo)/episodes/15/calendar.ics").2)
            let (old, new) = (try #require(before.components("VEVENT").first), try #require(after.components("VEVENT").first))
            #expect(old["UID"] == new["UID"])
            #expect(old["SEQUENCE"] == "0" && new["SEQUENCE"] == "1")
            #expect(old["DTSTART"] == "20200922T150000" && new["DTSTART"] == "20200929T150000")
            #expect((old["DTSTAMP"] ?? "") < (new["DTSTAMP"] ?? ""))
            let feedAfter = try AtomTree.parse(try await client.get("\(Self.demo)/feed.atom").2)
            let id = "urn:uuid:\(fifteen.id.rawValue)"
            let updated = { (feed: AtomTree.Node) in feed.children("entry").first { $0.child("id")?.text == id }?.child("updated")?.text }
            let (then, now) = (try #require(updated(feedBefore)), try #require(updated(feedAfter)))
            #expect(Timestamp(rfc3339: now)! > Timestamp(rfc3339: then)!)
            #expect(feedAfter.children("entry").first?.child("id")?.text == id)
            #expect(feedAfter.child("updated")?.text == now)
            // The rescheduled one's neighbours did not move: their sequence stays.
            let all = try ICS(try await client.get("\(Self.demo)/calendar.ics").2).components("VEVENT")
            #expect(all.filter { $0["SEQUENCE"] == "1" }.map { $0["UID"] } == [new["UID"]])
        }
    }

    @Test func aCancelledEpisodeStaysInTheCalendarAsCancelledAndLosesItsPage() async throws {
        let fixture = try FeedFixture()
        defer { fixture.remove() }
        let fifteen = try #require(try fixture.store.publicSeries(slug: "ml-seminar")?.episode(number: 15))
        fixture.advance(minutes: 5)
        try fixture.store.run("episode.cancel", ["id": .string(fifteen.id.rawValue)])
        try await fixture.app.test(.router) { client in
            let events = try ICS(try await client.get("\(Self.demo)/calendar.ics").2).components("VEVENT")
            let event = try #require(events.first { $0["UID"] == "\(fifteen.id.rawValue)@docket" })
            #expect(event["STATUS"] == "CANCELLED")
            #expect(event["SEQUENCE"] == "1")
            #expect(event["URL"] == "http://\(Self.host)\(Self.demo)")
            #expect(events.filter { $0["STATUS"] == "CANCELLED" }.count == 1)
            #expect(try await client.get("\(Self.demo)/episodes/15/calendar.ics").0 == .notFound)
            let feed = try AtomTree.parse(try await client.get("\(Self.demo)/feed.atom").2)
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
            let feed = try AtomTree.parse(text)
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
            let events = try ICS(String(decoding: calendar.body, as: UTF8.self)).components("VEVENT")
            #expect(events.first?["URL"] == "https://seminar.example.org\(Self.demo)/episodes/1")
            let feed = try await RawGet.fetch(port: port, path: "\(Self.demo)/feed.atom", host: "[::1]:8080", proto: nil)
            #expect(feed.headers["content-type"] == "application/atom+xml; charset=utf-8")
            let links = try AtomTree.parse(String(decoding: feed.body, as: UTF8.self)).children("link").compactMap { $0.attributes["href"] }
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
            #expect(try ICS(text).components("VEVENT").first?["URL"] == "http://127.0.0.1:0\(Self.demo)/episodes/1")
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
        guard let answer = RawGet(bytes) else { throw ICS.Malformed(reason: "no whole response within 10 s") }
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

    var app: some ApplicationProtocol {
        var logger = Logger(label: "docket-feed-test")
        logger.logLevel = .warning
        return buildApplication(store: store, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: logger)
    }

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

/// An iCalendar text unfolded into content lines and flat components (nesting is not kept).
struct ICS {
    struct Component {
        let name: String
        var lines: [String] = []

        /// The whole content line of property `name`.
        func line(_ name: String) -> String? {
            lines.first { $0.hasPrefix(name + ":") || $0.hasPrefix(name + ";") }
        }

        /// The raw value of property `name` (after the first colon).
        subscript(_ name: String) -> String? {
            guard let line = line(name), let colon = line.firstIndex(of: ":") else { return nil }
            return String(line[line.index(after: colon)...])
        }

        /// A TEXT value unescaped.
        func text(_ name: String) -> String? {
            guard let value = self[name] else { return nil }
            var out = ""
            var escaping = false
            for character in value {
                if escaping {
                    out.append(character == "n" || character == "N" ? "\n" : character)
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else {
                    out.append(character)
                }
            }
            return out
        }
    }

    struct Malformed: Error {
        let reason: String
    }

    /// The physical lines, split at CRLF.
    let lines: [String]
    private var all: [Component] = []

    init(_ text: String) throws {
        guard text.hasSuffix("\r\n") else { throw Malformed(reason: "no final CRLF") }
        lines = text.components(separatedBy: "\r\n").dropLast()
        var unfolded: [String] = []
        for line in lines {
            guard !line.contains("\n"), !line.contains("\r") else { throw Malformed(reason: "a bare line break") }
            if line.hasPrefix(" ") {
                guard !unfolded.isEmpty else { throw Malformed(reason: "a leading continuation") }
                unfolded[unfolded.count - 1] += line.dropFirst()
            } else {
                unfolded.append(line)
            }
        }
        var open: [Component] = []
        for line in unfolded {
            if line.hasPrefix("BEGIN:") {
                open.append(Component(name: String(line.dropFirst(6))))
            } else if line.hasPrefix("END:") {
                guard let last = open.popLast(), last.name == line.dropFirst(4) else { throw Malformed(reason: "unmatched \(line)") }
                all.append(last)
            } else {
                guard !open.isEmpty else { throw Malformed(reason: "a property outside a component") }
                open[open.count - 1].lines.append(line)
            }
        }
        guard open.isEmpty, all.last?.name == "VCALENDAR" else { throw Malformed(reason: "not one closed VCALENDAR") }
    }

    /// The components called `name`, in the order they close.
    func components(_ name: String) -> [Component] { all.filter { $0.name == name } }
}

/// An XML document read with Foundation's parser into a small tree; parsing fails on malformed XML.
final class AtomTree: NSObject, XMLParserDelegate {
    final class Node {
        let name: String
        let attributes: [String: String]
        var text = ""
        var children: [Node] = []

        init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }

        func child(_ name: String) -> Node? { children.first { $0.name == name } }
        func children(_ name: String) -> [Node] { children.filter { $0.name == name } }
    }

    struct Malformed: Error {
        let reason: String
    }

    private var stack: [Node] = []
    private var root: Node?

    static func parse(_ text: String) throws -> Node {
        let parser = XMLParser(data: Data(Array(text.utf8)))
        let tree = AtomTree()
        parser.delegate = tree
        guard parser.parse(), let root = tree.root else { throw Malformed(reason: parser.parserError.map { "\($0)" } ?? "no root") }
        return root
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        stack.append(Node(name: elementName, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let node = stack.popLast() else { return }
        if let parent = stack.last { parent.children.append(node) } else { root = node }
    }
}
