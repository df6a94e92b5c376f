import DocketAPI
import DocketClient
import DocketCore
import DocketStore
import Foundation
import GRDB
import Testing

/// Several clients make hundreds of mutations offline and sync them through a transport that drops,
/// duplicates, delays, fails and cuts exchanges; in the end every mutation counts exactly once.
@Suite struct FaultInjectionTests {
    /// One installation in the scenario: a member's device, its replica and its random source.
    final class Device: @unchecked Sendable {
        let name: String
        let member: ClientFixture.Member
        let replica: Replica
        let volunteers: Bool
        var random: SplitMix64
        var created: [String] = []

        init(name: String, member: ClientFixture.Member, replica: Replica, volunteers: Bool, seed: UInt64) {
            self.name = name
            self.member = member
            self.replica = replica
            self.volunteers = volunteers
            self.random = SplitMix64(seed: seed)
        }

        /// Makes `count` random mutations offline: suggestions, ballots with random `at`, volunteering (laptops only).
        func mutate(_ count: Int, seriesID: String, base: Timestamp) throws {
            for _ in 0..<count {
                let known = try replica.view("suggestion", seriesID: seriesID).map(\.id)
                let at = base.adding(milliseconds: Int64.random(in: 0..<3_600_000, using: &random))
                let roll = Int.random(in: 0..<10, using: &random)
                if known.count < 3 || roll < 3 {
                    try create(seriesID: seriesID, at: at)
                } else if roll < 7 || !volunteers {
                    let ranked = Array(known.shuffled(using: &random).prefix(Int.random(in: 1...min(6, known.count), using: &random)))
                    var groups: [[JSONValue]] = []
                    for id in ranked {
                        if groups.isEmpty || Bool.random(using: &random) { groups.append([.string(id)]) } else { groups[groups.count - 1].append(.string(id)) }
                    }
                    try replica.enqueue(name: "ballot.set", args: ["seriesID": .string(seriesID), "ranking": .array(groups.map(JSONValue.array))], at: at)
                } else {
                    let id = known.randomElement(using: &random) ?? known[0]
                    let name = roll < 9 ? "suggestion.volunteer" : "suggestion.unvolunteer"
                    let args: JSONValue = name == "suggestion.volunteer" ? ["id": .string(id), "note": .string("note \(roll)")] : ["id": .string(id)]
                    try replica.enqueue(name: name, args: args, at: at)
                }
            }
        }

        private func create(seriesID: String, at: Timestamp) throws {
            let id = UUIDv7.make(milliseconds: at.milliseconds, random: (0..<10).map { _ in UInt8.random(in: 0...255, using: &random) })
            var paper: JSONValue = ["title": .string("Paper \(id.prefix(8))")]
            if Int.random(in: 0..<4, using: &random) == 0 {
                paper = ["title": "A paper everyone likes", "doi": .string("10.1000/shared-\(Int.random(in: 0..<4, using: &random))")]
            }
            try replica.enqueue(name: "suggestion.create", args: ["id": .string(id), "seriesID": .string(seriesID), "paper": paper, "tags": ["t"]], at: at)
            created.append(id)
        }
    }

    @Test func fourClientsWithHundredsOfOfflineMutationsConvergeThroughFaults() async throws {
        let fixture = try ClientFixture(members: 2)
        defer { fixture.remove() }
        let started = Date()
        try await fixture.live { server in
            var devices: [Device] = []
            for (index, member) in fixture.members.enumerated() {
                for device in ["laptop", "phone"] {
                    let replica = try fixture.replica("\(device)-\(index)", member: member, server: server)
                    devices.append(Device(name: "\(device)-\(index)", member: member, replica: replica, volunteers: device == "laptop", seed: UInt64(devices.count + 1)))
                }
            }
            let sleeper = RecordingSleeper()
            let settings = SyncSettings(baseDelayMilliseconds: 20, maxDelayMilliseconds: 200, maxAttempts: 6, pushBatch: 25)
            var exchangers: [FaultExchanger] = []
            var engines: [SyncEngine] = []
            for (index, device) in devices.enumerated() {
                let faulty = FaultExchanger(NIOExchanger(server: server, timeoutMilliseconds: 10_000), seed: UInt64(100 + index), rate: 0.3)
                exchangers.append(faulty)
                engines.append(try ClientFixture.engine(device.replica, server: server, exchanger: faulty, settings: settings, sleeper: sleeper, pullLimit: 40))
            }
            for engine in engines { try await Self.syncBounded(engine) }
            let base = ClientFixture.now().adding(milliseconds: -7_200_000)

            // Eight rounds: every device mutates offline, then all sync at the same time through faults.
            for _ in 0..<8 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (device, engine) in zip(devices, engines) {
                        group.addTask {
                            try device.mutate(40, seriesID: fixture.seriesID, base: base)
                            try await Self.syncBounded(engine)
                        }
                    }
                    try await group.waitForAll()
                }
                #expect(Date().timeIntervalSince(started) < 240, "the scenario is too slow")
            }
            // Each device syncs cleanly once more, so everyone has everyone's last changes.
            for device in devices {
                let clean = try ClientFixture.engine(device.replica, server: server)
                try await Self.syncBounded(clean)
            }

