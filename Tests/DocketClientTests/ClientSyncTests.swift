import DocketAPI
import DocketClient
import DocketCore
import DocketStore
import Foundation
import Testing

/// A client and the real server in one process, over a real socket on 127.0.0.1.
@Suite struct ClientSyncTests {
    static func newID() -> String { UUID().uuidString.lowercased() }

    @Test func offlineMutationsShowAtOnceThenSyncAndTheReplicaEqualsAFreshPull() async throws {
        let fixture = try ClientFixture(members: 1)
        defer { fixture.remove() }
        let member = fixture.members[0]
        try await fixture.live { server in
            let replica = try fixture.replica("laptop", member: member, server: server)
            let engine = try ClientFixture.engine(replica, server: server)
            try await engine.sync()
            let series = try #require(try replica.seriesID(fixture.slug))
            #expect(series.rawValue == fixture.seriesID)

            // Offline: two suggestions, a ballot, a volunteering, and a ballot naming an unknown suggestion.
            let first = Self.newID(), second = Self.newID(), unknown = Self.newID()
            let at = ClientFixture.now()
            try replica.enqueue(
                name: "suggestion.create",
                args: ["id": .string(first), "seriesID": .string(series.rawValue), "pitch": "Weather.", "tags": ["weather"],
                       "paper": ["title": "GraphCast", "arxivID": "arXiv:2212.12794v2"]],
                at: at)
            try replica.enqueue(
                name: "suggestion.create",
                args: ["id": .string(second), "seriesID": .string(series.rawValue), "title": "Attention", "paper": ["title": "Attention is all you need", "doi": "https://doi.org/10.5555/3295222"]],
                at: at)
            try replica.enqueue(name: "ballot.set", args: ["seriesID": .string(series.rawValue), "ranking": [[.string(second)], [.string(first)]]], at: at)
            try replica.enqueue(name: "suggestion.volunteer", args: ["id": .string(first), "note": "I know it"], at: at)
            try replica.enqueue(name: "ballot.set", args: ["seriesID": .string(series.rawValue), "ranking": [[.string(unknown)]]], at: at.adding(milliseconds: -60_000))

            // The view shows them at once, marked local; the outbox has them pending.
            let suggestions = try replica.view("suggestion", seriesID: series.rawValue)
            #expect(Set(suggestions.map(\.id)) == [first, second])
            #expect(suggestions.allSatisfy { $0.local })
            let graphCast = try #require(suggestions.first { $0.id == first })
            #expect(graphCast.value["title"] == "GraphCast", "the title defaults to the paper's")
            #expect(graphCast.value["volunteers"] == [["personID": .string(member.id.rawValue), "note": "I know it"]])
            let paper = try #require(try replica.view("paper", id: graphCast.value["paperIDs"]?.arrayValue?.first?.stringValue ?? ""))
            #expect(paper.value["arxivID"] == "2212.12794", "the provisional paper is normalized like the server's")
            let ballots = try replica.view("ballot")
            #expect(ballots.count == 1)
            #expect(ballots.first?.value["ranking"] == [[.string(second)], [.string(first)]], "the older ballot must not win")
            #expect(try replica.outbox().map(\.outcome) == Array(repeating: .pending, count: 5))

            let report = try await engine.sync()
            #expect(report.pushed == 5)
            #expect(report.rejected == 1)
            let outcomes = try replica.outbox().map(\.outcome)
            #expect(outcomes.prefix(4).allSatisfy { $0 == .applied }, "\(outcomes)")
            guard case .rejected(let problem) = outcomes[4] else {
                Issue.record("the ballot naming an unknown suggestion was not rejected: \(outcomes[4])")
                return
            }
            #expect(problem["code"] == "validation_failed")

            // The server's state arrived: no longer local, the server's paper replaced the provisional one.
            let synced = try replica.view("suggestion", seriesID: series.rawValue)
            #expect(Set(synced.map(\.id)) == [first, second])
            #expect(!synced.contains { $0.local })
            let serverPaperID = synced.first { $0.id == first }?.value["paperIDs"]?.arrayValue?.first?.stringValue
            #expect(serverPaperID != nil && serverPaperID != first)
            #expect(try replica.view("paper", id: first) == nil, "the provisional paper outlived the pull")
            #expect(try replica.view("ballot").map { $0.value["ranking"] } == [[[.string(second)], [.string(first)]]])
            #expect(try replica.installation().lastMutationID == 5)

            try await fixture.expectConverged(engine, replica, member)
            let view = try replica.view("suggestion") + replica.view("paper") + replica.view("ballot")
            #expect(!view.contains { $0.local })
        }
    }

