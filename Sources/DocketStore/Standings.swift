import DocketCore
import Foundation
import GRDB
import Synchronization

/// Each series' standing: its open suggestions ranked by its voting method, kept current.
///
/// The counter keeps, in memory, every ballot as last counted and each series'
/// pairwise matrix. A pass reads the change log since the previous pass, takes
/// each changed ballot's old ranking out of the matrix and puts the new one in
/// (O(listed²)), and ranks the series whose ballots, suggestions or settings
/// changed. Only the first pass after the server starts counts every ballot,
/// and mutations do nothing for standings beyond writing the change log. The
/// housekeeping service runs a pass once a second, inside the writer, so a
/// pass always sees every committed ballot and passes never interleave.
final class StandingCounter: Sendable {
    /// The most open suggestions a standing ranks: Schulze is cubic, and a standing is counted every second
    /// it changes. Past it the standing says so in `note`; rounds still count.
    static let maxRankedCandidates = 500

    private struct State {
        /// The change-log version read up to.
        var version: Int64 = 0
        var series: [String: SeriesCount] = [:]
        /// Series whose standing must be written again (kept when a pass's transaction rolls back).
        var dirty: Set<String> = []
    }

    private let state = Mutex(State())

    /// Applies the changes since the last pass and counts the standing of each series they touched.
    ///
    /// Runs inside the writer's transaction; if it rolls back, the series are counted again next pass.
    func count(_ db: Database) throws -> [(series: String, value: JSONValue)] {
        let (counted, taken) = try state.withLock { state throws -> ([(series: String, value: JSONValue)], Set<String>) in
            let rows = try Row.fetchAll(
                db,
                cached: """
                    SELECT c.version, c.type, c.entity_id, c.changed_at, b.ranking, coalesce(b.series_id, s.series_id) AS series_id
                    FROM change c
                    LEFT JOIN ballot b ON c.type = 'ballot' AND b.id = c.entity_id
                    LEFT JOIN suggestion s ON c.type = 'suggestion' AND s.id = c.entity_id
                    WHERE c.version > ? AND c.type IN ('ballot', 'suggestion', 'series')
                    ORDER BY c.version
                    """,
                arguments: [state.version])
            for row in rows {
                let type: String = row["type"], id: String = row["entity_id"]
                let series: String? = type == "series" ? id : row["series_id"]
                if type == "ballot" {
                    let ranking: String? = row["ranking"]
                    if let series, let ranking {
                        state.series[series, default: SeriesCount()].setBallot(id, Loaders.rankingGroups(ranking))
                    } else {
                        // A ballot that no longer exists leaves whichever count holds it.
                        for key in state.series.keys { state.series[key]?.setBallot(id, nil) }
                    }
                }
                guard let series else { continue }
                state.series[series, default: SeriesCount()].noteChange(at: row["changed_at"])
                state.dirty.insert(series)
                state.version = max(state.version, row["version"])
            }
            // Read up to the clock, not only to the last relevant row: later passes then skip the other changes
            // (papers, people, episodes) instead of scanning them again every second. The writer sees all of them.
            state.version = max(state.version, try Int64.fetchOne(db, cached: "SELECT version FROM clock WHERE id = 1") ?? 0)
            var counted: [(series: String, value: JSONValue)] = []
            for series in state.dirty.sorted() {
                guard var count = state.series[series] else { continue }
                if let value = try count.value(series, db) { counted.append((series, value)) }
                state.series[series] = count
            }
            let taken = state.dirty
            state.dirty = []
            return (counted, taken)
        }
        db.afterNextTransaction(onCommit: { _ in }, onRollback: { [weak self] _ in self?.state.withLock { $0.dirty.formUnion(taken) } })
        return counted
    }
}

/// One series' ballots as last counted, and the pairwise matrix over `candidates`.
struct SeriesCount {
    /// Ballot id → ranking (suggestion ids, open or not).
    private var ballots: [String: [[String]]] = [:]
    /// The matrix's candidates: the open suggestions when it was last counted in full.
    private var candidates: [String] = []
    private var index: [String: Int] = [:]
    private var matrix = PairwiseMatrix(candidateCount: 0)
    /// The latest change read for the series since it was last counted (ms).
    private var pendingChange: Int64 = 0

    mutating func noteChange(at milliseconds: Int64) { pendingChange = max(pendingChange, milliseconds) }

    /// A ballot replaced (nil: gone): its old ranking's difference is taken out of the matrix, the new one's put in.
    mutating func setBallot(_ id: String, _ ranking: [[String]]?) {
        if let old = ballots[id] { matrix.remove(Self.restrict(old, to: index)) }
        ballots[id] = ranking
        if let ranking { matrix.add(Self.restrict(ranking, to: index)) }
    }

    /// The matrix over `open`. Counts every ballot again only when an open suggestion is new to the
    /// matrix, or when closed ones make up most of it.
    mutating func matrix(over open: [String]) -> PairwiseMatrix {
        if open.contains(where: { index[$0] == nil }) || candidates.count > 2 * open.count + 64 {
            candidates = open
            index = Dictionary(uniqueKeysWithValues: open.enumerated().map { ($1, $0) })
            matrix = PairwiseMatrix(candidateCount: open.count)
            for ranking in ballots.values { matrix.add(Self.restrict(ranking, to: index)) }
        }
        return candidates == open ? matrix : matrix.restricted(to: open.map { index[$0]! })
    }

