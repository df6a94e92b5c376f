import DocketCore
import GRDB

/// `ballot.set`: a member's ranking, last writer wins by `(at, clientID)`.
enum BallotMutations {
    static func set(_ args: inout Args, _ context: MutationContext) throws {
        let seriesID = args.id("seriesID", SeriesKind.self)
        let ranking = Ballot.readRanking(&args)
        try args.finish()
        guard let seriesID, let ranking else { return }
        let voter = try context.person()
        try context.require(.member, in: seriesID)
        try checkSuggestions(ranking, series: seriesID, context.db)
        let client = context.clientID?.rawValue ?? ""
        let existing = try Row.fetchOne(
            context.db, cached: "SELECT id, at, client_id FROM ballot WHERE series_id = ? AND voter_id = ?",
            arguments: [seriesID.rawValue, voter.rawValue])
        let rankingText = Ballot.rankingJSON(ranking).jsonString
        guard let existing else {
            let id = context.newID()
            try context.db.execute(
                cached: """
                    INSERT INTO ballot (id, series_id, voter_id, ranking, at, client_id, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, seriesID.rawValue, voter.rawValue, rankingText, context.at.milliseconds, client,
                    context.now.milliseconds, context.now.milliseconds,
                ])
            context.touch(.ballot, id)
            try recordHistory(id, series: seriesID, rankingText, context)
            return
        }
        let storedAt: Int64 = existing["at"]
        let storedClient: String = existing["client_id"]
        // The larger (at, clientID) wins; a tie is the same device acting again, so the newer mutation wins.
        guard (context.at.milliseconds, client) >= (storedAt, storedClient) else { return }
        let id: String = existing["id"]
        try context.db.execute(
            cached: "UPDATE ballot SET ranking = ?, at = ?, client_id = ?, updated_at = ? WHERE id = ?",
            arguments: [rankingText, context.at.milliseconds, client, context.now.milliseconds, id])
        context.touch(.ballot, id)
        try recordHistory(id, series: seriesID, rankingText, context)
    }

    /// Keeps the applied state with its server time, so a round can count ballots as they stood at its cutoff.
    private static func recordHistory(_ ballot: String, series: SeriesID, _ ranking: String, _ context: MutationContext) throws {
        try context.db.execute(
            cached: "INSERT INTO ballot_history (ballot_id, series_id, ranking, applied_at) VALUES (?, ?, ?, ?)",
            arguments: [ballot, series.rawValue, ranking, context.now.milliseconds])
    }

    /// Every ranked id must be a suggestion of the series.
    private static func checkSuggestions(_ ranking: [[SuggestionID]], series: SeriesID, _ db: Database) throws {
        let ids = ranking.flatMap { $0 }
        guard !ids.isEmpty else { return }
        let known = try Set(String.fetchAll(
            db, cached: "SELECT id FROM suggestion WHERE series_id = ? AND id IN (SELECT value FROM json_each(?))",
            arguments: [series.rawValue, JSONValue.strings(ids.map(\.rawValue)).jsonString]))
        var errors: [FieldError] = []
        for (groupIndex, group) in ranking.enumerated() {
            for (index, id) in group.enumerated() where !known.contains(id.rawValue) {
                errors.append(FieldError(field: "args.ranking[\(groupIndex)][\(index)]", message: "unknown suggestion"))
            }
        }
        if let first = errors.first {
            throw Problem(.validationFailed, "\(first.field) names an unknown suggestion", errors: errors)
        }
    }
}