            let struck = exchangers.reduce(into: [FaultExchanger.Fault: Int]()) { total, exchanger in
                for (fault, count) in exchanger.faults { total[fault, default: 0] += count }
            }
            #expect(Set(struck.keys) == Set(FaultExchanger.Fault.allCases), "not every fault struck: \(struck)")

            try Self.expectExactlyOnce(fixture, devices)
            try Self.expectLastWriterWins(fixture, devices)
            for device in devices {
                let clean = try ClientFixture.engine(device.replica, server: server)
                try await fixture.expectConverged(clean, device.replica, device.member)
                let view = try device.replica.view("suggestion") + device.replica.view("ballot") + device.replica.view("paper")
                #expect(!view.contains { $0.local }, "\(device.name) still shows local changes")
            }
        }
    }

    /// Syncs, retrying a sync that gave up after repeated faults (at most 20 times).
    static func syncBounded(_ engine: SyncEngine) async throws {
        for _ in 0..<20 {
            do {
                try await engine.sync()
                return
            } catch let error as SyncStopError where error.reason == .unreachable {
                continue
            }
        }
        Issue.record("a sync did not get through the faults in 20 tries")
    }

    /// Every mutation was processed, none rejected, none lost or applied twice.
    static func expectExactlyOnce(_ fixture: ClientFixture, _ devices: [Device]) throws {
        let server = try DatabaseQueue(path: fixture.databasePath)
        var createdIDs: Set<String> = []
        for device in devices {
            let outbox = try device.replica.outbox()
            #expect(outbox.count >= 300, "\(device.name) made only \(outbox.count) mutations")
            let unsettled = outbox.filter { $0.outcome == .pending }
            #expect(unsettled.isEmpty, "\(device.name): \(unsettled.count) mutations still pending")
            let rejected = outbox.filter { if case .rejected = $0.outcome { return true } else { return false } }
            #expect(rejected.isEmpty, "\(device.name): rejected \(rejected.prefix(3).map { "\($0.name): \($0.outcome)" })")
            createdIDs.formUnion(device.created)
            let installation = try device.replica.installation()
            let serverLast = try server.read { db in
                try Int64.fetchOne(db, sql: "SELECT last_mutation_id FROM sync_client WHERE id = ?", arguments: [installation.clientID.rawValue])
            }
            #expect(serverLast == outbox.last?.id, "\(device.name): the server processed up to \(serverLast ?? -1), the outbox holds \(outbox.count)")
        }
        let onServer = try server.read { db in try Set(String.fetchAll(db, sql: "SELECT id FROM suggestion")) }
        #expect(onServer == createdIDs, "suggestions on the server: \(onServer.count), created: \(createdIDs.count)")

        // Volunteering comes from one device per member, so its end state follows that device's outbox order.
        var expected: Set<String> = []
        for device in devices where device.volunteers {
            for entry in try device.replica.outbox() {
                guard case .string(let id)? = entry.args["id"] else { continue }
                if entry.name == "suggestion.volunteer" { expected.insert("\(id)/\(device.member.id)") }
                if entry.name == "suggestion.unvolunteer" { expected.remove("\(id)/\(device.member.id)") }
            }
        }
        let volunteers = try server.read { db in try Set(String.fetchAll(db, sql: "SELECT suggestion_id || '/' || person_id FROM volunteer")) }
        #expect(volunteers == expected)
        try server.close()
    }

    /// Each member's ballot is the one with the latest `at` (then the larger clientID) across their devices.
    static func expectLastWriterWins(_ fixture: ClientFixture, _ devices: [Device]) throws {
        let server = try DatabaseQueue(path: fixture.databasePath)
        defer { try? server.close() }
        for member in fixture.members {
            var best: (at: Int64, client: String, ranking: JSONValue)?
            for device in devices where device.member.id == member.id {
                let client = try device.replica.installation().clientID.rawValue
                for entry in try device.replica.outbox() where entry.name == "ballot.set" {
                    let candidate = (entry.at.milliseconds, client, entry.args["ranking"] ?? .null)
                    if best.map({ (candidate.0, candidate.1) > ($0.at, $0.client) }) ?? true { best = candidate }
                }
            }
            let stored = try server.read { db in
                try String.fetchOne(db, sql: "SELECT ranking FROM ballot WHERE voter_id = ?", arguments: [member.id.rawValue])
            }
            let ranking = try stored.map { try JSONParser.parse($0) }
            #expect(ranking == best?.ranking, "member \(member.id): server ballot \(ranking?.jsonString ?? "none") is not the latest intention")
            for device in devices where device.member.id == member.id {
                #expect(try device.replica.view("ballot").map { $0.value["ranking"] } == [ranking], "\(device.name) shows another ballot")
            }
        }
    }
}