    @Test func aSecondDeviceSeesTheFirstOnesChangesAndAPendingMutationSurvivesAPull() async throws {
        let fixture = try ClientFixture(members: 1)
        defer { fixture.remove() }
        let member = fixture.members[0]
        try await fixture.live { server in
            let laptop = try fixture.replica("laptop", member: member, server: server)
            let phone = try fixture.replica("phone", member: member, server: server)
            let laptopEngine = try ClientFixture.engine(laptop, server: server)
            let progress = ProgressLog()
            let phoneEngine = try ClientFixture.engine(phone, server: server, pullLimit: 2) { progress.add($0) }
            try await laptopEngine.sync()
            let id = Self.newID()
            try laptop.enqueue(
                name: "suggestion.create",
                args: ["id": .string(id), "seriesID": .string(fixture.seriesID), "paper": ["title": "Neural ODEs"]], at: ClientFixture.now())
            try await laptopEngine.sync()

            // The phone pulls in pages of two; its first pull replaces its (empty) state.
            try await phoneEngine.sync()
            #expect(try phone.view("suggestion", id: id)?.value["title"] == "Neural ODEs")
            #expect(try phone.installation().clientID != laptop.installation().clientID)
            let steps = progress.all
            #expect(steps.count >= 2, "a pull of several pages reports each: \(steps)")
            #expect(steps.first?.remaining.map { $0 > 0 } == true, "the first page says how many changes remain")
            #expect(steps.last?.remaining == 0)
            #expect(steps.map(\.changes) == steps.map(\.changes).sorted())

            // A volunteering made on the phone stays in its view across a pull that does not include it yet.
            try phone.enqueue(name: "suggestion.volunteer", args: ["id": .string(id), "note": nil], at: ClientFixture.now())
            try laptop.enqueue(name: "suggestion.withdraw", args: ["id": .string(Self.newID())], at: ClientFixture.now())
            try await laptopEngine.sync()
            #expect(try phone.view("suggestion", id: id)?.value["volunteers"]?.arrayValue?.count == 1)
            #expect(try phone.view("suggestion", id: id)?.local == true)
            try await fixture.expectConverged(phoneEngine, phone, member)
            #expect(try phone.view("suggestion", id: id)?.value["volunteers"] == [["personID": .string(member.id.rawValue), "note": nil]])
            #expect(try phone.view("suggestion", id: id)?.local == false)
            try await fixture.expectConverged(laptopEngine, laptop, member)
            #expect(try laptop.view("suggestion", id: id)?.value["volunteers"]?.arrayValue?.count == 1)
        }
    }
}

/// Collects progress reports.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var steps: [SyncProgress] = []
    var all: [SyncProgress] { lock.withLock { steps } }
    func add(_ step: SyncProgress) { lock.withLock { steps.append(step) } }

    @Test func aBareTokenLearnsItsPersonFromTheFirstPull() async throws {
        let fixture = try ClientFixture(members: 1)
        defer { fixture.remove() }
        let member = fixture.members[0]
        try await fixture.live { server in
            let replica = try Replica(path: fixture.directory.appendingPathComponent("bare.db").path, newClientID: ClientFixture.newClientID)
            try replica.login(serverURL: server.description, token: member.token, personID: nil, newClientID: ClientFixture.newClientID)
            #expect(try replica.installation().personID == nil)
            try await ClientFixture.engine(replica, server: server).sync()
            #expect(try replica.installation().personID == member.id)
        }
    }
}
