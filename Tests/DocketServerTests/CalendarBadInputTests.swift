import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

// The calendar, presenter and promotion mutations (`series.skip`, `series.unskip`, `episode.reschedule`,
// `presenter.assign`, `presenter.unassign`, `presenter.respond`, `suggestion.promote`) in the tables of
// `MutationBadInputTests`, which run their bad and happy cases, plus a few tests of their own.
//
// The fixture series meets every second Tuesday at 15:00 Europe/Berlin from 2026-01-06, so 2027's meeting
// dates are 01-05, 01-19, 02-02, 02-16, 03-02, 03-16, 03-30, ... (14:00Z in winter, 13:00Z from 2027-03-28).
// The fixture holds episodes on 01-05 and 01-19 (the member a proposed presenter of the second), a
// cancelled one on 02-02, and skips 03-16. The server runs on the real clock, so every instant a case
// needs in the future lies years ahead.

// MARK: - Valid args

extension MutationTable {
    /// The names `calendarArgs` knows.
    static let calendarNames = [
        "episode.reschedule", "suggestion.promote", "series.skip", "series.unskip", "presenter.assign", "presenter.unassign",
        "presenter.respond",
    ]
    /// A meeting date of the fixture series that the fixture skips.
    static let skippedDate = "2027-03-16"

    /// Valid args (with `$` placeholders) for the calendar mutations; `[:]` for other names.
    static func calendarArgs(_ name: String) -> JSONValue {
        switch name {
        case "series.skip":
            return ["seriesID": "$series", "date": "2027-02-16", "reason": "Carnival"]
        case "series.unskip":
            return ["seriesID": "$series", "date": .string(skippedDate)]
        case "episode.reschedule":
            return ["id": "$episode", "startsAt": "2027-03-30T13:00:00.000Z"]
        case "presenter.assign":
            return ["episodeID": "$episode", "personID": "$otherMember", "role": "short-talk"]
        case "presenter.unassign":
            return ["episodeID": "$episode2", "personID": "$member"]
        case "presenter.respond":
            return ["episodeID": "$episode2", "accept": true]
        case "suggestion.promote":
            return ["id": "$suggestion", "episodeID": .string(newEpisode), "startsAt": "2030-01-08T17:00:00.000Z", "title": "Promoted session"]
        default:
            return [:]
        }
    }
}

// MARK: - Bad cases

extension BadCases {
    /// `id` plus the empty string, for a required id.
    static func requiredID(_ m: String, _ path: String, unknown: Bool) -> [Case] {
        id(m, path, unknown: unknown) + [bad(m, "blank", path, "")]
    }

    /// A timestamp; `required` adds missing and null.
    static func timestamp(_ m: String, _ path: String, required: Bool) -> [Case] {
        var cases = [
            bad(m, "wrong type", path, 1_800_000_000), bad(m, "blank", path, "  "), bad(m, "not a timestamp", path, "next tuesday"),
            bad(m, "no time zone", path, "2027-03-30T13:00:00"), bad(m, "impossible day", path, "2027-02-29T14:00:00.000Z"),
            bad(m, "over-long", path, .string("2027-03-30T13:00:00.000Z" + String(repeating: " ", count: 20) + "x")),
            // Instants whose UTC form falls outside the years 0000...9999 cannot be written back as RFC 3339.
            bad(m, "after the year 9999 in UTC", path, "9999-12-31T23:59:59.999-23:59"),
            bad(m, "before the year 0000 in UTC", path, "0000-01-01T00:00:00.000+01:00"),
        ]
        if required { cases += [bad(m, "missing", path, nil), bad(m, "null", path, .null)] }
        return cases
    }

    /// Organizer-only mutations of the series: members are forbidden, outsiders do not see a members-only series.
    static func organizerOnly(_ m: String, invisibleField: String) -> [Case] {
        [
            forbidden(m, .member), forbidden(m, .otherMember), invisible(m, .outsider, field: invisibleField),
            forbidden(m, .outsider, visibility: "public"),
        ]
    }

