import DocketCore
import Foundation
import GRDB

/// `round.open`, `round.close` and `round.promote`.
enum RoundMutations {
    static func open(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", RoundKind.self)
        let seriesID = args.id("seriesID", SeriesKind.self)
        let title = args.string("title")
        let opensAt = args.optionalTimestamp("opensAt") ?? context.now
        let closesAt = args.timestamp("closesAt")
        let seats = args.optionalInt("seats", in: 1...100) ?? 1
        let method = args.optionalChoice("method", VotingMethod.self)
        if let closesAt, closesAt <= max(opensAt, context.now) { args.fail("closesAt", "must lie after opensAt and in the future") }
        try args.finish()
        guard let id, let seriesID, let title, let closesAt else { return }
        try context.require(.organizer, in: seriesID)
        if try Bool.fetchOne(context.db, cached: "SELECT 1 FROM round WHERE id = ?", arguments: [id.rawValue]) == true {
            throw Problem(.conflict, "a round with id \(id) already exists")
        }
        let chosen = try method?.rawValue
            ?? String.fetchOne(context.db, cached: "SELECT voting_method FROM series WHERE id = ?", arguments: [seriesID.rawValue])
            ?? "schulze"
        try context.db.execute(
            cached: """
                INSERT INTO round (id, series_id, title, opens_at, closes_at, seats, method, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
                """,
            arguments: [
                id.rawValue, seriesID.rawValue, title, opensAt.milliseconds, closesAt.milliseconds, seats, chosen,
                context.now.milliseconds, context.now.milliseconds,
            ])
        context.touch(.round, id.rawValue)
    }

    static func close(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", RoundKind.self)
        try args.finish()
        guard let id else { return }
        let round = try visibleRound(id, context)
        try context.require(.organizer, in: round.seriesID, field: "args.id")
        guard round.status == .open else { throw Problem(.conflict, "the round is closed already", extensions: ["current": round.json]) }
        try RoundClosing.close(round, context)
    }

    static func promote(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", RoundKind.self)
        let episodeIDs = readEpisodeIDs(&args)
        try args.finish()
        guard let id else { return }
        let round = try visibleRound(id, context)
        try context.require(.organizer, in: round.seriesID, field: "args.id")
        guard round.status == .closed, case .array(let elected)? = round.result?["elected"] else {
            throw Problem(.conflict, "only a closed round's winners can be promoted", extensions: ["current": round.json])
        }
        let winners = try elected.compactMap(\.stringValue).filter {
            try String.fetchOne(context.db, cached: "SELECT status FROM suggestion WHERE id = ?", arguments: [$0]) == "open"
        }
        guard !winners.isEmpty else { throw Problem(.conflict, "none of the round's winners is still open") }
        if let episodeIDs, episodeIDs.count != winners.count {
            throw Problem.invalid("args.episodeIDs", "must give exactly one episode id per winner still open (\(winners.count))")
        }
        let slots = try PromoteMutations.nextFreeSlots(series: round.seriesID, count: winners.count, context)
        guard slots.count == winners.count else { throw Problem(.conflict, "the series has too few free slots in the next ten years") }
        for (index, winner) in winners.enumerated() {
            let episode = episodeIDs?[index] ?? EpisodeID(trusted: context.newID())
            try PromoteMutations.promote(SuggestionID(trusted: winner), into: episode, startsAt: slots[index], title: nil, context)
        }
    }
}

extension RoundMutations {
    /// The round, if it exists and the actor belongs to its series; otherwise it is reported as unknown.
    static func visibleRound(_ id: RoundID, _ context: MutationContext) throws -> Round {
        guard let round = try Loaders.round(context.db, id.rawValue), try context.role(in: round.seriesID) != nil else {
            throw Problem.invalid("args.id", "names an unknown round")
        }
        return round
    }

