import DocketCore
import DocketServer
import DocketStore
import DocketTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

// MARK: - A raw event-stream client

/// One `GET /v1/sync/events` over its own plain socket, read without blocking.
///
/// The test client of `.live` waits for a whole response, which an event stream never ends, so the streams
/// here are bare sockets: connect, send the request, then `pump()` whatever arrived. Chunked framing is
/// left in the text; every event is one write of the server and so one chunk, never split.
final class RawEventStream: @unchecked Sendable {
    private let socket: LoopbackSocket
    private var received: [UInt8] = []
    /// True once the server closed the connection (or reading failed).
    private(set) var ended = false

    /// Connects to 127.0.0.1:`port` and sends the request; throws when the socket cannot be made or connected.
    init(port: Int, token: String?, path: String = "/v1/sync/events") throws {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        request += "\r\n"
        do {
            // A bounded blocking connect and send on loopback, then non-blocking reads.
            socket = try LoopbackSocket(port: port, sendTimeout: 5, receiveTimeout: nil)
            try socket.sendAll(Array(request.utf8))
        } catch let failure as LoopbackSocket.Failure {
            throw RawEventStreamError(failure.description)
        }
        socket.makeNonBlocking()
    }

    /// Reads everything that has arrived, without waiting.
    func pump() {
        guard socket.isOpen, !ended else { return }
        while true {
            // nil: the server closed; a failure: a reset.
            guard let bytes = try? socket.receive(maxCount: 16_384) else {
                ended = true
                return
            }
            if bytes.isEmpty { return }
            received.append(contentsOf: bytes)
        }
    }

    /// Everything read so far, as text (status line, headers and body).
    var text: String { String(decoding: received, as: UTF8.self) }

    /// The response head (status line and headers), once it arrived.
    var head: String? {
        guard let range = text.range(of: "\r\n\r\n") else { return nil }
        return String(text[..<range.lowerBound])
    }

    /// The status code of the response, once its status line arrived.
    var status: Int? {
        let parts = text.prefix { $0 != "\r" }.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1.") else { return nil }
        return Int(parts[1])
    }

    /// True once the stream's first comment (`: connected`) arrived: the server has registered the stream.
    var isConnected: Bool { text.contains(": connected\n\n") }

    /// How many `event: poke` events arrived.
    var pokeCount: Int { text.components(separatedBy: "event: poke\n").count - 1 }

    /// How many `: keep-alive` comments arrived.
    var keepAliveCount: Int { text.components(separatedBy: ": keep-alive\n\n").count - 1 }

    /// The versions of the pokes that arrived, in order.
    var pokeVersions: [Int64] {
        text.components(separatedBy: "event: poke\ndata: {\"version\":").dropFirst().compactMap { Int64($0.prefix { $0.isNumber }) }
    }

    /// Closes the socket (the client going away).
    func close() { socket.close() }

    /// Pumps `streams` until `predicate` holds for all of them or `seconds` pass; true when it held.
    static func wait(
        _ streams: [RawEventStream], seconds: Double, until predicate: (RawEventStream) -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            for stream in streams { stream.pump() }
            if streams.allSatisfy(predicate) { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

struct RawEventStreamError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

// MARK: - The app with a hub the test can ask

/// The production router and poke service around a fixture's store, on a real socket, with the
/// `PokeHub` in hand (so a test can read `connectionCount`) and a short keep-alive.
///
/// `buildApplication` makes its hub privately, so its count cannot be read from outside; this is the same
/// router (`buildRouter`) and the same `PokeHub` type, started as a service the way `buildApplication` does.
/// The short keep-alive also matters for ending a test: a stream whose client went away is dropped only at
/// its next write, and a live test ends with a graceful shutdown that waits for every open stream (see
/// `EventStreamProcessTests` in DocketEndToEndTests).
enum EventApp {
    static func run(
        _ server: TestServer, keepAlive: Duration = .seconds(1),
        _ test: @escaping @Sendable (_ hub: PokeHub, _ port: Int, _ client: any TestClientProtocol) async throws -> Void
    ) async throws {
        var logger = Logger(label: "docket-event-test")
        logger.logLevel = .warning
        let hub = PokeHub(store: server.store, logger: logger, keepAliveEvery: keepAlive)
        let router = buildRouter(store: server.store, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: logger, hub: hub)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "docket"), services: [hub],
            logger: logger)
        try await app.test(.live) { client in
            let port = try #require(client.port, "the live server has no port")
            try await test(hub, port, client)
        }
    }

    /// Waits (bounded) until the hub counts `expected` open streams; returns the last count seen.
    static func waitForCount(_ hub: PokeHub, _ expected: Int, seconds: Double) async -> Int {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            let count = await hub.connectionCount
            if count == expected || ContinuousClock.now >= deadline { return count }
            try? await Task.sleep(for: .milliseconds(25))
        }
    }
}

// MARK: - Tests

