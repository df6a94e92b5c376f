public import DocketCore
import GRDB

/// A closed round's ballots as published: anonymous, shuffled, each with its receipt.
public struct RoundExport: Sendable {
    public var roundID: RoundID
    public var title: String
    public var method: String
    /// Suggestion ids in the order the count used (their tie-break order).
    public var candidates: [String]
    /// Titles of the candidates, for a PrefLib file's alternative names.
    public var titles: [String]
    public var ballots: [(ranking: [[String]], receipt: String)]

    /// The `docket tally` input (TALLY.md), each ballot with its receipt.
    public var tallyJSON: JSONValue {
        [
            "candidates": .strings(candidates),
            "ballots": .array(ballots.map { ["ranking": .array($0.ranking.map { .strings($0) }), "receipt": .string($0.receipt)] }),
        ]
    }

    /// The same ballots as a PrefLib `.toi` file (orders with ties, incomplete), alternatives numbered from 1.
    public var toi: String {
        let number = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1, $0 + 1) })
        var lines = [
            "# FILE NAME: round-\(roundID).toi", "# TITLE: \(title)", "# DATA TYPE: toi",
            "# NUMBER ALTERNATIVES: \(candidates.count)", "# NUMBER VOTERS: \(ballots.count)",
        ]
        for (index, title) in titles.enumerated() { lines.append("# ALTERNATIVE NAME \(index + 1): \(title)") }
        var counts: [String: Int] = [:]
        var order: [String] = []
        for ballot in ballots {
            let text = ballot.ranking.map { group -> String in
                let numbers = group.compactMap { number[$0] }.sorted().map(String.init)
                return numbers.count == 1 ? numbers[0] : "{" + numbers.joined(separator: ",") + "}"
            }.joined(separator: ",")
            if counts[text] == nil { order.append(text) }
            counts[text, default: 0] += 1
        }
        lines.append("# NUMBER UNIQUE ORDERS: \(order.count)")
        for text in order { lines.append("\(counts[text]!): \(text)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Store {
    /// A closed round's published ballots, for a reader who may see the round; nil when unknown or invisible.
    ///
    /// Without a reader (no token), only the rounds the public seminar page shows: those of a public
    /// series whose results are live. Their ballots are anonymous and shuffled, so anyone can recount.
    public func roundExport(_ id: RoundID, actor: Principal?) throws -> RoundExport? {
        if let actor {
            guard try !values(of: .round, id: id.rawValue, actor: actor).isEmpty else { return nil }
        }
        return try pool.read { db in
            guard let round = try Loaders.round(db, id.rawValue) else { return nil }
            if actor == nil {
                guard let series = try Loaders.series(db, round.seriesID.rawValue),
                    series.visibility == .public, series.resultsVisibility == .live
                else { return nil }
            }
            guard round.status == .closed, case .array(let candidates)? = round.result?["candidates"] else {
                throw Problem(.conflict, "the round's ballots are published when it closes, at \(round.closesAt.rfc3339)")
            }
            let ids = candidates.compactMap(\.stringValue)
            let titles = try ids.map { try String.fetchOne(db, cached: "SELECT title FROM suggestion WHERE id = ?", arguments: [$0]) ?? $0 }
            let ballots = try Row.fetchAll(
                db, cached: "SELECT ranking, receipt FROM round_ballot WHERE round_id = ? ORDER BY position", arguments: [id.rawValue]
            ).map { row in
                (ranking: Loaders.rankingGroups(row["ranking"]), receipt: row["receipt"] as String)
            }
            return RoundExport(roundID: id, title: round.title, method: round.method.rawValue, candidates: ids, titles: titles, ballots: ballots)
        }
    }

    /// Closes every open round whose `closesAt` has passed, through `round.close` as the administrator.
    ///
    /// Returns how many closed. A round that cannot be counted stays open and is reported in `failures`.
    public func closeDueRounds() async throws -> (closed: Int, failures: [String]) {
        let now = environment.now().milliseconds
        let due = try await pool.read { db in
            try String.fetchAll(db, cached: "SELECT id FROM round WHERE status = 'open' AND closes_at <= ? ORDER BY closes_at", arguments: [now])
        }
        var closed = 0
        var failures: [String] = []
        for id in due {
            do {
                try run("round.close", ["id": .string(id)])
                closed += 1
            } catch {
                failures.append("\(id): \(error)")
            }
        }
        return (closed, failures)
    }
}
