import DocketAPI
import DocketClient
import DocketCore
import DocketServer
import DocketStore
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A server database with one series and some members, the real app around it, and client replicas beside it.
struct ClientFixture: Sendable {
    let directory: URL
    let databasePath: String
    let store: Store
    let seriesID = "0193f1c2-0000-7000-8000-000000000001"
    let slug = "reading-group"
    let members: [Member]

    /// One member of the series with a token.
    struct Member: Sendable {
        var id: PersonID
        var token: String
    }

    init(members count: Int = 1) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-client-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        databasePath = directory.appendingPathComponent("server.db").path
        store = try Store(path: databasePath)
        try store.run(
            "series.create",
            [
                "id": .string(seriesID), "slug": .string(slug), "title": "Reading group", "timeZone": "Europe/Berlin",
                "cadence": ["rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "startDate": "2026-01-06", "startTime": "15:00"],
                "visibility": "members",
            ])
        var members: [Member] = []
        for index in 0..<count {
            let id = UUIDv7.make(milliseconds: 1, random: Array(UUID().uuidString.utf8.prefix(10)))
            try store.run("person.create", ["id": .string(id), "name": .string("Member \(index)"), "email": .string("m\(index)@example.org")])
            try store.run("membership.set", ["seriesID": .string(seriesID), "personID": .string(id), "role": "member"])
            members.append(Member(id: PersonID(trusted: id), token: try store.issueToken(person: PersonID(trusted: id), device: "test").secret))
        }
        self.members = members
    }

    /// The app over `store` (the fixture's, unless a test reopened the file).
    static func application(_ store: Store) -> some ApplicationProtocol {
        var logger = Logger(label: "docket-client-test")
        logger.logLevel = .warning
        return buildApplication(store: store, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: logger)
    }

    /// Runs `body` while the real server listens on 127.0.0.1 (a free port); the server stops after.
    func live<Value: Sendable>(store: Store? = nil, _ body: @Sendable (ServerURL) async throws -> Value) async throws -> Value {
        try await ClientFixture.application(store ?? self.store).test(.live) { client in
            guard let port = client.port, let url = ServerURL("http://127.0.0.1:\(port)") else { throw ReplicaError("the live server has no port") }
            return try await body(url)
        }
    }

    /// A new replica file logged in as `member` at `server`.
    func replica(_ name: String, member: Member, server: ServerURL) throws -> Replica {
        let replica = try Replica(path: directory.appendingPathComponent("\(name).db").path, newClientID: ClientFixture.newClientID)
        try replica.login(serverURL: server.description, token: member.token, personID: member.id, newClientID: ClientFixture.newClientID)
        return replica
    }

    static func newClientID() -> ClientID { ClientID(trusted: UUID().uuidString.lowercased()) }

    static func now() -> Timestamp { Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)) }

    /// An engine over `replica` talking to `server` (through `exchanger` when given), sleeping through `sleeper`.
    static func engine(
        _ replica: Replica, server: ServerURL, exchanger: (any HTTPExchanger)? = nil, settings: SyncSettings = SyncSettings(),
        sleeper: any SyncSleeper = LiveSleeper(), pullLimit: Int = 500, onProgress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) throws -> SyncEngine {
        let token = try replica.installation().token ?? ""
        let transport = LiveTransport(token: token, exchanger: exchanger ?? NIOExchanger(server: server, timeoutMilliseconds: 10_000))
        return try SyncEngine(
            replica: replica, transport: transport, settings: settings, seed: 1, sleeper: sleeper, now: now, pullLimit: pullLimit,
            onProgress: onProgress)
    }

    /// What a brand-new client of `member` pulls now, as (type/id → value), from the store itself.
    func freshPull(_ member: Member, store: Store? = nil) throws -> [String: JSONValue] {
        let store = store ?? self.store
        let actor = Principal(personID: member.id, isAdmin: false)
        var cursor: String?
        var state: [String: JSONValue] = [:]
        for _ in 0..<100 {
            let page = try store.pull(actor: actor, clientID: ClientFixture.newClientID(), cursor: cursor, limit: 5000)
            for change in page.changes {
                let key = "\(change.type)/\(change.id)"
                if change.deleted { state[key] = nil } else { state[key] = try JSONParser.parse(change.value ?? "null") }
            }
            cursor = page.cursor
            if !page.hasMore { return state }
        }
        throw ReplicaError("a fresh pull did not end within 100 pages")
    }

    /// The replica's pulled state as (type/id → value).
    static func pulledState(_ replica: Replica) throws -> [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: try replica.pulledEntities().map { ("\($0.type)/\($0.id)", $0.value ?? .null) })
    }

    /// Syncs `engine` until its replica equals a fresh pull of `member` at an unchanged server version (bounded).
    ///
    /// The server derives standings on its own schedule (about once a second), so one
    /// comparison can straddle such a write; a comparison counts only when the server's
    /// change version did not move while it was made.
    func expectConverged(
        _ engine: SyncEngine, _ replica: Replica, _ member: Member, store: Store? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let store = store ?? self.store
        var last: (mine: [String: JSONValue], fresh: [String: JSONValue]) = ([:], [:])
        for _ in 0..<40 {
            let before = try store.clock().version
            try await engine.sync()
            let mine = try ClientFixture.pulledState(replica)
            let fresh = try freshPull(member, store: store)
            if try store.clock().version == before {
                #expect(mine == fresh, "the replica differs from a fresh pull: \(ClientFixture.difference(mine, fresh))", sourceLocation: sourceLocation)
                return
            }
            last = (mine, fresh)
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("the server never held still for a comparison; last difference: \(ClientFixture.difference(last.mine, last.fresh))", sourceLocation: sourceLocation)
    }

    static func difference(_ a: [String: JSONValue], _ b: [String: JSONValue]) -> String {
        let keys = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
        return keys.prefix(5).map { "\($0): \(a[$0].map(\.jsonString) ?? "absent") vs \(b[$0].map(\.jsonString) ?? "absent")" }.joined(separator: "; ")
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// A sleeper that records each wait and returns (almost) at once, so backoff costs no test time.
final class RecordingSleeper: SyncSleeper, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Int64] = []

    var waits: [Int64] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func sleep(milliseconds: Int64) async throws {
        lock.withLock { recorded.append(milliseconds) }
        try await Task.sleep(for: .milliseconds(1))
    }
}
