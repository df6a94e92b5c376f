import DocketCore
import DocketStore
import Foundation
import GRDB
import Testing

/// Concurrent pushes share transactions (`PushGroups`): each must still be applied exactly once, answered
/// with its own outcome, and fail alone.
@Suite struct PushGroupTests {
    func creates(_ fixture: StoreFixture, ids: ClosedRange<Int64>, tag: String) -> [IncomingMutation] {
        ids.map { id in
            IncomingMutation(
                id: id, name: "suggestion.create", at: nil,
                args: suggestionArgs(newID(), series: fixture.series, title: "\(tag) \(id)"))
        }
    }

    @Test func concurrentPushesAreEachAppliedOnceWithTheirOwnOutcomes() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let clients = (0..<12).map { _ in ClientID(newID())! }
        let actors = [fixture.member, fixture.organizer]
        let outcomes = try await withThrowingTaskGroup(of: (Int, [PushOutcome]).self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    var answers: [PushOutcome] = []
                    for batch in 0..<4 {
                        let first = Int64(batch * 5 + 1)
                        var mutations = creates(fixture, ids: first...(first + 4), tag: "c\(index)")
                        // Every fifth mutation is rejected (an over-long title): it still moves lastMutationID.
                        mutations[4].args = suggestionArgs(newID(), series: fixture.series, title: String(repeating: "x", count: 501))
                        answers.append(try await fixture.store.push(actor: actors[index % 2], clientID: client, mutations: mutations))
                    }
                    return (index, answers)
                }
            }
            var all: [Int: [PushOutcome]] = [:]
            for try await (index, answers) in group { all[index] = answers }
            return all
        }
        for (index, answers) in outcomes {
            #expect(answers.map(\.lastMutationID) == [5, 10, 15, 20], "client \(index)")
            for answer in answers {
                #expect(answer.results.map(\.outcome).filter { $0 == .applied }.count == 4)
                if case .rejected = answer.results.last?.outcome {} else { Issue.record("the fifth was not rejected: \(answer.results)") }
            }
        }
        let titles = try fixture.store.values(of: .suggestion, inSeries: SeriesID(fixture.series)!, actor: .administrator)
            .compactMap { try JSONParser.parse($0)["title"]?.stringValue }
        #expect(titles.count == 12 * 4 * 4)
        #expect(Set(titles).count == titles.count, "a suggestion applied twice")
        // Sent again, everything is a duplicate and nothing changes.
        let version = try fixture.store.clock().version
        let again = try await fixture.store.push(
            actor: fixture.member, clientID: clients[0], mutations: creates(fixture, ids: 1...5, tag: "again"))
        #expect(again.results.allSatisfy { if case .duplicate = $0.outcome { true } else { false } })
        #expect(try fixture.store.clock().version == version)
    }

    @Test func aFailingPushFailsAloneAmongConcurrentOnes() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let taken = ClientID(newID())!
        _ = try await fixture.store.push(actor: fixture.member, clientID: taken, mutations: creates(fixture, ids: 1...1, tag: "mine"))
        let results = await withTaskGroup(of: (Bool, Result<PushOutcome, any Error>).self) { group in
            for index in 0..<10 {
                let thief = index % 3 == 0
                group.addTask {
                    let client = thief ? taken : ClientID(newID())!
                    let result = await Result {
                        try await fixture.store.push(
                            actor: thief ? fixture.organizer : fixture.member, clientID: client,
                            mutations: creates(fixture, ids: thief ? 2...3 : 1...2, tag: "p\(index)"))
                    }
                    return (thief, result)
                }
            }
            var all: [(Bool, Result<PushOutcome, any Error>)] = []
            for await result in group { all.append(result) }
            return all
        }
        for (thief, result) in results {
            switch result {
            case .success(let outcome):
                #expect(!thief)
                #expect(outcome.lastMutationID == 2 && outcome.results.allSatisfy { $0.outcome == .applied })
            case .failure(let error):
                #expect(thief)
                #expect((error as? Problem)?.code == .forbidden)
            }
        }
        let titles = try fixture.store.values(of: .suggestion, inSeries: SeriesID(fixture.series)!, actor: .administrator)
            .compactMap { try JSONParser.parse($0)["title"]?.stringValue }
        #expect(titles.count == 1 + 6 * 2)
        #expect(!titles.contains { $0.hasPrefix("p0 ") || $0.hasPrefix("p3 ") || $0.hasPrefix("p6 ") || $0.hasPrefix("p9 ") })
    }
}

extension PushGroupTests {
    /// A push that fails in SQLite half-way (here an error a trigger raises; in life a full disk) fails with its
    /// whole group: nothing of any push in it is kept, so a retry applies each mutation exactly once.
    @Test func aDatabaseFailureMidPushKeepsNothingOfItsGroup() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let raw = try DatabaseQueue(path: fixture.directory.appendingPathComponent("docket.db").path)
        defer { try? raw.close() }
        // json('{') fails with SQLITE_ERROR, not a constraint: the push cannot reject just that mutation.
        try await raw.write { db in
            try db.execute(sql: "CREATE TRIGGER boom BEFORE INSERT ON suggestion WHEN NEW.title = 'boom 2' BEGIN SELECT json('{'); END")
        }
        let clients = (0..<8).map { _ in ClientID(newID())! }
        let batches = clients.indices.map { index in creates(fixture, ids: 1...3, tag: index == 0 ? "boom" : "c\(index)") }
        let first = await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    let result = await Result { try await fixture.store.push(actor: fixture.member, clientID: client, mutations: batches[index]) }
                    if case .failure(let error) = result { #expect(error is DatabaseError, "\(error)") }
                    return (index, (try? result.get()) != nil)
                }
            }
            var all: [Int: Bool] = [:]
            for await (index, succeeded) in group { all[index] = succeeded }
            return all
        }
        #expect(first[0] == false, "the push that met the error must fail")
        func titles() throws -> [String] {
            try fixture.store.values(of: .suggestion, inSeries: SeriesID(fixture.series)!, actor: .administrator)
                .compactMap { try JSONParser.parse($0)["title"]?.stringValue }
        }
        let kept = try titles()
        #expect(!kept.contains("boom 1"), "the failed push's first mutation was kept")
        #expect(kept.count == first.values.filter { $0 }.count * 3)

        try await raw.write { db in try db.execute(sql: "DROP TRIGGER boom") }
        for (index, client) in clients.enumerated() {
            let again = try await fixture.store.push(actor: fixture.member, clientID: client, mutations: batches[index])
            let expected: MutationResult.Outcome = first[index] == true ? .duplicate(status: .applied, problem: nil) : .applied
            #expect(again.results.map(\.outcome) == Array(repeating: expected, count: 3), "client \(index)")
        }
        let all = try titles()
        #expect(all.count == clients.count * 3 && Set(all).count == all.count)
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