/// `GET /v1/sync/events` (PROTOCOL section 4) in process: who is poked, keep-alives, dropped clients, many streams.
///
/// These tests share the test process's cooperative pool with every other test, and synchronous end-to-end tests
/// running beside them can hold it for seconds; so the waits here are long (they end as soon as the awaited thing
/// happens) and check what arrives, not how fast. How fast a poke arrives is measured against a real `docket serve`
/// process, which has a pool of its own: `EventStreamProcessTests` (DocketEndToEndTests).
@Suite struct EventStreamTests {
    static let memberClient = "0193f1c2-0000-7000-8000-0000000e5e01"
    /// How long any single wait may last: generous, see above.
    static let patience = 30.0

    /// A new suggestion by the member in the fixture's members-only series.
    static func suggestion(_ id: Int64, series: String, title: String) -> JSONValue {
        BadInput.mutation(
            id, "suggestion.create",
            [
                "id": .string(UUID().uuidString.lowercased()), "seriesID": .string(series), "title": .string(title),
                "paper": ["title": .string("Paper for \(title)"), "authors": ["Eve Events"]],
            ])
    }

    static func version(_ reply: BadInput.Reply) -> Int64? {
        if case .int(let version)? = reply.json["version"] { return version }
        return nil
    }

    @Test func aVisibleChangePokesAndAnInvisibleOneDoesNot() async throws {
        let server = try TestServer(visibility: "members")
        defer { server.remove() }
        try await EventApp.run(server) { hub, port, client in
            let member = try RawEventStream(port: port, token: server.memberToken)
            let outsider = try RawEventStream(port: port, token: server.outsiderToken)
            defer { member.close(); outsider.close() }
            let streams = [member, outsider]
            #expect(await RawEventStream.wait(streams, seconds: Self.patience) { $0.isConnected }, "no `: connected`: \(streams.map(\.text))")
            for stream in streams {
                #expect(stream.status == 200, "\(stream.text.prefix(300))")
                #expect(stream.head?.lowercased().contains("content-type: text/event-stream") == true, "\(stream.head ?? "no head")")
            }
            #expect(await hub.connectionCount == 2)
            // Nothing changed yet: no poke.
            try await Task.sleep(for: .milliseconds(600))
            for stream in streams { stream.pump() }
            #expect(member.pokeCount == 0 && outsider.pokeCount == 0, "a poke without a change: \(member.text) \(outsider.text)")

            // A change in the members-only series: the member is poked, with a version at or after the change.
            let pushed = try await BadInput.push(
                client, token: server.memberToken, clientID: Self.memberClient,
                [Self.suggestion(1, series: server.seriesID, title: "Poke me")])
            #expect(pushed.status == .ok, "\(pushed.text.prefix(300))")
            let pushedVersion = try #require(Self.version(pushed), "push answered no version: \(pushed.text.prefix(300))")
            #expect(
                await RawEventStream.wait([member], seconds: Self.patience) { ($0.pokeVersions.last ?? -1) >= pushedVersion },
                "the member was not poked with version \(pushedVersion) or later: \(member.text)")
            #expect(member.text.contains("event: poke\ndata: {\"version\":\(member.pokeVersions.first ?? -1)}\n\n"), "event format: \(member.text)")

            // The outsider may not see anything of that series: no poke, even well after the member's (the service
            // decides for every stream in the same pass).
            try await Task.sleep(for: .milliseconds(1500))
            outsider.pump()
            #expect(outsider.pokeCount == 0, "the outsider was poked for a members-only change: \(outsider.text)")

            // A change the outsider may see (a new public series, written straight to the file as the CLI does) pokes them too:
            // their stream works, so the silence above was the visibility rule.
            let written = try server.store.run(
                "series.create",
                [
                    "id": "0193f1c2-0000-7000-8000-0000000e5e10", "slug": "open-talks", "title": "Open talks", "timeZone": "Europe/Berlin",
                    "cadence": ["rrule": "FREQ=WEEKLY;BYDAY=MO", "startDate": "2026-02-02", "startTime": "18:00"], "visibility": "public",
                ])
            #expect(
                await RawEventStream.wait([outsider], seconds: Self.patience) { ($0.pokeVersions.last ?? -1) >= written },
                "the outsider was not poked for a public change (version \(written)): \(outsider.text)")
            #expect(streams.allSatisfy { !$0.ended }, "the server closed a stream")
        }
    }

    @Test func unauthenticatedStreamsAreRefused() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await EventApp.run(server) { hub, port, _ in
            for token in [nil, "dkt_" + String(repeating: "A", count: 43)] {
                let stream = try RawEventStream(port: port, token: token)
                defer { stream.close() }
                #expect(await RawEventStream.wait([stream], seconds: Self.patience) { $0.head != nil }, "no answer: \(stream.text)")
                #expect(stream.status == 401, "\(stream.text.prefix(300))")
                #expect(!stream.isConnected)
            }
            #expect(await hub.connectionCount == 0, "a refused request was registered as a stream")
        }
    }

    @Test func keepAlivesFlowAndAClientThatLeavesIsDropped() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await EventApp.run(server, keepAlive: .seconds(1)) { hub, port, _ in
            let first = try RawEventStream(port: port, token: server.memberToken)
            let second = try RawEventStream(port: port, token: server.organizerToken)
            defer { first.close(); second.close() }
            #expect(await RawEventStream.wait([first, second], seconds: Self.patience) { $0.isConnected }, "not connected: \(first.text) \(second.text)")
            #expect(await EventApp.waitForCount(hub, 2, seconds: Self.patience) == 2)

            // With a keep-alive every second, each stream sees several, and no poke.
            #expect(await RawEventStream.wait([first, second], seconds: Self.patience) { $0.keepAliveCount >= 2 }, "no keep-alives: \(first.text) \(second.text)")
            #expect(first.pokeCount == 0 && second.pokeCount == 0)

            // The first client goes away: the hub drops it.
            first.close()
            let afterLeaving = await EventApp.waitForCount(hub, 1, seconds: Self.patience)
            #expect(afterLeaving == 1, "a stream whose client left is still counted after \(Self.patience) s: \(afterLeaving)")
            // The other stream is unaffected.
            let seen = second.keepAliveCount
            #expect(await RawEventStream.wait([second], seconds: Self.patience) { $0.keepAliveCount > seen }, "the remaining stream stopped: \(second.text)")
            #expect(!second.ended)

            second.close()
            let afterBoth = await EventApp.waitForCount(hub, 0, seconds: Self.patience)
            #expect(afterBoth == 0, "streams whose clients left are still counted after \(Self.patience) s: \(afterBoth)")
        }
    }

    /// With no keep-alive due for ten minutes nothing is written, yet a client that closes its connection is dropped:
    /// the server watches the connection, not only failed writes.
    @Test func aClientThatLeavesIsDroppedWithoutAnyWrite() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await EventApp.run(server, keepAlive: .seconds(600)) { hub, port, _ in
            let leaving = try RawEventStream(port: port, token: server.memberToken)
            let staying = try RawEventStream(port: port, token: server.organizerToken)
            defer { leaving.close(); staying.close() }
            #expect(await RawEventStream.wait([leaving, staying], seconds: Self.patience) { $0.isConnected })
            #expect(await EventApp.waitForCount(hub, 2, seconds: Self.patience) == 2)
            leaving.close()
            let afterLeaving = await EventApp.waitForCount(hub, 1, seconds: Self.patience)
            #expect(afterLeaving == 1, "a stream whose client left is still counted after \(Self.patience) s with no write: \(afterLeaving)")
            staying.pump()
            #expect(!staying.ended, "the other stream ended too: \(staying.text)")
        }
    }

    /// 200 idle streams at once (180 of people who may see the change, 20 of an outsider who may not): one change
    /// pokes each of the 180, and none of the 20; when the clients leave, the hub drops all 200.
    @Test func manyIdleStreamsAllReceiveAPoke() async throws {
        let server = try TestServer(visibility: "members")
        defer { server.remove() }
        let seeing = 180, blind = 20
        try await EventApp.run(server, keepAlive: .seconds(1)) { hub, port, client in
            var watchers: [RawEventStream] = []
            var outsiders: [RawEventStream] = []
            defer { for stream in watchers + outsiders { stream.close() } }
            // Opened in groups of 50, each group confirmed before the next, so the listen backlog never overflows.
            for group in 0..<((seeing + blind + 49) / 50) {
                var opened: [RawEventStream] = []
                for index in (group * 50)..<min((group + 1) * 50, seeing + blind) {
                    let stream = try RawEventStream(
                        port: port, token: index >= seeing ? server.outsiderToken : index % 2 == 0 ? server.memberToken : server.organizerToken)
                    if index < seeing { watchers.append(stream) } else { outsiders.append(stream) }
                    opened.append(stream)
                }
                let connected = await RawEventStream.wait(opened, seconds: Self.patience) { $0.isConnected }
                #expect(connected, "group \(group): \(opened.filter { !$0.isConnected }.count) of \(opened.count) streams not connected")
                guard connected else { return }
            }
            #expect(await hub.connectionCount == seeing + blind)

            let pushed = try await BadInput.push(
                client, token: server.memberToken, clientID: Self.memberClient,
                [Self.suggestion(1, series: server.seriesID, title: "One for everyone")])
            #expect(pushed.status == .ok, "\(pushed.text.prefix(300))")
            let version = try #require(Self.version(pushed))
            let all = await RawEventStream.wait(watchers, seconds: Self.patience) { ($0.pokeVersions.last ?? -1) >= version }
            #expect(all, "\(watchers.filter { ($0.pokeVersions.last ?? -1) >= version }.count) of \(seeing) idle streams were poked for version \(version)")
            #expect(watchers.allSatisfy { !$0.ended }, "a stream was closed by the server")
            try await Task.sleep(for: .milliseconds(1500))
            for stream in outsiders { stream.pump() }
            #expect(outsiders.allSatisfy { $0.pokeCount == 0 }, "\(outsiders.filter { $0.pokeCount > 0 }.count) outsider streams were poked")

            // All clients leave: every stream is dropped (at a later keep-alive).
            for stream in watchers + outsiders { stream.close() }
            let left = await EventApp.waitForCount(hub, 0, seconds: Self.patience)
            #expect(left == 0, "\(left) streams still counted \(Self.patience) s after their clients left")
        }
    }
}
