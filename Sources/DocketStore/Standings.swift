import DocketCore
import Foundation
import GRDB

/// Each series' standing: open suggestions ranked by its voting method, kept current.
///
/// The pairwise weights over the open suggestions are stored as rows and
/// changed by differences inside the writing transaction: a replaced ballot
/// is taken out and the new one put in (O(listed²) rows), a closed suggestion
/// drops its rows, a new one needs none (it is unlisted everywhere). Nothing
/// recounts every ballot for the pairwise methods. Ranking the standing costs
/// more (Schulze is cubic), so writes only mark the series, and the
/// housekeeping service writes its standing at most once a second.
enum Standings {
    /// The most open suggestions a standing ranks: Schulze is cubic, and a standing is counted every second
    /// it changes (500 takes about 0.15 s). Past it the standing says so in `note`; rounds still count.
    static let maxRankedCandidates = 500

    /// A voter's ballot changed from `old` (nil: none before) to `new`.
    static func ballotChanged(series: SeriesID, old: [[String]]?, new: [[String]], _ context: MutationContext) throws {
        let open = try openAmong((old ?? []).flatMap { $0 } + new.flatMap { $0 }, series: series, context.db)
        if let old { try apply(old, open: open, delta: -1, series: series, context) }
        try apply(new, open: open, delta: 1, series: series, context)
        try context.db.execute(cached: "DELETE FROM standing_pair WHERE series_id = ? AND weight = 0", arguments: [series.rawValue])
        try markDirty(series, context)
    }

    /// A suggestion opened: no ballot lists it yet, so only the standing must be written again.
    static func candidateAdded(series: SeriesID, _ id: SuggestionID, _ context: MutationContext) throws {
        try markDirty(series, context)
    }

    /// A suggestion closed (withdrawn, declined, merged, promoted): its pairs leave; the others' do not change.
    static func candidateRemoved(series: SeriesID, _ id: SuggestionID, _ context: MutationContext) throws {
        try context.db.execute(
            cached: "DELETE FROM standing_pair WHERE series_id = ?1 AND (a = ?2 OR b = ?2)", arguments: [series.rawValue, id.rawValue])
        try markDirty(series, context)
    }

    /// The series' standing must be written again (also when its method or results visibility change).
    static func markDirty(_ series: SeriesID, _ context: MutationContext) throws {
        try context.db.execute(
            cached: "INSERT OR IGNORE INTO standing_dirty (series_id, since) VALUES (?, ?)",
            arguments: [series.rawValue, context.now.milliseconds])
    }