    /// Optional `episodeIDs`: distinct episode ids, each element's fault reported at its own path.
    static func readEpisodeIDs(_ args: inout Args) -> [EpisodeID]? {
        guard let list = args.list("episodeIDs", maxCount: 100) else { return nil }
        var ids: [EpisodeID] = []
        for (index, element) in list.enumerated() {
            guard case .string(let text) = element, let id = EpisodeID(text) else {
                args.fail("episodeIDs[\(index)]", "must be an episode id (a lowercase UUID)")
                continue
            }
            if ids.contains(id) {
                args.fail("episodeIDs[\(index)]", "appears twice")
            } else {
                ids.append(id)
            }
        }
        return ids
    }
}

/// Freezes a round: the ballots as they stood at its cutoff, over the suggestions open then.
enum RoundClosing {
    static func close(_ round: Round, _ context: MutationContext) throws {
        let cutoff = min(round.closesAt, context.now)
        let candidates = try String.fetchAll(
            context.db,
            cached: """
                SELECT id FROM suggestion WHERE series_id = ?1 AND created_at <= ?2 AND (closed_at IS NULL OR closed_at > ?2)
                ORDER BY created_at, id
                """,
            arguments: [round.seriesID.rawValue, cutoff.milliseconds])
        let index = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1, $0) })
        let states = try Row.fetchAll(
            context.db,
            cached: """
                SELECT h.ballot_id, h.ranking FROM ballot_history h
                WHERE h.series_id = ?1
                AND h.id = (SELECT max(id) FROM ballot_history WHERE ballot_id = h.ballot_id AND applied_at <= ?2)
                """,
            arguments: [round.seriesID.rawValue, cutoff.milliseconds])
        var counted: [(ballot: String, ranking: [[String]], tally: TallyBallot)] = []
        for state in states {
            let ballot: String = state["ballot_id"]
            let ranking = Loaders.rankingGroups(state["ranking"])
                .map { $0.filter { index[$0] != nil } }.filter { !$0.isEmpty }
            guard !ranking.isEmpty else { continue }
            counted.append((ballot, ranking, TallyBallot(ranking: ranking.map { $0.map { index[$0]! } }, count: 1)))
        }
        let json: JSONValue
        if candidates.isEmpty {
            json = RoundResult.empty(method: round.method, cutoff: cutoff)
        } else {
            let result: TallyResult
            let input: TallyInput
            do {
                input = try TallyInput(candidates: candidates, ballots: counted.map(\.tally))
                result = try tally(input, method: round.method)
            } catch {
                throw Problem(.conflict, "the round cannot be counted with \(round.method.rawValue): \(error)")
            }
            json = RoundResult.json(result, matrix: PairwiseMatrix(input), seats: round.seats, ballotCount: counted.count, cutoff: cutoff)
        }
        try publish(round, counted.map { ($0.ballot, $0.ranking) }, context)
        try context.db.execute(
            cached: "UPDATE round SET status = 'closed', result = ?, updated_at = ? WHERE id = ?",
            arguments: [json.jsonString, context.now.milliseconds, round.id.rawValue])
        context.touch(.round, round.id.rawValue)
    }

    /// Stores the ballots shuffled and anonymous, each with a fresh receipt shown only to its voter.
    private static func publish(_ round: Round, _ ballots: [(ballot: String, ranking: [[String]])], _ context: MutationContext) throws {
        var shuffled = ballots
        // Seeded from the CSPRNG: the order must not be guessable from the voters' order.
        var random = SplitMix64(seed: context.environment.randomBytes(8).reduce(0) { $0 << 8 | UInt64($1) })
        shuffled.shuffle(using: &random)
        for (position, entry) in shuffled.enumerated() {
            let nonce = context.environment.randomBytes(16)
            let receipt = Crypto.sha256(Array("\(round.id):\(entry.ballot):".utf8) + nonce).prefix(16)
                .map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            try context.db.execute(
                cached: "INSERT INTO round_ballot (round_id, position, ranking, receipt) VALUES (?, ?, ?, ?)",
                arguments: [round.id.rawValue, position, JSONValue.array(entry.ranking.map { .strings($0) }).jsonString, receipt])
            try context.db.execute(
                cached: "INSERT INTO ballot_receipt (ballot_id, round_id, receipt) VALUES (?, ?, ?)",
                arguments: [entry.ballot, round.id.rawValue, receipt])
            context.touch(.ballot, entry.ballot)
        }
    }
}
