// In-process benchmarks that need no HTTP: push, pull, vote counting and the standing update.
// Run by scripts/bench on a release build; prints one line per figure.
import DocketCore
import DocketStore
import Foundation

func seconds(_ work: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try work()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

func tallyBenchmark() throws {
    let input = TallyInput.random(candidates: 300, ballots: 20_000, ranked: 15, seed: 42)
    var matrixTime = 0.0
    matrixTime = seconds { _ = PairwiseMatrix(input) }
    print(String(format: "tally, 300 candidates x 20,000 ballots ranking 15: pairwise matrix %.3f s", matrixTime))
    for method in VotingMethod.allCases {
        var result: TallyResult?
        let time = try seconds { result = try tally(input, method: method) }
        let note = result?.note == nil ? "" : " (bound reached: winners may be incomplete)"
        print(String(format: "tally %@: %.3f s%@", method.rawValue, time, note))
    }
}

/// A fresh folder for one benchmark's database.
func scratchDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

/// A database in `directory` with one weekly series; returns the store and the series id.
func benchStore(in directory: URL) throws -> (Store, String) {
    let store = try Store(path: directory.appendingPathComponent("bench.db").path)
    let series = UUID().uuidString.lowercased()
    try store.run(
        "series.create",
        ["id": .string(series), "slug": "bench", "title": "Bench", "cadence": ["rrule": "FREQ=WEEKLY", "startDate": "2026-01-05", "startTime": "18:00"]])
    return (store, series)
}

func standingBenchmark() throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (store, series) = try benchStore(in: directory)
    var batch: [BatchMutation] = []
    var voters: [Principal] = []
    for index in 0..<5_000 {
        let id = UUID().uuidString.lowercased()
        voters.append(Principal(personID: PersonID(id)!, isAdmin: false))
        batch.append(BatchMutation(name: "person.create", args: ["id": .string(id), "name": .string("Voter \(index)")], actor: .administrator))
        batch.append(BatchMutation(name: "membership.set", args: ["seriesID": .string(series), "personID": .string(id), "role": "member"], actor: .administrator))
    }
    var suggestions: [String] = []
    for index in 0..<200 {
        let id = UUID().uuidString.lowercased()
        suggestions.append(id)
        batch.append(BatchMutation(
            name: "suggestion.create", args: ["id": .string(id), "seriesID": .string(series), "paper": ["title": .string("Paper \(index)")]],
            actor: voters[index]))
    }
    var generator = SystemRandomNumberGenerator()
    func ranking() -> JSONValue { .array(suggestions.shuffled(using: &generator).prefix(15).map { [.string($0)] }) }
    for voter in voters {
        batch.append(BatchMutation(name: "ballot.set", args: ["seriesID": .string(series), "ranking": ranking()], actor: voter))
    }
    let setup = try seconds { try store.runBatch(batch) }
    print(String(format: "standing set-up: 5,000 members, 200 suggestions, 5,000 ballots ranking 15 in one batch: %.1f s", setup))
    let firstPass = try seconds { try store.refreshStandingsNow() }
    print(String(format: "standing, first pass after start (every ballot counted once, schulze, write): %.1f ms", firstPass * 1000))
    var latencies: [Double] = []
    for index in 0..<200 {
        let voter = voters[index * 25]
        latencies.append(try seconds {
            try store.run("ballot.set", ["seriesID": .string(series), "ranking": ranking()], as: voter)
        })
    }
    print(String(format: "ballot.set (200 open suggestions, 5,000 ballots; one transaction each, fsync): p50 %.2f ms, p99 %.2f ms",
        percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000))
    var refreshes: [Double] = []
    for index in 0..<200 {
        try store.run("ballot.set", ["seriesID": .string(series), "ranking": ranking()], as: voters[index * 7 + 1])
        refreshes.append(try seconds { try store.refreshStandingsNow() })
    }
    print(String(format: "standing update after one ballot change (difference applied to the kept matrix, schulze over 200, standing written with fsync): p50 %.2f ms, p99 %.2f ms",
        percentile(refreshes, 0.5) * 1000, percentile(refreshes, 0.99) * 1000))
    // The difference step alone: take one ballot out of the matrix and put another in.
    let input = TallyInput.random(candidates: 200, ballots: 5_000, ranked: 15, seed: 7)
    var matrix = PairwiseMatrix(input)
    let diff = seconds {
        for index in 0..<1_000 {
            matrix.remove(input.ballots[index])
            matrix.add(input.ballots[(index + 1) % input.ballots.count])
        }
    }
    print(String(format: "standing difference step (one ballot out, one in), 200 candidates: %.1f µs", diff / 1_000 * 1e6))
    let schulze = seconds { _ = tally(candidates: input.candidates, matrix: matrix, method: .schulze) }
    print(String(format: "standing ranking from the kept matrix, schulze on 200 candidates: %.2f ms", schulze * 1000))
}

