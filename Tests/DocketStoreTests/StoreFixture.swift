import DocketCore
import DocketStore
import Foundation
import Synchronization

/// A clock tests can move.
final class TestClock: Sendable {
    private let value: Mutex<Int64>

    init(_ start: Timestamp = Timestamp(rfc3339: "2026-11-25T10:00:00.000Z")!) {
        value = Mutex(start.milliseconds)
    }

    var now: Timestamp { Timestamp(milliseconds: value.withLock { $0 }) }

    func advance(seconds: Int64) {
        value.withLock { $0 += seconds * 1000 }
    }
}

/// A real database file in WAL mode with one series and three people, removed at the end.
struct StoreFixture {
    let directory: URL
    let store: Store
    let clock: TestClock
    let series = "0193f1c2-0000-7000-8000-000000000001"
    let organizer: Principal
    let member: Principal
    let outsider: Principal

    init(visibility: String = "members") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let clock = TestClock()
        self.clock = clock
        let environment = Environment(now: { clock.now }, randomBytes: { count in (0..<count).map { _ in UInt8.random(in: 0...255) } })
        store = try Store(path: directory.appendingPathComponent("docket.db").path, environment: environment)
        try store.run(
            "series.create",
            [
                "id": .string(series), "slug": "reading-group", "title": "Reading group", "timeZone": "Europe/Berlin",
                "cadence": ["rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "startDate": "2026-01-06", "startTime": "15:00"],
                "visibility": .string(visibility),
            ])
        organizer = try Self.person(store, "Olga", role: "organizer", series: series)
        member = try Self.person(store, "Mia", role: "member", series: series)
        outsider = try Self.person(store, "Otto", role: nil, series: series)
    }

    var path: String { directory.appendingPathComponent("docket.db").path }

    static func person(_ store: Store, _ name: String, role: String?, series: String) throws -> Principal {
        let id = newID()
        try store.run("person.create", ["id": .string(id), "name": .string(name), "email": .string("\(name.lowercased())@example.org")])
        if let role {
            try store.run("membership.set", ["seriesID": .string(series), "personID": .string(id), "role": .string(role)])
        }
        return Principal(personID: PersonID(trusted: id), isAdmin: false)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A fresh lowercase UUID string.
func newID() -> String { UUID().uuidString.lowercased() }

/// A suggestion.create mutation's args for a paper with the given arXiv id.
func suggestionArgs(_ id: String, series: String, title: String = "A paper", arxiv: String? = nil) -> JSONValue {
    var paper: [(String, JSONValue)] = [("title", .string(title)), ("authors", ["A. Author"])]
    if let arxiv { paper.append(("arxivID", .string(arxiv))) }
    return ["id": .string(id), "seriesID": .string(series), "title": .string(title), "paper": .object(paper)]
}

extension PullPage {
    /// The pulled values of one type, parsed.
    func values(_ type: String) -> [JSONValue] {
        changes.filter { $0.type == type && !$0.deleted }.compactMap { $0.value.flatMap { try? JSONParser.parse($0) } }
    }
}