    private static func openAmong(_ ids: [String], series: SeriesID, _ db: Database) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try Set(String.fetchAll(
            db, cached: "SELECT id FROM suggestion WHERE series_id = ? AND status = 'open' AND id IN (SELECT value FROM json_each(?))",
            arguments: [series.rawValue, JSONValue.strings(ids).jsonString]))
    }

    /// Adds `delta` to weight(a, b) for every listed open `a` and every open `b` in its group or an earlier one.
    private static func apply(_ ranking: [[String]], open: Set<String>, delta: Int64, series: SeriesID, _ context: MutationContext) throws {
        var notBelow: [String] = []
        for group in ranking {
            let members = group.filter(open.contains)
            notBelow += members
            for a in members {
                for b in notBelow {
                    // SQLite checks CHECK constraints before an upsert's conflict, so a negative
                    // difference must be an UPDATE (the row exists: the ballot was counted).
                    try context.db.execute(
                        cached: delta < 0
                            ? "UPDATE standing_pair SET weight = weight + ?4 WHERE series_id = ?1 AND a = ?2 AND b = ?3"
                            : """
                            INSERT INTO standing_pair (series_id, a, b, weight) VALUES (?1, ?2, ?3, ?4)
                            ON CONFLICT (series_id, a, b) DO UPDATE SET weight = weight + excluded.weight
                            """,
                        arguments: [series.rawValue, a, b, delta])
                }
            }
        }
    }

    /// The open suggestions in creation order (the tie-break order) and the matrix over them.
    static func matrix(_ series: String, _ db: Database) throws -> (candidates: [String], matrix: PairwiseMatrix)? {
        let candidates = try String.fetchAll(
            db, cached: "SELECT id FROM suggestion WHERE series_id = ? AND status = 'open' ORDER BY created_at, id", arguments: [series])
        guard candidates.count <= maxRankedCandidates else { return nil }
        let index = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1, $0) })
        let weights = try Row.fetchAll(db, cached: "SELECT a, b, weight FROM standing_pair WHERE series_id = ?", arguments: [series])
            .compactMap { row -> (a: Int, b: Int, weight: Int64)? in
                guard let a = index[row["a"]], let b = index[row["b"]] else { return nil }
                return (a, b, row["weight"])
            }
        return (candidates, PairwiseMatrix(candidateCount: candidates.count, weights: weights))
    }

    /// A ballot over the given candidates only: closed suggestions drop out, emptied groups vanish.
    static func restrict(_ ranking: [[String]], to index: [String: Int]) -> TallyBallot {
        TallyBallot(ranking: ranking.map { $0.compactMap { index[$0] } }.filter { !$0.isEmpty }, count: 1)
    }

    /// The result's tie groups; for methods without a ranking, the winners and then `order` one by one.
    private static func tieGroups(_ result: TallyResult) -> [[String]] {
        if let ranking = result.ranking { return ranking }
        let winners = result.winners
        guard !winners.isEmpty else { return [] }
        return [winners] + result.order.filter { !winners.contains($0) }.map { [$0] }
    }

    /// When the last ballot, suggestion or series setting behind the standing changed.
    private static func lastChange(_ series: String, _ db: Database) throws -> Int64 {
        try Int64.fetchOne(
            db,
            cached: """
                SELECT max(m) FROM (SELECT max(updated_at) AS m FROM ballot WHERE series_id = ?1
                UNION ALL SELECT max(updated_at) FROM suggestion WHERE series_id = ?1
                UNION ALL SELECT updated_at FROM series WHERE id = ?1)
                """,
            arguments: [series]) ?? 0
    }

    /// The standing's section 5 value, counted now.
    static func value(_ series: String, _ db: Database) throws -> JSONValue? {
        guard let facts = try Row.fetchOne(
            db, cached: "SELECT voting_method, created_at FROM series WHERE id = ?", arguments: [series])
        else { return nil }
        let method = VotingMethod(rawValue: facts["voting_method"]) ?? .schulze
        let ballotCount = try Int.fetchOne(
            db, cached: "SELECT count(*) FROM ballot WHERE series_id = ? AND ranking <> '[]'", arguments: [series]) ?? 0
        var result: TallyResult?
        var note: String?
        if let kept = try matrix(series, db) {
            result = tally(candidates: kept.candidates, matrix: kept.matrix, method: method)
            if result == nil {
                let index = Dictionary(uniqueKeysWithValues: kept.candidates.enumerated().map { ($1, $0) })
                let ballots = try String.fetchAll(db, cached: "SELECT ranking FROM ballot WHERE series_id = ?", arguments: [series])
                    .map { restrict(Loaders.rankingGroups($0), to: index) }.filter { !$0.listed.isEmpty }
                result = try? DocketCore.tally(TallyInput(candidates: kept.candidates, ballots: ballots), method: method)
            }
        } else {
            note = "more than \(maxRankedCandidates) open suggestions: not ranked until some close"
        }
        var scores: [(String, JSONValue)] = []
        if let result, let values = result.scores { scores = zip(result.candidates, values).map { ($0, .int($1)) } }
        return [
            "id": .string(series), "seriesID": .string(series), "method": .string(method.rawValue),
            "ballotCount": .int(Int64(ballotCount)), "ranking": .array((result.map(tieGroups) ?? []).map { .strings($0) }),
            "scores": .object(scores), "winners": .strings(result?.winners ?? []), "note": .optional(result?.note ?? note),
            "tieBreak": .optional(result?.tieBreak), "createdAt": .string(Timestamp(milliseconds: facts["created_at"]).rfc3339),
            "updatedAt": .string(Timestamp(milliseconds: try lastChange(series, db)).rfc3339),
        ]
    }
}

extension Store {
    /// Writes the standing of every series whose ballots or candidates changed (the housekeeping service's work).
    ///
    /// The same change log as every mutation: the standing gets a new version when its value changed.
    @discardableResult
    public func refreshStandings() async throws -> Int {
        let computed = try await pool.read(Store.computeDirtyStandings)
        guard !computed.isEmpty else { return 0 }
        return try await pool.write(writeStandings(computed))
    }

    /// The same, blocking (for tests and the CLI that settle derived state before going on).
    @discardableResult
    public func refreshStandingsNow() throws -> Int {
        let computed = try pool.read(Store.computeDirtyStandings)
        guard !computed.isEmpty else { return 0 }
        return try pool.write(writeStandings(computed))
    }

    /// Ranks every marked series from a read snapshot, so the costly count never holds the writer.
    private static func computeDirtyStandings(_ db: Database) throws -> [(series: String, since: Int64, value: String?)] {
        try Row.fetchAll(db, cached: "SELECT series_id, since FROM standing_dirty ORDER BY since").map { row in
            let series: String = row["series_id"]
            return (series, row["since"], try Standings.value(series, db)?.jsonString)
        }
    }

    /// Writes the counted standings whose series were not marked again meanwhile (those wait for the next pass).
    private func writeStandings(_ computed: [(series: String, since: Int64, value: String?)]) -> @Sendable (Database) throws -> Int {
        let now = environment.now()
        let environment = self.environment
        return { db in
            let context = MutationContext(db: db, actor: .administrator, clientID: nil, now: now, at: now, environment: environment)
            var written = 0
            for entry in computed {
                try db.execute(
                    cached: "DELETE FROM standing_dirty WHERE series_id = ? AND since = ?", arguments: [entry.series, entry.since])
                guard db.changesCount > 0, let value = entry.value else { continue }
                context.precomputed["standing:\(entry.series)"] = ChangeLog.Snapshot(
                    value: value, audiences: [ChangeLog.Audience(level: "results", seriesID: entry.series)])
                context.touch(.standing, entry.series)
                written += 1
            }
            try ChangeLog.record(context)
            return written
        }
    }
}