    static let seriesSkip: [Case] = {
        let m = "series.skip"
        var cases = requiredID(m, "seriesID", unknown: true)
        cases += text(m, "date", max: 10, required: true, wrongType: 20_270_216)
        cases += [
            bad(m, "not a date", "date", "16.02.2027"), bad(m, "without leading zeros", "date", "2027-2-16"),
            bad(m, "impossible day", "date", "2027-02-30"), bad(m, "month 13", "date", "2027-13-16"),
            bad(m, "a timestamp", "date", "2027-02-16T14:00:00.000Z"),
            bad(m, "not a meeting date (a Wednesday)", "date", "2027-02-17"),
            bad(m, "not a meeting date (a Tuesday of the off week)", "date", "2027-02-09"),
            bad(m, "not a meeting date (before the cadence starts)", "date", "2025-12-23"),
            bad(m, "not a meeting date (year 0)", "date", "0000-01-04"),
        ]
        cases += text(m, "reason", max: 300, required: false, wrongType: ["Holiday"])
        cases += organizerOnly(m, invisibleField: "args.seriesID")
        return cases
    }()

    static let seriesUnskip: [Case] = {
        let m = "series.unskip"
        var cases = requiredID(m, "seriesID", unknown: true)
        cases += text(m, "date", max: 10, required: true, wrongType: 20_270_316)
        cases += [
            bad(m, "not a date", "date", "next week"), bad(m, "impossible day", "date", "2027-02-29"),
            bad(m, "month 13", "date", "2027-13-16"), bad(m, "a timestamp", "date", "2027-03-16T13:00:00.000Z"),
        ]
        cases += organizerOnly(m, invisibleField: "args.seriesID")
        return cases
    }()

    static let episodeReschedule: [Case] = {
        let m = "episode.reschedule"
        var cases = requiredID(m, "id", unknown: true) + timestamp(m, "startsAt", required: true)
        cases += [conflict(m, "a cancelled episode", [("id", "$cancelledEpisode")])]
        cases += organizerOnly(m, invisibleField: "args.id")
        return cases
    }()

    static let presenterAssign: [Case] = {
        let m = "presenter.assign"
        var cases = requiredID(m, "episodeID", unknown: true) + requiredID(m, "personID", unknown: true)
        cases += choice(m, "role", required: false)
        cases += [
            bad(m, "blank", "role", ""), bad(m, "wrong case", "role", "Discussant"), bad(m, "with an underscore", "role", "short_talk"),
            bad(m, "a status, not a role", "role", "confirmed"), bad(m, "over-long", "role", BadInput.long(101)),
            bad(m, "member assigning themselves", [("personID", "$member")], field: nil, code: "forbidden", actor: .member),
        ]
        cases += organizerOnly(m, invisibleField: "args.episodeID")
        return cases
    }()

    static let presenterUnassign: [Case] = {
        let m = "presenter.unassign"
        var cases = requiredID(m, "episodeID", unknown: true) + requiredID(m, "personID", unknown: true)
        cases += [
            bad(m, "not a presenter of the episode", "personID", "$otherMember"),
            bad(m, "the presenter of another episode", [("episodeID", "$episode")], field: "args.personID"),
            bad(m, "the presenter unassigning themselves", [], field: nil, code: "forbidden", actor: .member),
        ]
        cases += organizerOnly(m, invisibleField: "args.episodeID").filter { $0.actor != .member }
        return cases
    }()

    static let presenterRespond: [Case] = {
        let m = "presenter.respond"
        var cases = requiredID(m, "episodeID", unknown: true)
        cases += [
            bad(m, "wrong type (string)", "accept", "true"), bad(m, "wrong type (number)", "accept", 1),
            bad(m, "wrong type (list)", "accept", [true]), bad(m, "missing", "accept", nil), bad(m, "null", "accept", .null),
            bad(m, "blank", "accept", ""),
            bad(m, "an episode the member does not present", [("episodeID", "$episode")], field: nil, code: "forbidden"),
            bad(m, "on the presenter's behalf (personID is ignored)", [("personID", "$member")], field: nil, code: "forbidden", actor: .otherMember),
            // Only the presenter responds: not an organizer, not an administrator, not another member.
            forbidden(m, .organizer), forbidden(m, .admin), forbidden(m, .otherMember),
            invisible(m, .outsider, field: "args.episodeID"), forbidden(m, .outsider, visibility: "public"),
        ]
        return cases
    }()

