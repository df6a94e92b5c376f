import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

// The round mutations (`round.open`, `round.close`, `round.promote`) in the tables of `MutationBadInputTests`, which run
// their bad and happy cases, plus a few tests of their own, among them `GET /v1/rounds/{id}/ballots`.
//
// Their cases run on `BadInputFixture(rounds: true)`, which adds (see `addRounds`) a fourth suggestion, elected by the
// spent round and declined after it closed; the spent round (closed, none of its elected still open); the closed round
// (closed with the other member's one ballot `[[suggestion2]]`, so `suggestion2` is elected and still open); and the open
// round, closing in 2031. The server runs on the real clock, so every instant a case needs in the future lies years ahead.

// MARK: - Fixture and valid args

extension MutationTable {
    /// The names `roundArgs` knows.
    static let roundNames = ["round.open", "round.close", "round.promote"]

    static let newRound = "0193f1c2-0000-7000-8000-00000000c006"
    /// Rounds and the extra suggestion of `BadInputFixture(rounds: true)`.
    static let openRound = "0193f1c2-0000-7000-8000-00000000d001"
    static let closedRound = "0193f1c2-0000-7000-8000-00000000d002"
    static let spentRound = "0193f1c2-0000-7000-8000-00000000d003"
    static let spentSuggestion = "0193f1c2-0000-7000-8000-00000000b004"

    /// Valid args (with `$` placeholders) for the round mutations; `[:]` for other names.
    static func roundArgs(_ name: String) -> JSONValue {
        switch name {
        case "round.open":
            return [
                "id": .string(newRound), "seriesID": "$series", "title": "Spring round", "opensAt": "2030-01-01T00:00:00.000Z",
                "closesAt": "2030-02-01T00:00:00.000Z", "seats": 2, "method": "borda",
            ]
        case "round.close":
            return ["id": .string(openRound)]
        case "round.promote":
            return ["id": .string(closedRound), "episodeIDs": [.string(newEpisode)]]
        default:
            return [:]
        }
    }
}

extension BadInputFixture {
    /// The rounds of `BadInputFixture(rounds: true)`, made by the server administrator.
    static func addRounds(_ store: Store, series: String, suggestion2: String, member: Principal, other: Principal) throws {
        let spent = MutationTable.spentSuggestion
        let future = "2031-01-01T00:00:00.000Z"
        func open(_ id: String, _ title: String) throws {
            try store.run("round.open", ["id": .string(id), "seriesID": .string(series), "title": .string(title), "closesAt": .string(future)])
        }
        try store.run(
            "suggestion.create",
            ["id": .string(spent), "seriesID": .string(series), "title": "Fourth suggestion", "paper": ["title": "Fourth paper"]], as: member)
        try store.run("ballot.set", ["seriesID": .string(series), "ranking": [[.string(spent)]]], as: other)
        try open(MutationTable.spentRound, "Spent round")
        try store.run("round.close", ["id": .string(MutationTable.spentRound)])
        try store.run("suggestion.decline", ["id": .string(spent)])
        try store.run("ballot.set", ["seriesID": .string(series), "ranking": [[.string(suggestion2)]]], as: other)
        try open(MutationTable.closedRound, "Closed round")
        try store.run("round.close", ["id": .string(MutationTable.closedRound)])
        try open(MutationTable.openRound, "Open round")
    }
}

// MARK: - Bad cases