/// Pull without HTTP: the store's part of an initial pull of 50,000 entities, a delta after 1% change, and a no-change pull.
func pullBenchmark() throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (store, series) = try benchStore(in: directory)
    let member = UUID().uuidString.lowercased()
    try store.run("person.create", ["id": .string(member), "name": "Member"])
    try store.run("membership.set", ["seriesID": .string(series), "personID": .string(member), "role": "organizer"])
    let reader = Principal(personID: PersonID(member)!, isAdmin: false)
    var suggestions: [String] = []
    var batch: [BatchMutation] = []
    let count = Int(ProcessInfo.processInfo.environment["BENCH_SUGGESTIONS"] ?? "") ?? 25_000
    for index in 0..<count {
        let id = UUID().uuidString.lowercased()
        suggestions.append(id)
        batch.append(BatchMutation(
            name: "suggestion.create", args: ["id": .string(id), "seriesID": .string(series), "paper": ["title": .string("Paper \(index)")]],
            actor: reader))
    }
    let setup = try seconds { try store.runBatch(batch) }
    print(String(format: "pull set-up: 25,000 suggestions with their papers (50,000 entities) in one batch: %.1f s", setup))
    // One installation pulling again and again, as a client does (a new clientID would be bound each time).
    let client = ClientID(UUID().uuidString.lowercased())!
    func pullAll(from cursor: String?) throws -> (entities: Int, cursor: String) {
        var cursor = cursor, entities = 0
        while true {
            let page = try store.pull(actor: reader, clientID: client, cursor: cursor, limit: Store.maxPullLimit)
            entities += page.changes.count
            cursor = page.cursor
            if !page.hasMore { return (entities, page.cursor) }
        }
    }
    var result: (entities: Int, cursor: String) = (0, "")
    let initial = try seconds { result = try pullAll(from: nil) }
    print(String(format: "store pull, initial: %d entities in pages of 5,000: %.3f s, %.0f entities/s", result.entities, initial, Double(result.entities) / initial))
    var updates: [BatchMutation] = []
    for id in suggestions.prefix(500) {
        updates.append(BatchMutation(name: "suggestion.update", args: ["id": .string(id), "baseVersion": 0, "set": ["pitch": "Read this"]], actor: reader))
    }
    try store.runBatch(updates)
    var delta: (entities: Int, cursor: String) = (0, "")
    let deltaTime = try seconds { delta = try pullAll(from: result.cursor) }
    print(String(format: "store pull, delta after 1%% change: %d entities: %.4f s, %.0f entities/s", delta.entities, deltaTime, Double(delta.entities) / deltaTime))
    var latencies: [Double] = []
    for _ in 0..<2_000 { latencies.append(try seconds { _ = try pullAll(from: delta.cursor) }) }
    print(String(format: "store pull, no change: p50 %.3f ms, p99 %.3f ms", percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000))
}

/// The push of scripts/bench without HTTP: 16 clients x 500 suggestion.create (each with a new paper) in batches
/// of 50, pushed concurrently through `Store.push`, so the writer's own cost per mutation shows. Suggestion ids are
/// UUID v7, as PROTOCOL recommends to clients.
func pushBenchmark() async throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (store, series) = try benchStore(in: directory)
    var members: [Principal] = []
    for index in 0..<16 {
        let id = UUID().uuidString.lowercased()
        try store.run("person.create", ["id": .string(id), "name": .string("Member \(index)")])
        try store.run("membership.set", ["seriesID": .string(series), "personID": .string(id), "role": "member"])
        members.append(Principal(personID: PersonID(id)!, isAdmin: false))
    }
    let rounds = Int(ProcessInfo.processInfo.environment["BENCH_PUSH_ROUNDS"] ?? "") ?? 1
    for round in 1...rounds {
        let start = ContinuousClock.now
        let applied = try await withThrowingTaskGroup(of: Int.self) { group in
            for member in members {
                group.addTask {
                    let client = ClientID(UUID().uuidString.lowercased())!
                    var applied = 0
                    for batch in 0..<10 {
                        let mutations = (1...50).map { index in
                            let n = batch * 50 + index
                            return IncomingMutation(
                                id: Int64(n), name: "suggestion.create", at: nil,
                                args: [
                                    "id": .string(store.environment.newID()), "seriesID": .string(series), "title": .string("Paper \(n)"),
                                    "pitch": "Why we should read it.", "tags": ["bench"],
                                    "paper": ["title": .string("Paper \(n)"), "authors": ["A. Author", "B. Author"], "year": 2024],
                                ])
                        }
                        let outcome = try await store.push(actor: member, clientID: client, mutations: mutations)
                        applied += outcome.results.filter { $0.outcome == .applied }.count
                    }
                    return applied
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - start
        let time = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard applied == 16 * 500 else { fatalError("applied \(applied) of 8,000") }
        print(String(format: "store push, 16 clients x 500 suggestion.create in batches of 50%@: %.0f mutations/s (%.2f s)",
                     rounds > 1 ? " (round \(round))" : "", Double(applied) / time, time))
    }
}

let which = CommandLine.arguments.dropFirst().first ?? "all"
if which == "all" || which == "push" { try await pushBenchmark() }
if which == "all" || which == "pull" { try pullBenchmark() }
if which == "all" || which == "tally" { try tallyBenchmark() }
if which == "all" || which == "standing" { try standingBenchmark() }