    static let suggestionPromote: [Case] = {
        let m = "suggestion.promote"
        var cases = requiredID(m, "id", unknown: true) + requiredID(m, "episodeID", unknown: false)
        cases += [
            conflict(m, "episodeID of an existing episode", [("episodeID", "$episode")]),
            conflict(m, "episodeID of a cancelled episode", [("episodeID", "$cancelledEpisode")]),
            conflict(m, "a declined suggestion", [("id", "$declinedSuggestion")]),
        ]
        cases += timestamp(m, "startsAt", required: false)
        cases += [
            bad(m, "in the past", "startsAt", "2020-01-07T14:00:00.000Z"),
            bad(m, "in the past (a meeting of the series)", "startsAt", "2026-01-06T14:00:00.000Z"),
        ]
        cases += text(m, "title", max: 300, required: false)
        cases += [
            forbidden(m, .member), forbidden(m, .otherMember), invisible(m, .outsider, field: "args.id"),
            invisible(m, .outsider, field: "args.id", visibility: "public"),
        ]
        return cases
    }()

    static let calendar: [Case] =
        seriesSkip + seriesUnskip + episodeReschedule + presenterAssign + presenterUnassign + presenterRespond + suggestionPromote
}

// MARK: - Happy paths

extension HappyCase {
    static let calendar: [HappyCase] = {
        let base = [
            HappyCase(
                mutation: "series.skip", actor: .organizer, type: "series", id: "$series",
                checks: [
                    .listHas("skippedDates", member: "date", "2027-02-16"), .listHas("skippedDates", member: "reason", "Carnival"),
                    .listHas("skippedDates", member: "date", .string(MutationTable.skippedDate)),
                ]),
            HappyCase(mutation: "series.unskip", actor: .organizer, type: "series", id: "$series", checks: [.equals("skippedDates", [])]),
            HappyCase(
                mutation: "episode.reschedule", actor: .organizer, type: "episode", id: "$episode",
                checks: [.equals("startsAt", "2027-03-30T13:00:00.000Z"), .equals("status", "scheduled"), .equals("number", 2)]),
            HappyCase(
                mutation: "presenter.assign", actor: .organizer, type: "episode", id: "$episode",
                checks: [.equals("presenters", [["personID": "$otherMember", "role": "short-talk", "status": "proposed"]])]),
            HappyCase(mutation: "presenter.unassign", actor: .organizer, type: "episode", id: "$episode2", checks: [.equals("presenters", [])]),
            HappyCase(
                mutation: "presenter.respond", actor: .member, type: "episode", id: "$episode2",
                checks: [.equals("presenters", [["personID": "$member", "role": "presenter", "status": "confirmed"]])]),
            HappyCase(
                mutation: "suggestion.promote", actor: .organizer, type: "episode", id: MutationTable.newEpisode,
                checks: [
                    .equals("title", "Promoted session"), .equals("startsAt", "2030-01-08T17:00:00.000Z"), .equals("status", "scheduled"),
                    .equals("suggestionID", "$suggestion"), .equals("papers", [["paperID": "$paper", "role": "main"]]),
                    .equals("presenters", [["personID": "$otherMember", "role": "presenter", "status": "proposed"]]),
                ]),
        ]
        // Administrators may do everything in every series, except respond for a presenter.
        return base + base.filter { $0.mutation != "presenter.respond" }.map { $0.by(.admin) }
    }()
}

// MARK: - Tests

@Suite struct CalendarBadInputTests {
    static let clientID = MutationBadInputTests.clientID
    static let observer = MutationBadInputTests.observer