extension BadCases {
    static let roundOpen: [Case] = {
        let m = "round.open"
        var cases = requiredID(m, "id", unknown: false)
        cases += [
            conflict(m, "id of an open round", [("id", .string(MutationTable.openRound))]),
            conflict(m, "id of a closed round", [("id", .string(MutationTable.closedRound))]),
        ]
        cases += requiredID(m, "seriesID", unknown: true)
        cases += text(m, "title", max: 300, required: true)
        cases += timestamp(m, "closesAt", required: true)
        cases += [
            bad(m, "in the past (no opensAt)", [("opensAt", nil), ("closesAt", "2020-01-01T00:00:00.000Z")], field: "args.closesAt"),
            bad(m, "in the past (opensAt earlier)", [("opensAt", "2019-01-01T00:00:00.000Z"), ("closesAt", "2020-01-01T00:00:00.000Z")], field: "args.closesAt"),
            bad(m, "before opensAt", "closesAt", "2029-12-31T23:59:59.999Z"),
            bad(m, "equal to opensAt", "closesAt", "2030-01-01T00:00:00.000Z"),
            bad(m, "equal to opensAt (another offset)", "closesAt", "2030-01-01T01:00:00.000+01:00"),
        ]
        cases += timestamp(m, "opensAt", required: false)
        cases += int(m, "seats", 1...100, required: false)
        cases += [bad(m, "wrong type (bool)", "seats", true), bad(m, "far above range", "seats", 1_000_000)]
        cases += [
            bad(m, "wrong type", "method", 7), bad(m, "wrong type (list)", "method", ["borda"]),
            bad(m, "not an allowed value", "method", "dictatorship"), bad(m, "wrong case", "method", "Schulze"),
            bad(m, "with an underscore", "method", "ranked_pairs"), bad(m, "over-long", "method", BadInput.long(31)),
        ]
        cases += organizerOnly(m, invisibleField: "args.seriesID")
        return cases
    }()

    static let roundClose: [Case] = {
        let m = "round.close"
        var cases = requiredID(m, "id", unknown: true)
        cases += [
            conflict(m, "an already closed round", [("id", .string(MutationTable.closedRound))]),
            conflict(m, "an already closed and promoted-from round", [("id", .string(MutationTable.spentRound))]),
        ]
        // Rounds are seen by members only: an outsider of a public series does not see them either.
        cases += [
            forbidden(m, .member), forbidden(m, .otherMember), invisible(m, .outsider, field: "args.id"),
            invisible(m, .outsider, field: "args.id", visibility: "public"),
        ]
        return cases
    }()

    static let roundPromote: [Case] = {
        let m = "round.promote"
        var cases = requiredID(m, "id", unknown: true)
        cases += [
            conflict(m, "an open round", [("id", .string(MutationTable.openRound))]),
            conflict(m, "a round none of whose elected is still open", [("id", .string(MutationTable.spentRound))]),
            conflict(m, "episodeIDs naming an existing episode", [("episodeIDs", ["$episode"])]),
            conflict(m, "episodeIDs naming a cancelled episode", [("episodeIDs", ["$cancelledEpisode"])]),
        ]
        cases += [
            bad(m, "wrong type", "episodeIDs", .string(MutationTable.newEpisode)),
            bad(m, "object instead of list", "episodeIDs", ["id": .string(MutationTable.newEpisode)]),
            bad(m, "empty (fewer than the winners still open)", "episodeIDs", []),
            bad(m, "more than the winners still open", "episodeIDs", [.string(MutationTable.newEpisode), "0193f1c2-0000-7000-8000-00000000c007"]),
            bad(m, "too many (101)", "episodeIDs", .array((0...100).map { .string(String(format: "0193f1c2-0000-7000-8000-%012d", $0)) })),
            bad(m, "element wrong type", "episodeIDs", [42], field: "args.episodeIDs[0]"),
            bad(m, "element null", "episodeIDs", [.null], field: "args.episodeIDs[0]"),
            bad(m, "element blank", "episodeIDs", [""], field: "args.episodeIDs[0]"),
            bad(m, "element over-long", "episodeIDs", [.string(MutationTable.newEpisode + "0")], field: "args.episodeIDs[0]"),
            bad(m, "element not a UUID", "episodeIDs", ["episode-1"], field: "args.episodeIDs[0]"),
            bad(m, "element an uppercase UUID", "episodeIDs", ["0193F1C2-0000-7000-8000-00000000C005"], field: "args.episodeIDs[0]"),
        ]
        cases += [
            forbidden(m, .member), forbidden(m, .otherMember), invisible(m, .outsider, field: "args.id"),
            invisible(m, .outsider, field: "args.id", visibility: "public"),
        ]
        return cases
    }()