    /// A ballot over the given candidates only: others drop out, emptied groups vanish.
    static func restrict(_ ranking: [[String]], to index: [String: Int]) -> TallyBallot {
        TallyBallot(ranking: ranking.map { $0.compactMap { index[$0] } }.filter { !$0.isEmpty }, count: 1)
    }

    /// The standing's section 5 value when it differs from the stored one; nil when it does not, when the
    /// series is gone, or when it never had anything to rank. `updatedAt` is the time of the latest change
    /// read before the count that changed it, so touching a suggestion without changing the count writes nothing.
    mutating func value(_ series: String, _ db: Database) throws -> JSONValue? {
        defer { pendingChange = 0 }
        guard let facts = try Row.fetchOne(
            db, cached: "SELECT voting_method, created_at FROM series WHERE id = ?", arguments: [series])
        else { return nil }
        let open = try String.fetchAll(
            db, cached: "SELECT id FROM suggestion WHERE series_id = ? AND status = 'open' ORDER BY created_at, id", arguments: [series])
        let stored = try String.fetchOne(
            db, cached: "SELECT value FROM change WHERE type = 'standing' AND entity_id = ? AND deleted = 0", arguments: [series]
        ).flatMap { try? JSONParser.parse($0) }
        if ballots.isEmpty, open.isEmpty, stored == nil { return nil }
        let method = VotingMethod(rawValue: facts["voting_method"]) ?? .schulze
        var result: TallyResult?
        var note: String?
        if open.count <= StandingCounter.maxRankedCandidates {
            result = tally(candidates: open, matrix: matrix(over: open), method: method)
            if result == nil {
                let index = Dictionary(uniqueKeysWithValues: open.enumerated().map { ($1, $0) })
                let listed = ballots.values.map { Self.restrict($0, to: index) }.filter { !$0.listed.isEmpty }
                result = try? DocketCore.tally(TallyInput(candidates: open, ballots: listed), method: method)
            }
        } else {
            note = "more than \(StandingCounter.maxRankedCandidates) open suggestions: not ranked until some close"
        }
        var scores: [(String, JSONValue)] = []
        if let result, let values = result.scores { scores = zip(result.candidates, values).map { ($0, .int($1)) } }
        let ballotCount = ballots.values.count { !$0.isEmpty }
        func value(updatedAt: JSONValue) -> JSONValue { [
            "id": .string(series), "seriesID": .string(series), "method": .string(method.rawValue),
            "ballotCount": .int(Int64(ballotCount)), "ranking": .array((result.map(Self.tieGroups) ?? []).map { .strings($0) }),
            "scores": .object(scores), "winners": .strings(result?.winners ?? []), "note": .optional(result?.note ?? note),
            "tieBreak": .optional(result?.tieBreak), "createdAt": .string(Timestamp(milliseconds: facts["created_at"]).rfc3339),
            "updatedAt": updatedAt,
        ] }
        if let stored, value(updatedAt: stored["updatedAt"] ?? .null) == stored { return nil }
        let storedUpdate = stored?["updatedAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:))?.milliseconds ?? 0
        let createdAt: Int64 = facts["created_at"]
        return value(updatedAt: .string(Timestamp(milliseconds: max(pendingChange, storedUpdate, createdAt)).rfc3339))
    }

    /// The result's tie groups; for methods without a ranking, the winners and then `order` one by one.
    private static func tieGroups(_ result: TallyResult) -> [[String]] {
        if let ranking = result.ranking { return ranking }
        let winners = result.winners
        guard !winners.isEmpty else { return [] }
        return [winners] + result.order.filter { !winners.contains($0) }.map { [$0] }
    }
}

extension Store {
    /// Writes the standing of every series whose ballots, suggestions or settings changed (the housekeeping
    /// service's work, once a second). Returns how many standings were counted.
    ///
    /// The same change log as every mutation: a standing gets a new version only when its value changed.
    @discardableResult
    public func refreshStandings() async throws -> Int {
        try await pool.write(standingPass)
    }

    /// The same, blocking (for tests and benchmarks that settle derived state before going on).
    @discardableResult
    public func refreshStandingsNow() throws -> Int {
        try pool.write(standingPass)
    }

    private var standingPass: @Sendable (Database) throws -> Int {
        let counter = standings
        let environment = self.environment
        return { db in
            let counted = try counter.count(db)
            guard !counted.isEmpty else { return 0 }
            let now = environment.now()
            let context = MutationContext(db: db, actor: .administrator, clientID: nil, now: now, at: now, environment: environment)
            for (series, value) in counted {
                context.precomputed["standing:\(series)"] = ChangeLog.Snapshot(
                    value: value.jsonString, audiences: [ChangeLog.Audience(level: "results", seriesID: series)])
                context.touch(.standing, series)
            }
            try ChangeLog.record(context)
            return counted.count
        }
    }
}
