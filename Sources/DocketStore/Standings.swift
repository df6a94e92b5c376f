import DocketCore
import Foundation
import GRDB

/// Each series' standing: open suggestions ranked by its voting method, kept current.
///
/// The pairwise matrix over the open suggestions is stored with the series
/// and changed by differences: a replaced ballot is taken out and the new one
/// put in, a new suggestion adds an empty row, a closed one drops its row.
/// Nothing recounts every ballot for the pairwise methods; borda, irv and
/// approval, which need the ballots themselves, recount them when the
/// standing is written.
enum Standings {
    struct State {
        var candidates: [String]
        var matrix: PairwiseMatrix
        var createdAt: Int64
    }

    /// A voter's ballot changed from `old` (nil: none before) to `new`.
    static func ballotChanged(series: SeriesID, old: [[String]]?, new: [[String]], _ context: MutationContext) throws {
        var state = try load(series, context)
        let index = indices(state.candidates)
        if let old { state.matrix.remove(restrict(old, to: index)) }
        state.matrix.add(restrict(new, to: index))
        try save(series, state, context)
    }

    /// A suggestion opened: it joins the candidates last, below every listed one on every ballot.
    static func candidateAdded(series: SeriesID, _ id: SuggestionID, _ context: MutationContext) throws {
        var state = try load(series, context)
        guard !state.candidates.contains(id.rawValue) else { return }
        state.candidates.append(id.rawValue)
        state.matrix.appendCandidate()
        try save(series, state, context)
    }

    /// A suggestion closed (withdrawn, declined, merged, promoted): it leaves the candidates.
    static func candidateRemoved(series: SeriesID, _ id: SuggestionID, _ context: MutationContext) throws {
        var state = try load(series, context)
        guard let position = state.candidates.firstIndex(of: id.rawValue) else { return }
        state.candidates.remove(at: position)
        state.matrix.removeCandidate(at: position)
        try save(series, state, context)
    }

    private static func load(_ series: SeriesID, _ context: MutationContext) throws -> State {
        if let state = try stored(series.rawValue, context.db) { return state }
        return try rebuild(series.rawValue, context.db, now: context.now)
    }

    static func stored(_ series: String, _ db: Database) throws -> State? {
        guard let row = try Row.fetchOne(
            db, cached: "SELECT candidates, matrix, created_at FROM standing WHERE series_id = ?", arguments: [series])
        else { return nil }
        let candidates = Loaders.stringList(row["candidates"])
        let bytes = [UInt8](row["matrix"] as Data)
        guard let matrix = PairwiseMatrix(storedBytes: bytes, candidateCount: candidates.count) else { return nil }
        return State(candidates: candidates, matrix: matrix, createdAt: row["created_at"])
    }

    /// Counts every ballot once: for a series whose standing was never stored.
    private static func rebuild(_ series: String, _ db: Database, now: Timestamp) throws -> State {
        let candidates = try String.fetchAll(
            db, cached: "SELECT id FROM suggestion WHERE series_id = ? AND status = 'open' ORDER BY created_at, id", arguments: [series])
        var matrix = PairwiseMatrix(candidateCount: candidates.count)
        let index = indices(candidates)
        for ranking in try rankings(series, db) { matrix.add(restrict(ranking, to: index)) }
        let state = State(candidates: candidates, matrix: matrix, createdAt: now.milliseconds)
        try db.execute(
            cached: "INSERT INTO standing (series_id, candidates, matrix, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [series, JSONValue.strings(candidates).jsonString, Data(matrix.storedBytes), now.milliseconds, now.milliseconds])
        return state
    }

    private static func save(_ series: SeriesID, _ state: State, _ context: MutationContext) throws {
        try context.db.execute(
            cached: "UPDATE standing SET candidates = ?, matrix = ?, updated_at = ? WHERE series_id = ?",
            arguments: [
                JSONValue.strings(state.candidates).jsonString, Data(state.matrix.storedBytes), context.now.milliseconds,
                series.rawValue,
            ])
        context.touch(.standing, series.rawValue)
    }

    private static func rankings(_ series: String, _ db: Database) throws -> [[[String]]] {
        try String.fetchAll(db, cached: "SELECT ranking FROM ballot WHERE series_id = ?", arguments: [series]).map { text in
            ((try? JSONParser.parse(text))?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.stringValue) }
        }
    }

    private static func indices(_ candidates: [String]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1, $0) })
    }

    /// A ballot over the current candidates only: closed suggestions drop out, emptied groups vanish.
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

    /// The standing's section 5 value, or nil when the series has no standing yet.
    static func value(_ series: String, _ db: Database) throws -> JSONValue? {
        guard let state = try stored(series, db), let facts = try Row.fetchOne(
            db, cached: "SELECT voting_method, updated_at FROM series WHERE id = ?", arguments: [series])
        else { return nil }
        let method = VotingMethod(rawValue: facts["voting_method"]) ?? .schulze
        // Ballots that rank anything; counting rows, not parsing them, keeps this O(1) in ballots read.
        let ballotCount = try Int.fetchOne(
            db, cached: "SELECT count(*) FROM ballot WHERE series_id = ? AND ranking <> '[]'", arguments: [series]) ?? 0
        var result = tally(candidates: state.candidates, matrix: state.matrix, method: method)
        if result == nil {
            let index = indices(state.candidates)
            let ballots = try rankings(series, db).map { restrict($0, to: index) }.filter { !$0.listed.isEmpty }
            if let input = try? TallyInput(candidates: state.candidates, ballots: ballots) {
                result = try? DocketCore.tally(input, method: method)
            }
        }
        let groups = result.map(tieGroups) ?? []
        var scores: [(String, JSONValue)] = []
        if let result, let values = result.scores {
            scores = zip(result.candidates, values).map { ($0, .int($1)) }
        }
        let updated = try Int64.fetchOne(db, cached: "SELECT updated_at FROM standing WHERE series_id = ?", arguments: [series]) ?? 0
        return [
            "id": .string(series), "seriesID": .string(series), "method": .string(method.rawValue),
            "ballotCount": .int(Int64(ballotCount)), "ranking": .array(groups.map { .strings($0) }),
            "scores": .object(scores), "winners": .strings(result?.winners ?? []), "note": .optional(result?.note),
            "tieBreak": .optional(result?.tieBreak),
            "createdAt": .string(Timestamp(milliseconds: state.createdAt).rfc3339),
            "updatedAt": .string(Timestamp(milliseconds: max(updated, facts["updated_at"])).rfc3339),
        ]
    }
}