    static let rounds: [Case] = roundOpen + roundClose + roundPromote
}

// MARK: - Happy paths

extension HappyCase {
    static let rounds: [HappyCase] = {
        let base = [
            HappyCase(
                mutation: "round.open", actor: .organizer, type: "round", id: MutationTable.newRound,
                checks: [
                    .equals("seriesID", "$series"), .equals("title", "Spring round"), .equals("opensAt", "2030-01-01T00:00:00.000Z"),
                    .equals("closesAt", "2030-02-01T00:00:00.000Z"), .equals("seats", 2), .equals("method", "borda"),
                    .equals("status", "open"), .equals("result", .null),
                ]),
            HappyCase(
                mutation: "round.close", actor: .organizer, type: "round", id: MutationTable.openRound,
                checks: [.equals("status", "closed"), .equals("title", "Open round"), .equals("seats", 1)]),
            HappyCase(
                mutation: "round.promote", actor: .organizer, type: "episode", id: MutationTable.newEpisode,
                checks: [
                    .equals("suggestionID", "$suggestion2"), .equals("title", "Second suggestion"), .equals("status", "scheduled"),
                    .equals("presenters", []),
                ]),
        ]
        // Administrators may do everything in every series.
        return base + base.map { $0.by(.admin) }
    }()
}

// MARK: - Tests

@Suite struct RoundBadInputTests {
    static let clientID = MutationBadInputTests.clientID
    static let observer = MutationBadInputTests.observer
    /// A client id for pulls by a person other than the administrator.
    static let personal = "0193f1c2-0000-7000-8000-0000000c11e3"

    /// The round names are in the tables with valid args, bad cases, a role case and happy cases; with empty args
    /// each is a validation failure by push and by `POST /v1/mutations`.
    @Test func roundNamesAreInTheTables() async throws {
        #expect(Set(MutationTable.roundNames).isSubset(of: MutationTable.names))
        for name in MutationTable.roundNames {
            #expect(MutationTable.validArgs(name) != [:], "no valid args for \(name)")
            #expect(BadCases.all.contains { $0.mutation == name && $0.code == "conflict" }, "no conflict case for \(name)")
            #expect(HappyCase.all().contains { $0.mutation == name && $0.actor == .admin }, "no admin happy case for \(name)")
        }
        let fixture = try BadInputFixture(rounds: true)
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.router) { client in
            let mutations = MutationTable.roundNames.enumerated().map { BadInput.mutation(Int64($0.offset + 1), $0.element, [:]) }
            let reply = try await BadInput.push(client, token: fixture.token(.organizer), clientID: Self.clientID, mutations)
            #expect(reply.json["lastMutationID"] == 3)
            for result in reply.json["results"]?.arrayValue ?? [] {
                #expect(result["status"] == "rejected")
                #expect(result["problem"]?["code"] == "validation_failed", "\(result.jsonString.prefix(300))")
                let fields = result["problem"]?["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
                #expect(fields.contains("args.id"), "\(fields)")
            }
            for name in MutationTable.roundNames {
                let rest = try await BadInput.send(client, .post, "/v1/mutations", token: fixture.token(.organizer), json: ["name": .string(name), "args": [:]])
                BadInput.expectProblem(rest, .unprocessableContent, "validation_failed")
            }
        }
    }