    /// The names of `MutationRegistry.handlers`, read from its source.
    static func registryNames() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let source = try String(
            contentsOf: root.appendingPathComponent("Sources/DocketStore/Mutations/MutationRegistry.swift"), encoding: .utf8)
        var names: Set<String> = []
        for line in source.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("\""), let end = text.dropFirst().firstIndex(of: "\""), text[end...].hasPrefix("\":")
            else { continue }
            names.insert(String(text[text.index(after: text.startIndex)..<end]))
        }
        return names
    }

    /// The tables name exactly the registered mutations, and the server knows each of them: with empty args every one is a
    /// validation failure, never `unknown_mutation`, while a near miss is `unknown_mutation`.
    @Test func tableNamesAreTheRegistry() async throws {
        let registered = try Self.registryNames()
        #expect(registered.count >= 23, "could not read MutationRegistry.swift: \(registered)")
        #expect(registered == Set(MutationTable.names), "registry and table differ: \(registered.symmetricDifference(MutationTable.names).sorted())")
        #expect(Set(MutationTable.calendarNames).isSubset(of: MutationTable.names))
        for name in MutationTable.calendarNames {
            #expect(MutationTable.calendarArgs(name) != [:], "no valid args for \(name)")
        }

        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let names = MutationTable.names + ["series.Skip", "presenter.respond ", "presenters.assign", "suggestion.promote.now"]
        try await fixture.server.application.test(.router) { client in
            let mutations = names.enumerated().map { BadInput.mutation(Int64($0.offset + 1), $0.element, [:]) }
            // As the administrator, whom no role check stops before the args are read.
            let reply = try await BadInput.push(client, token: fixture.token(.admin), clientID: Self.clientID, mutations)
            #expect(reply.status == .ok, "\(reply.text.prefix(400))")
            #expect(reply.json["lastMutationID"] == .int(Int64(names.count)))
            let results = reply.json["results"]?.arrayValue ?? []
            #expect(results.count == names.count)
            for (name, result) in zip(names, results) {
                #expect(result["status"] == "rejected", "\(name) with empty args: \(result.jsonString.prefix(300))")
                let expected = MutationTable.names.contains(name) ? "validation_failed" : "unknown_mutation"
                #expect(result["problem"]?["code"] == .string(expected), "\(name): \(result.jsonString.prefix(300))")
            }
            for name in MutationTable.calendarNames {
                let rest = try await BadInput.send(client, .post, "/v1/mutations", token: fixture.token(.organizer), json: ["name": .string(name), "args": [:]])
                BadInput.expectProblem(rest, .unprocessableContent, "validation_failed")
            }
        }
    }

    /// A presenter may decline and later accept; each answer is applied and visible.
    @Test func aPresenterDeclinesAndChangesTheirMind() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let ids = fixture.ids
        try await fixture.server.application.test(.router) { client in
            let mutations = [
                BadInput.mutation(1, "presenter.respond", ["episodeID": .string(ids.episode2), "accept": false]),
                BadInput.mutation(2, "presenter.respond", ["episodeID": .string(ids.episode2), "accept": false]),
            ]
            let reply = try await BadInput.push(client, token: fixture.token(.member), clientID: Self.clientID, mutations)
            #expect(reply.json["results"]?.arrayValue?.map { $0["status"] } == ["applied", "applied"], "\(reply.text.prefix(600))")
            var state = try await BadInput.state(client, token: fixture.token(.admin), clientID: Self.observer)
            #expect(state["episode:\(ids.episode2)"]?["value"]?["presenters"]?.arrayValue?.first?["status"] == "declined")
            let again = try await BadInput.send(
                client, .post, "/v1/mutations", token: fixture.token(.member),
                json: ["name": "presenter.respond", "args": ["episodeID": .string(ids.episode2), "accept": true]])
            #expect(again.status == .ok, "\(again.text.prefix(400))")
            state = try await BadInput.state(client, token: fixture.token(.admin), clientID: Self.observer)
            #expect(state["episode:\(ids.episode2)"]?["value"]?["presenters"]?.arrayValue?.first?["status"] == "confirmed")
        }
    }

    /// Without `startsAt` a promotion takes the first cadence slot after now that is neither skipped nor taken by an
    /// episode that is not cancelled; skipping that slot moves the next promotion on; the suggestion is then promoted.
    @Test func promotionTakesTheNextFreeSlotOfTheRealCalendar() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let ids = fixture.ids
        let occupied: Set<String> = ["2027-01-05", "2027-01-19"]
        let free = Self.meetings(after: Date()).filter { !occupied.contains($0.date) && $0.date != MutationTable.skippedDate }
        let first = try #require(free.first), second = free[1]
        let episodeID = "0193f1c2-0000-7000-8000-00000000c0e1"
        try await fixture.server.application.test(.router) { client in
            let mutations = [
                BadInput.mutation(1, "series.skip", ["seriesID": .string(ids.series), "date": .string(first.date), "reason": "Holiday"]),
                BadInput.mutation(2, "suggestion.promote", ["id": .string(ids.suggestion2), "episodeID": .string(episodeID)]),
            ]
            let reply = try await BadInput.push(client, token: fixture.token(.organizer), clientID: Self.clientID, mutations)
            #expect(reply.json["results"]?.arrayValue?.map { $0["status"] } == ["applied", "applied"], "\(reply.text.prefix(600))")
            let state = try await BadInput.state(client, token: fixture.token(.admin), clientID: Self.observer)
            let episode = state["episode:\(episodeID)"]?["value"] ?? .null
            #expect(episode["startsAt"] == .string(second.startsAt), "expected the slot after the skipped \(first.date): \(episode.jsonString.prefix(400))")
            #expect(episode["title"] == "Second suggestion", "the title defaults to the suggestion's")
            #expect(episode["suggestionID"] == .string(ids.suggestion2))
            let suggestion = state["suggestion:\(ids.suggestion2)"]?["value"] ?? .null
            #expect(suggestion["status"] == "promoted")
            #expect(suggestion["episodeID"] == .string(episodeID))
            let series = state["series:\(ids.series)"]?["value"] ?? .null
            #expect(series["skippedDates"]?.arrayValue?.contains { $0["date"] == .string(first.date) && $0["reason"] == "Holiday" } == true)
        }
    }

    /// The fixture series' meetings starting after `now` (the next 60), as local dates and RFC 3339 starts.
    static func meetings(after now: Date) -> [(date: String, startsAt: String)] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Berlin")!
        let first = calendar.date(from: DateComponents(year: 2026, month: 1, day: 6, hour: 15))!
        let day = DateFormatter()
        day.calendar = calendar
        day.timeZone = calendar.timeZone
        day.locale = Locale(identifier: "en_US_POSIX")
        day.dateFormat = "yyyy-MM-dd"
        let instant = ISO8601DateFormatter()
        instant.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var result: [(date: String, startsAt: String)] = []
        var index = 0
        while result.count < 60 {
            let meeting = calendar.date(byAdding: .day, value: 14 * index, to: first)!
            if meeting > now { result.append((day.string(from: meeting), instant.string(from: meeting))) }
            index += 1
        }
        return result
    }

    /// Rejections of the new mutations do not block the queue; what is applied around them stays applied.
    @Test func calendarRejectionsDoNotBlockTheQueue() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let ids = fixture.ids
        let valid: @Sendable (String) -> JSONValue = { ids.resolve(MutationTable.calendarArgs($0)) }
        try await fixture.server.application.test(.router) { client in
            let mutations = [
                BadInput.mutation(1, "series.skip", BadInput.edited(valid("series.skip"), path: ["date"], to: "2027-02-17")),
                BadInput.mutation(2, "series.skip", valid("series.skip")),
                BadInput.mutation(3, "presenter.respond", valid("presenter.respond")),
                BadInput.mutation(4, "suggestion.promote", BadInput.edited(valid("suggestion.promote"), path: ["startsAt"], to: "2020-01-07T14:00:00.000Z")),
                BadInput.mutation(5, "suggestion.promote", valid("suggestion.promote")),
                BadInput.mutation(6, "episode.reschedule", ["id": .string(ids.cancelledEpisode), "startsAt": "2027-03-30T13:00:00.000Z"]),
                BadInput.mutation(7, "presenter.assign", valid("presenter.assign")),
            ]
            let reply = try await BadInput.push(client, token: fixture.token(.organizer), clientID: Self.clientID, mutations)
            #expect(reply.status == .ok)
            #expect(reply.json["lastMutationID"] == 7)
            let results = reply.json["results"]?.arrayValue ?? []
            #expect(results.map { $0["status"]?.stringValue ?? "?" } == ["rejected", "applied", "rejected", "rejected", "applied", "rejected", "applied"])
            #expect(results.map { $0["problem"]?["code"]?.stringValue ?? "-" } == ["validation_failed", "-", "forbidden", "validation_failed", "-", "conflict", "-"])
            #expect(results.map { $0["problem"]?["errors"]?.arrayValue?.first?["field"]?.stringValue ?? "-" } == ["args.date", "-", "-", "args.startsAt", "-", "-", "-"])
            let state = try await BadInput.state(client, token: fixture.token(.admin), clientID: Self.observer)
            #expect(state["series:\(ids.series)"]?["value"]?["skippedDates"]?.arrayValue?.map { $0["date"] } == ["2027-02-16", .string(MutationTable.skippedDate)])
            #expect(state["episode:\(MutationTable.newEpisode)"]?["value"]?["startsAt"] == "2030-01-08T17:00:00.000Z")
            #expect(state["episode:\(ids.episode2)"]?["value"]?["presenters"]?.arrayValue?.first?["status"] == "proposed")
            #expect(state["episode:\(ids.cancelledEpisode)"]?["value"]?["startsAt"] == "2027-02-02T14:00:00.000Z")
        }
    }
}