    /// Without `opensAt`, `seats` and `method` a round opens now, for one seat, with the series' voting method.
    @Test func roundOpenDefaults() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let args = fixture.ids.resolve(
            ["id": .string(MutationTable.newRound), "seriesID": "$series", "title": "  Quick round  ", "closesAt": "2030-02-01T00:00:00.000Z",
             "seats": .null, "method": .null, "opensAt": .null])
        try await fixture.server.application.test(.router) { client in
            let before = Date()
            let reply = try await BadInput.push(client, token: fixture.token(.organizer), clientID: Self.clientID, [BadInput.mutation(1, "round.open", args)])
            #expect(reply.json["results"]?.arrayValue?.first?["status"] == "applied", "\(reply.text.prefix(400))")
            let state = try await BadInput.state(client, token: fixture.token(.member), clientID: Self.personal)
            let round = state["round:\(MutationTable.newRound)"]?["value"] ?? .null
            #expect(round["title"] == "Quick round")
            #expect(round["seats"] == 1)
            #expect(round["method"] == "schulze")
            #expect(round["status"] == "open")
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let opensAt = round["opensAt"]?.stringValue.flatMap { formatter.date(from: $0) }
            #expect(opensAt.map { abs($0.timeIntervalSince(before)) < 60 } == true, "opensAt defaults to now: \(round.jsonString.prefix(300))")
        }
    }

    /// A round title is limited in characters, as the database counts them.
    @Test func roundTitleLimitCountsCharacters() async throws {
        try await MutationBadInputTests().limitsCountCharactersLikeTheDatabase("round.open", "title", 300)
    }

    /// Round rejections do not block the queue; what is applied around them stays applied.
    @Test func roundRejectionsDoNotBlockTheQueue() async throws {
        let fixture = try BadInputFixture(rounds: true)
        defer { fixture.server.remove() }
        let ids = fixture.ids
        let valid: @Sendable (String) -> JSONValue = { ids.resolve(MutationTable.roundArgs($0)) }
        try await fixture.server.application.test(.router) { client in
            let mutations = [
                BadInput.mutation(1, "round.open", BadInput.edited(valid("round.open"), path: ["seats"], to: 0)),
                BadInput.mutation(2, "round.open", valid("round.open")),
                BadInput.mutation(3, "round.close", ["id": .string(MutationTable.closedRound)]),
                BadInput.mutation(4, "round.close", valid("round.close")),
                BadInput.mutation(5, "round.promote", valid("round.promote")),
                BadInput.mutation(6, "round.promote", valid("round.promote")),
            ]
            let reply = try await BadInput.push(client, token: fixture.token(.organizer), clientID: Self.clientID, mutations)
            #expect(reply.status == .ok)
            #expect(reply.json["lastMutationID"] == 6)
            let results = reply.json["results"]?.arrayValue ?? []
            #expect(results.map { $0["status"]?.stringValue ?? "?" } == ["rejected", "applied", "rejected", "applied", "applied", "rejected"], "\(reply.text.prefix(800))")
            #expect(results.map { $0["problem"]?["code"]?.stringValue ?? "-" } == ["validation_failed", "-", "conflict", "-", "-", "conflict"])
            let state = try await BadInput.state(client, token: fixture.token(.admin), clientID: Self.observer)
            #expect(state["episode:\(MutationTable.newEpisode)"]?["value"]?["suggestionID"] == .string(ids.suggestion2))
            #expect(state["suggestion:\(ids.suggestion2)"]?["value"]?["status"] == "promoted")
            #expect(state["round:\(MutationTable.newRound)"]?["value"]?["seats"] == 2)
            #expect(state["round:\(MutationTable.openRound)"]?["value"]?["status"] == "closed")
        }
    }

    /// `GET /v1/rounds/{id}/ballots`: 409 while open, 404 when unknown or invisible, 400 for an unknown format; a closed
    /// round's ballots as JSON (candidates, ballots with receipts, no person ids) and as a PrefLib `.toi` file.
    @Test func roundBallotsExport() async throws {
        let fixture = try BadInputFixture(rounds: true)
        defer { fixture.server.remove() }
        let ids = fixture.ids
        let closed = "/v1/rounds/\(MutationTable.closedRound)/ballots"
        try await fixture.server.application.test(.router) { client in
            let member = fixture.token(.member)
            BadInput.expectProblem(
                try await BadInput.send(client, .get, "/v1/rounds/\(MutationTable.openRound)/ballots", token: member), .conflict, "conflict")
            BadInput.expectProblem(
                try await BadInput.send(client, .get, "/v1/rounds/\(MutationTable.openRound)/ballots", token: fixture.token(.organizer)),
                .conflict, "conflict")
            BadInput.expectProblem(try await BadInput.send(client, .get, "/v1/rounds/\(BadInput.unknownID)/ballots", token: member), .notFound, "not_found")
            BadInput.expectProblem(try await BadInput.send(client, .get, "/v1/rounds/not-a-round/ballots", token: member), .notFound, "not_found")
            // The outsider of the members-only series cannot see its rounds, open or closed.
            BadInput.expectProblem(try await BadInput.send(client, .get, closed, token: fixture.token(.outsider)), .notFound, "not_found")
            BadInput.expectProblem(
                try await BadInput.send(client, .get, "/v1/rounds/\(MutationTable.openRound)/ballots", token: fixture.token(.outsider)),
                .notFound, "not_found")
            BadInput.expectProblem(try await BadInput.send(client, .get, closed + "?format=xml", token: member), .badRequest, "bad_request")
            // Without a token, a members-only series' round is as unknown as any (only public series with live
            // results publish their ballots); a bad token is refused as such.
            BadInput.expectProblem(try await BadInput.send(client, .get, closed), .notFound, "not_found")
            BadInput.expectProblem(
                try await BadInput.send(client, .get, closed, token: "dkt_" + String(repeating: "x", count: 43)), .unauthorized, "unauthenticated")

            for query in ["", "?format=json"] {
                let reply = try await BadInput.send(client, .get, closed + query, token: member)
                #expect(reply.status == .ok, "\(reply.text.prefix(400))")
                #expect(reply.headers[.contentType]?.hasPrefix("application/json") == true)
                let candidates = reply.json["candidates"]?.arrayValue ?? []
                #expect(Set(candidates) == [.string(ids.suggestion), .string(ids.suggestion2)], "candidates: \(reply.text.prefix(400))")
                let ballots = reply.json["ballots"]?.arrayValue ?? []
                #expect(ballots.count == 1, "\(reply.text.prefix(400))")
                #expect(ballots.first?["ranking"] == [[.string(ids.suggestion2)]])
                let receipt = ballots.first?["receipt"]?.stringValue ?? ""
                #expect(!receipt.isEmpty, "a ballot without a receipt: \(reply.text.prefix(400))")
                for person in [ids.organizer, ids.member, ids.otherMember, ids.outsider, ids.admin] {
                    #expect(!reply.text.contains(person), "the export names person \(person)")
                }
                #expect(!reply.text.contains("voterID"))
                // The voter finds their receipt on their own ballot.
                let mine = try await BadInput.state(client, token: fixture.token(.otherMember), clientID: Self.personal)
                let ballot = mine.values.first { $0["value"]?["voterID"] == .string(ids.otherMember) }?["value"] ?? .null
                #expect(
                    ballot["receipts"]?.arrayValue?.contains { $0["roundID"] == .string(MutationTable.closedRound) && $0["receipt"] == .string(receipt) } == true,
                    "the voter's ballot does not carry the export's receipt: \(ballot.jsonString.prefix(400))")
            }

            let toi = try await BadInput.send(client, .get, closed + "?format=toi", token: member)
            #expect(toi.status == .ok, "\(toi.text.prefix(400))")
            #expect(toi.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(toi.text.hasPrefix("# FILE NAME:"), "\(toi.text.prefix(200))")
            #expect(toi.text.contains("# NUMBER VOTERS: 1"))
            for person in [ids.organizer, ids.member, ids.otherMember, ids.outsider, ids.admin] {
                #expect(!toi.text.contains(person), "the .toi file names person \(person)")
            }
        }
    }
}
