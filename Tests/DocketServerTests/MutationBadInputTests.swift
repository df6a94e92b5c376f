import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

// MARK: - Shared kit for the bad-input suites (also used by HTTPBadInputTests and LiveServerTests)

/// Who sends a request in a bad-input test.
enum BadInputActor: String, Sendable, CaseIterable {
    /// Organizer of the fixture series.
    case organizer
    /// Member of the fixture series and proposer of its suggestions.
    case member
    /// Another member of the series (volunteered on the first suggestion).
    case otherMember
    /// A person with a login who belongs to no series.
    case outsider
    /// A person with `is_admin`, member of no series.
    case admin
}

/// The ids the fixture made; `$name` placeholders in test arguments resolve to them.
struct BadInputIDs: Sendable {
    var series: String
    var organizer: String
    var member: String
    var otherMember: String
    var outsider: String
    var admin: String
    var paper: String
    var suggestion: String
    var suggestion2: String
    var declinedSuggestion: String
    var episode: String
    var episode2: String
    var cancelledEpisode: String
    /// The change version after the fixture was built (a valid `baseVersion`).
    var version: Int64

    /// `value` with every `$placeholder` string replaced by the fixture's id (`$version` by the version).
    func resolve(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text) where text.hasPrefix("$"):
            switch text {
            case "$series": return .string(series)
            case "$organizer": return .string(organizer)
            case "$member": return .string(member)
            case "$otherMember": return .string(otherMember)
            case "$outsider": return .string(outsider)
            case "$admin": return .string(admin)
            case "$paper": return .string(paper)
            case "$suggestion": return .string(suggestion)
            case "$suggestion2": return .string(suggestion2)
            case "$declinedSuggestion": return .string(declinedSuggestion)
            case "$episode": return .string(episode)
            case "$episode2": return .string(episode2)
            case "$cancelledEpisode": return .string(cancelledEpisode)
            case "$unknown": return .string(BadInput.unknownID)
            case "$version": return .int(version)
            default: return value
            }
        case .array(let items): return .array(items.map(resolve))
        case .object(let members): return .object(members.map { ($0.0, resolve($0.1)) })
        default: return value
        }
    }
}

/// `TestServer` plus an administrator, a second member, a paper, three suggestions (one declined,
/// one with a volunteer), three episodes (one cancelled; the member a proposed presenter of the second)
/// and a skipped date (`MutationTable.skippedDate`), each actor with a token; with `rounds`, also the rounds of
/// `addRounds` (RoundBadInputTests.swift).
struct BadInputFixture: Sendable {
    let server: TestServer
    let ids: BadInputIDs
    let tokens: [BadInputActor: String]

    init(visibility: String = "members", rounds: Bool = false) throws {
        let server = try TestServer(visibility: visibility)
        let store = server.store
        let series = server.seriesID
        let admin = "0193f1c2-0000-7000-8000-0000000000ad"
        let paper = "0193f1c2-0000-7000-8000-00000000a0a1"
        let suggestion = "0193f1c2-0000-7000-8000-00000000b001"
        let suggestion2 = "0193f1c2-0000-7000-8000-00000000b002"
        let declined = "0193f1c2-0000-7000-8000-00000000b003"
        let episode = "0193f1c2-0000-7000-8000-00000000e001"
        let episode2 = "0193f1c2-0000-7000-8000-00000000e002"
        let cancelled = "0193f1c2-0000-7000-8000-00000000e003"
        try store.run("person.create", ["id": .string(admin), "name": "Ada Admin", "email": "ada@example.org", "admin": true])
        let otherMember = try TestServer.person(store, "Max Member", role: "member", series: series)
        let asMember = Principal(personID: server.member, isAdmin: false)
        let asOther = Principal(personID: otherMember, isAdmin: false)
        try store.run(
            "paper.create", ["id": .string(paper), "title": "Fixture paper", "authors": ["Fay Fixture"], "doi": "10.9999/fixture"])
        try store.run(
            "suggestion.create",
            ["id": .string(suggestion), "seriesID": .string(series), "title": "First suggestion", "paperID": .string(paper)],
            as: asMember)
        try store.run(
            "suggestion.create",
            ["id": .string(suggestion2), "seriesID": .string(series), "title": "Second suggestion", "paper": ["title": "Second paper"]],
            as: asMember)
        try store.run(
            "suggestion.create",
            ["id": .string(declined), "seriesID": .string(series), "title": "Third suggestion", "paper": ["title": "Third paper"]],
            as: asMember)
        try store.run("suggestion.decline", ["id": .string(declined)])
        try store.run("suggestion.volunteer", ["id": .string(suggestion), "note": "me too"], as: asOther)
        for (id, startsAt) in [(episode, "2027-01-05T14:00:00.000Z"), (episode2, "2027-01-19T14:00:00.000Z"), (cancelled, "2027-02-02T14:00:00.000Z")] {
            try store.run(
                "episode.create",
                ["id": .string(id), "seriesID": .string(series), "title": .string("Episode at \(startsAt)"), "startsAt": .string(startsAt)])
        }
        try store.run("episode.cancel", ["id": .string(cancelled)])
        try store.run("presenter.assign", ["episodeID": .string(episode2), "personID": .string(server.member.rawValue), "role": "presenter"])
        try store.run("series.skip", ["seriesID": .string(series), "date": .string(MutationTable.skippedDate), "reason": "Spring break"])
        if rounds { try Self.addRounds(store, series: series, suggestion2: suggestion2, member: asMember, other: asOther) }
        // Settle the derived standing now, so the housekeeping service has nothing to write mid-test.
        try store.refreshStandingsNow()
        self.server = server
        self.ids = BadInputIDs(
            series: series, organizer: server.organizer.rawValue, member: server.member.rawValue,
            otherMember: otherMember.rawValue, outsider: server.outsider.rawValue, admin: admin, paper: paper,
            suggestion: suggestion, suggestion2: suggestion2, declinedSuggestion: declined, episode: episode, episode2: episode2,
            cancelledEpisode: cancelled, version: try store.clock().version)
        self.tokens = [
            .organizer: server.organizerToken, .member: server.memberToken, .outsider: server.outsiderToken,
            .otherMember: try store.issueToken(person: otherMember, device: "test").secret,
            .admin: try store.issueToken(person: PersonID(trusted: admin), device: "test").secret,
        ]
    }

    func token(_ actor: BadInputActor) -> String { tokens[actor]! }
}

/// Helpers shared by the bad-input suites.
enum BadInput {
    /// A well-formed UUID that names nothing.
    static let unknownID = "0193f1c2-dead-7bad-8bad-00000000beef"
    /// The `code`s PROTOCOL section 1 allows.
    static let protocolCodes: Set<String> = [
        "bad_request", "unauthenticated", "forbidden", "not_found", "validation_failed", "conflict", "mutation_gap",
        "unsupported_protocol", "payload_too_large", "rate_limited", "unknown_mutation", "method_not_allowed", "internal",
    ]

    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var text: String
        var json: JSONValue
        var headers: HTTPFields
    }

    /// Sends raw bytes (or nothing) and returns status, text, parsed JSON (null when not JSON) and headers.
    static func send(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String? = nil,
        bytes: [UInt8]? = nil, headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        for field in extra { headers[field.name] = field.value }
        let body = bytes.map { ByteBuffer(bytes: $0) }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            let text = String(buffer: response.body)
            let json = text.isEmpty ? JSONValue.null : ((try? JSONParser.parse(text)) ?? .null)
            return Reply(status: response.status, text: text, json: json, headers: response.headers)
        }
    }

    /// Sends a text body.
    static func send(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, text: String,
        headers: HTTPFields = [:]
    ) async throws -> Reply {
        try await send(client, method, uri, token: token, bytes: Array(text.utf8), headers: headers)
    }

    /// Sends a JSON value.
    static func send(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: JSONValue
    ) async throws -> Reply {
        try await send(client, method, uri, token: token, text: json.jsonString)
    }

    /// One mutation of a push body.
    static func mutation(_ id: Int64, _ name: String, _ args: JSONValue) -> JSONValue {
        ["id": .int(id), "name": .string(name), "at": "2026-11-25T10:00:00.000Z", "args": args]
    }

    /// `POST /v1/sync/push` with the given mutations.
    static func push(_ client: some TestClientProtocol, token: String, clientID: String, _ mutations: [JSONValue]) async throws -> Reply {
        try await send(
            client, .post, "/v1/sync/push", token: token,
            json: ["protocol": 1, "clientID": .string(clientID), "mutations": .array(mutations)])
    }

    /// `POST /v1/sync/pull` from scratch.
    static func pull(_ client: some TestClientProtocol, token: String, clientID: String) async throws -> Reply {
        try await send(
            client, .post, "/v1/sync/pull", token: token,
            json: ["protocol": 1, "clientID": .string(clientID), "cursor": nil, "limit": 5000])
    }

    /// Everything the token's person sees, keyed `type:id`, from a pull from scratch (values; versions under `#version`).
    static func state(_ client: some TestClientProtocol, token: String, clientID: String) async throws -> [String: JSONValue] {
        let reply = try await pull(client, token: token, clientID: clientID)
        #expect(reply.status == .ok, "pull failed: \(reply.text)")
        var state: [String: JSONValue] = [:]
        for change in reply.json["changes"]?.arrayValue ?? [] {
            guard let type = change["type"]?.stringValue, let id = change["id"]?.stringValue else { continue }
            state["\(type):\(id)"] = ["version": change["version"] ?? .null, "value": change["value"] ?? .null]
        }
        return state
    }

    /// Checks the shape every error response must have: problem+json, a protocol code, `status` equal to the HTTP status,
    /// and nothing that leaks SQL, tokens or stack traces.
    static func expectProblem(
        _ reply: Reply, _ status: HTTPResponse.Status, _ code: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(reply.status == status, "expected \(status.code) \(code), got \(reply.status.code): \(reply.text.prefix(500))", sourceLocation: sourceLocation)
        #expect(reply.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        #expect(reply.json["code"] == .string(code), "code: \(reply.text.prefix(500))", sourceLocation: sourceLocation)
        #expect(reply.json["status"] == .int(Int64(reply.status.code)), "status member must equal the HTTP status", sourceLocation: sourceLocation)
        #expect(reply.json["title"]?.stringValue != nil, sourceLocation: sourceLocation)
        if let code = reply.json["code"]?.stringValue {
            #expect(protocolCodes.contains(code), "\(code) is not a PROTOCOL section 1 code", sourceLocation: sourceLocation)
        }
        #expect(reply.status.code < 500, "a 5xx answer: \(reply.text.prefix(500))", sourceLocation: sourceLocation)
        #expect(reply.headers[HTTPField.Name("X-Request-ID")!]?.isEmpty == false, "no X-Request-ID", sourceLocation: sourceLocation)
        expectNoLeaks(reply.text, sourceLocation: sourceLocation)
    }

    /// No SQL, SQLite, token secrets or stack traces in a response body.
    static func expectNoLeaks(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for needle in ["SQL", "dkt_", "constraint failed", "Fatal error", "Stack trace", ".swift:", "DatabaseError"] {
            #expect(!text.contains(needle), "response leaks \"\(needle)\": \(text.prefix(500))", sourceLocation: sourceLocation)
        }
        #expect(!text.lowercased().contains("sqlite"), "response leaks \"sqlite\": \(text.prefix(500))", sourceLocation: sourceLocation)
    }

    /// `GET /healthz` still answers 200.
    static func expectHealthy(_ client: some TestClientProtocol, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let reply = try await send(client, .get, "/healthz")
        #expect(reply.status == .ok, "the server stopped answering /healthz", sourceLocation: sourceLocation)
        #expect(reply.json["status"] == "ok", sourceLocation: sourceLocation)
    }

    /// `value` with the member at a dotted `path` replaced by `new`, or removed when `new` is nil.
    static func edited(_ value: JSONValue, path: [String], to new: JSONValue?) -> JSONValue {
        guard case .object(var members) = value, let head = path.first else { return new ?? value }
        if path.count == 1 {
            members.removeAll { $0.0 == head }
            if let new { members.append((head, new)) }
            return .object(members)
        }
        if let index = members.lastIndex(where: { $0.0 == head }) {
            members[index].1 = edited(members[index].1, path: Array(path.dropFirst()), to: new)
        }
        return .object(members)
    }

    static func long(_ count: Int, _ unit: String = "x") -> JSONValue { .string(String(repeating: unit, count: count)) }
}

// MARK: - The mutation table

/// Valid arguments and the actor who may run each mutation of `MutationRegistry`.
enum MutationTable {
    static let newSeries = "0193f1c2-0000-7000-8000-00000000c001"
    static let newPerson = "0193f1c2-0000-7000-8000-00000000c002"
    static let newPaper = "0193f1c2-0000-7000-8000-00000000c003"
    static let newSuggestion = "0193f1c2-0000-7000-8000-00000000c004"
    static let newEpisode = "0193f1c2-0000-7000-8000-00000000c005"

    /// Every mutation name the server registers; `CalendarBadInputTests.tableNamesAreTheRegistry` checks it against
    /// `MutationRegistry` and against what the server answers.
    static let names = [
        "series.create", "series.update", "person.create", "membership.set", "paper.create", "suggestion.create",
        "suggestion.update", "suggestion.withdraw", "suggestion.decline", "suggestion.merge", "suggestion.volunteer",
        "suggestion.unvolunteer", "ballot.set", "episode.create", "episode.update", "episode.cancel",
    ] + calendarNames + roundNames

    static let cadence: JSONValue = ["rrule": "FREQ=WEEKLY;BYDAY=MO", "startDate": "2026-02-02", "startTime": "18:00", "durationMinutes": 90]

    /// Valid args (with `$` placeholders) for each mutation.
    static func validArgs(_ name: String) -> JSONValue {
        switch name {
        case "series.create":
            return [
                "id": .string(newSeries), "slug": "new-series", "title": "New series", "description": "About *things*.",
                "timeZone": "Europe/Berlin", "cadence": cadence, "location": "Room 1", "streamURL": "https://stream.example.org/new",
                "mailingListURL": "https://lists.example.org/new", "visibility": "public", "resultsVisibility": "organizers",
                "votingMethod": "borda",
            ]
        case "series.update":
            return [
                "id": "$series", "baseVersion": "$version",
                "set": [
                    "title": "Renamed group", "description": "New text", "timeZone": "America/New_York", "cadence": cadence,
                    "location": "Room 2", "streamURL": "https://stream.example.org/rg", "mailingListURL": "https://lists.example.org/rg",
                    "visibility": "members", "resultsVisibility": "organizers", "votingMethod": "copeland",
                ],
            ]
        case "person.create":
            return ["id": .string(newPerson), "name": "Gus Guest", "affiliation": "Elsewhere University", "email": "gus@example.org"]
        case "membership.set":
            return ["seriesID": "$series", "personID": "$outsider", "role": "member"]
        case "paper.create":
            return [
                "id": .string(newPaper), "title": "A new paper", "authors": ["Ann Author", "Bob Writer"], "venue": "NeurIPS",
                "year": 2020, "doi": "10.1234/new.paper", "arxivID": "2002.09405", "url": "https://example.org/paper",
                "pdfURL": "https://example.org/paper.pdf", "codeURL": "https://github.com/example/code",
            ]
        case "suggestion.create":
            return [
                "id": .string(newSuggestion), "seriesID": "$series", "title": "Let us read this", "pitch": "Because *reasons*.",
                "tags": ["theory", "graphs"],
                "paper": [
                    "title": "Suggested paper", "authors": ["Cy Scholar"], "venue": "ICML", "year": 2021, "doi": "10.5555/suggested",
                    "arxivID": "2101.00001", "url": "https://example.org/s", "pdfURL": "https://example.org/s.pdf",
                    "codeURL": "https://example.org/code",
                ],
            ]
        case "suggestion.update":
            return ["id": "$suggestion", "baseVersion": "$version", "set": ["title": "Better title", "pitch": "Updated pitch", "tags": ["updated"]]]
        case "suggestion.withdraw", "suggestion.decline", "suggestion.unvolunteer":
            return ["id": "$suggestion"]
        case "suggestion.merge":
            return ["id": "$suggestion", "into": "$suggestion2"]
        case "suggestion.volunteer":
            return ["id": "$suggestion", "note": "I can present this"]
        case "ballot.set":
            return ["seriesID": "$series", "ranking": [["$suggestion2"], ["$suggestion"]]]
        case "episode.create":
            return [
                "id": .string(newEpisode), "seriesID": "$series", "title": "Episode zero", "startsAt": "2027-03-02T14:00:00.000Z",
                "durationMinutes": 90, "status": "scheduled", "abstract": "We read *things*.", "location": "Room 3",
                "streamURL": "https://stream.example.org/e", "recordingURL": "https://video.example.org/e",
                "papers": [["paperID": "$paper", "role": "main"]],
                "presenters": [["personID": "$member", "role": "presenter", "status": "proposed"]],
                "links": [["label": "Slides", "url": "https://example.org/slides"]], "relatedEpisodeIDs": ["$episode"],
            ]
        case "episode.update":
            return [
                "id": "$episode", "baseVersion": "$version",
                "set": [
                    "title": "Episode one, revised", "durationMinutes": 120, "status": "scheduled", "abstract": "Revised",
                    "location": "Room 4", "streamURL": "https://stream.example.org/e1", "recordingURL": "https://video.example.org/e1",
                    "papers": [["paperID": "$paper", "role": "background"]],
                    "presenters": [["personID": "$otherMember", "role": "discussant", "status": "confirmed"]],
                    "links": [["label": "Notes", "url": "https://example.org/notes"]], "relatedEpisodeIDs": ["$episode2"],
                ],
            ]
        case "episode.cancel":
            return ["id": "$episode"]
        default:
            return roundNames.contains(name) ? roundArgs(name) : calendarArgs(name)
        }
    }

    /// The actor for whom `validArgs` is allowed.
    static func allowedActor(_ name: String) -> BadInputActor {
        switch name {
        case "series.create": return .admin
        case "paper.create", "suggestion.create", "suggestion.update", "suggestion.withdraw", "suggestion.volunteer", "ballot.set":
            return .member
        case "suggestion.unvolunteer": return .otherMember
        case "presenter.respond": return .member
        default: return .organizer
        }
    }
}

// MARK: - Bad cases

/// One bad call: a valid call of `mutation` with `edits` applied, by `actor`, and the problem it must get.
struct BadMutationCase: Sendable, CustomTestStringConvertible {
    var mutation: String
    var label: String
    var edits: [(path: String, value: JSONValue?)]
    var actor: BadInputActor
    var visibility: String
    var code: String
    /// A field that must be among `errors[].field`; nil for problems without field errors.
    var field: String?

    var testDescription: String { "\(mutation): \(label) [\(actor.rawValue)] → \(code)\(field.map { " \($0)" } ?? "")" }

    /// The args to send (placeholders still unresolved).
    var args: JSONValue {
        edits.reduce(MutationTable.validArgs(mutation)) { value, edit in
            BadInput.edited(value, path: edit.path.split(separator: ".").map(String.init), to: edit.value)
        }
    }

    var httpStatus: HTTPResponse.Status {
        switch code {
        case "forbidden": return .forbidden
        case "conflict": return .conflict
        default: return .unprocessableContent
        }
    }
}

enum BadCases {
    typealias Case = BadMutationCase

    static func bad(
        _ m: String, _ label: String, _ edits: [(String, JSONValue?)], field: String?, code: String = "validation_failed",
        actor: BadInputActor? = nil, visibility: String = "members"
    ) -> Case {
        Case(
            mutation: m, label: label, edits: edits.map { (path: $0.0, value: $0.1) }, actor: actor ?? MutationTable.allowedActor(m),
            visibility: visibility, code: code, field: field)
    }

    /// One field changed; the error names `args.<path>` unless told otherwise.
    static func bad(_ m: String, _ label: String, _ path: String, _ value: JSONValue?, field: String? = nil) -> Case {
        bad(m, "\(path) \(label)", [(path, value)], field: field ?? "args.\(path)")
    }

    static func forbidden(_ m: String, _ actor: BadInputActor, visibility: String = "members") -> Case {
        bad(m, "role \(actor.rawValue) (\(visibility) series)", [], field: nil, code: "forbidden", actor: actor, visibility: visibility)
    }

    /// An actor who cannot see the series or entity gets it reported as unknown, not as forbidden.
    static func invisible(_ m: String, _ actor: BadInputActor, field: String, visibility: String = "members") -> Case {
        bad(m, "role \(actor.rawValue) (\(visibility) series, cannot see it)", [], field: field, actor: actor, visibility: visibility)
    }

    static func conflict(_ m: String, _ label: String, _ edits: [(String, JSONValue?)], field: String? = nil) -> Case {
        bad(m, label, edits, field: field, code: "conflict")
    }

    /// Wrong type, over-long, and (when required) missing, null and blank.
    static func text(_ m: String, _ path: String, max: Int, required: Bool, wrongType: JSONValue = 42) -> [Case] {
        var cases = [bad(m, "wrong type", path, wrongType), bad(m, "over-long (\(max + 1))", path, BadInput.long(max + 1))]
        if required {
            cases += [bad(m, "missing", path, nil), bad(m, "null", path, .null), bad(m, "blank", path, "   ")]
        }
        return cases
    }

    static func url(_ m: String, _ path: String) -> [Case] {
        [
            bad(m, "wrong type", path, true), bad(m, "not http(s)", path, "ftp://example.org/file"),
            bad(m, "with a space", path, "https://example.org/a b"),
            bad(m, "over-long (2001)", path, .string("https://example.org/" + String(repeating: "x", count: 1982))),
        ]
    }

    static func id(_ m: String, _ path: String, unknown: Bool, required: Bool = true) -> [Case] {
        var cases = [
            bad(m, "wrong type", path, 42), bad(m, "not a UUID", path, "not-a-uuid"),
            bad(m, "uppercase UUID", path, "0193F1C2-0000-7000-8000-00000000C0DE"),
            bad(m, "over-long", path, .string("0193f1c2-0000-7000-8000-00000000c0de0")),
        ]
        if required { cases += [bad(m, "missing", path, nil), bad(m, "null", path, .null)] }
        if unknown { cases.append(bad(m, "unknown id", path, "$unknown")) }
        return cases
    }

    static func choice(_ m: String, _ path: String, required: Bool) -> [Case] {
        var cases = [bad(m, "wrong type", path, 7), bad(m, "not an allowed value", path, "nonsense")]
        if required { cases.append(bad(m, "missing", path, nil)) }
        return cases
    }

    static func int(_ m: String, _ path: String, _ range: ClosedRange<Int64>, required: Bool) -> [Case] {
        var cases = [
            bad(m, "wrong type (string)", path, .string("\(range.lowerBound)")), bad(m, "wrong type (fraction)", path, .double(1.5)),
            bad(m, "below range", path, .int(range.lowerBound - 1)), bad(m, "above range", path, .int(range.upperBound + 1)),
        ]
        if required { cases.append(bad(m, "missing", path, nil)) }
        return cases
    }

    /// The `baseVersion` and `set` envelope of an `*.update`.
    static func updateEnvelope(_ m: String) -> [Case] {
        [
            bad(m, "wrong type", "baseVersion", "1"), bad(m, "missing", "baseVersion", nil), bad(m, "negative", "baseVersion", -1),
            bad(m, "null", "baseVersion", .null),
            bad(m, "wrong type", "set", "title"), bad(m, "list instead of object", "set", ["title"]),
            bad(m, "missing", "set", nil), bad(m, "null", "set", .null), bad(m, "empty (names no field)", "set", [:], field: "args.set"),
        ]
    }

    static let seriesCreate: [Case] = {
        let m = "series.create"
        var cases = id(m, "id", unknown: false)
        cases.append(conflict(m, "id of an existing series", [("id", "$series")]))
        cases += text(m, "slug", max: 64, required: true)
        cases += [
            bad(m, "not a slug", "slug", "Not A Slug"), bad(m, "double hyphen", "slug", "a--b"),
            conflict(m, "slug taken", [("slug", "reading-group")], field: "args.slug"),
        ]
        cases += text(m, "title", max: 300, required: true)
        cases += text(m, "description", max: 20_000, required: false)
        cases += [
            bad(m, "wrong type", "timeZone", 5), bad(m, "not a time zone", "timeZone", "Mars/Olympus_Mons"),
            bad(m, "over-long", "timeZone", BadInput.long(101)),
            bad(m, "wrong type", "cadence", "weekly"), bad(m, "missing", "cadence", nil), bad(m, "null", "cadence", .null),
        ]
        cases += text(m, "cadence.rrule", max: 200, required: true)
        cases += [
            bad(m, "unsupported", "cadence.rrule", "FREQ=HOURLY"), bad(m, "malformed", "cadence.rrule", "every tuesday"),
            bad(m, "wrong type", "cadence.startDate", 20_260_202), bad(m, "missing", "cadence.startDate", nil),
            bad(m, "not a date", "cadence.startDate", "02/02/2026"), bad(m, "over-long", "cadence.startDate", "2026-02-021"),
            bad(m, "wrong type", "cadence.startTime", 1800), bad(m, "missing", "cadence.startTime", nil),
            bad(m, "not a time", "cadence.startTime", "99:99"), bad(m, "over-long", "cadence.startTime", "6 p.m."),
        ]
        cases += int(m, "cadence.durationMinutes", 1...1440, required: false)
        cases += text(m, "location", max: 300, required: false)
        cases += url(m, "streamURL") + url(m, "mailingListURL")
        cases += choice(m, "visibility", required: false) + choice(m, "resultsVisibility", required: false)
        cases += [
            bad(m, "wrong type", "votingMethod", 3), bad(m, "unknown method", "votingMethod", "dictatorship"),
            bad(m, "over-long", "votingMethod", BadInput.long(31)),
        ]
        cases += [forbidden(m, .organizer), forbidden(m, .member), forbidden(m, .outsider)]
        return cases
    }()

    static let seriesUpdate: [Case] = {
        let m = "series.update"
        var cases = id(m, "id", unknown: true) + updateEnvelope(m)
        cases += [
            bad(m, "not updatable", "set.slug", "new-slug"), bad(m, "not updatable", "set.id", "$unknown"),
            bad(m, "wrong type", "set.title", 1), bad(m, "null", "set.title", .null), bad(m, "blank", "set.title", ""),
            bad(m, "over-long", "set.title", BadInput.long(301)),
            bad(m, "wrong type", "set.description", 1), bad(m, "over-long", "set.description", BadInput.long(20_001)),
            bad(m, "wrong type", "set.timeZone", 1), bad(m, "not a time zone", "set.timeZone", "Nowhere/Special"),
            bad(m, "wrong type", "set.cadence", "biweekly"), bad(m, "null", "set.cadence", .null),
            bad(m, "unsupported", "set.cadence.rrule", "FREQ=YEARLY"), bad(m, "missing", "set.cadence.startDate", nil),
            bad(m, "over-long", "set.location", BadInput.long(301)), bad(m, "wrong type", "set.location", ["Room"]),
            bad(m, "not http(s)", "set.streamURL", "rtmp://example.org/live"), bad(m, "wrong type", "set.mailingListURL", 1),
            bad(m, "not an allowed value", "set.visibility", "secret"), bad(m, "null", "set.visibility", .null),
            bad(m, "not an allowed value", "set.resultsVisibility", "never"),
            bad(m, "unknown method", "set.votingMethod", "coin-toss"), bad(m, "null", "set.votingMethod", .null),
        ]
        cases += [
            forbidden(m, .member), forbidden(m, .otherMember), invisible(m, .outsider, field: "args.id"),
            forbidden(m, .outsider, visibility: "public"),
        ]
        return cases
    }()

    static let personCreate: [Case] = {
        let m = "person.create"
        var cases = id(m, "id", unknown: false)
        cases.append(conflict(m, "id of an existing person", [("id", "$member")]))
        cases += text(m, "name", max: 300, required: true)
        cases += text(m, "affiliation", max: 300, required: false)
        cases += [
            bad(m, "wrong type", "email", 1), bad(m, "not an email", "email", "not-an-email"),
            bad(m, "over-long", "email", .string(String(repeating: "x", count: 250) + "@example.org")),
            conflict(m, "email taken", [("email", "mia@example.org")], field: "args.email"),
            conflict(m, "email taken in other case", [("email", "MIA@Example.org")], field: "args.email"),
            bad(m, "wrong type", "admin", "yes"),
            bad(m, "admin by an organizer", [("admin", true)], field: nil, code: "forbidden"),
            bad(m, "admin by an administrator's token", [("admin", true)], field: nil, code: "forbidden", actor: .admin),
        ]
        cases += [forbidden(m, .member), forbidden(m, .outsider)]
        return cases
    }()

    static let membershipSet: [Case] = {
        let m = "membership.set"
        var cases = id(m, "seriesID", unknown: true) + id(m, "personID", unknown: true)
        cases += [bad(m, "missing", "role", nil), bad(m, "wrong type", "role", 1), bad(m, "not an allowed value", "role", "owner")]
        cases += [
            forbidden(m, .member), forbidden(m, .otherMember), invisible(m, .outsider, field: "args.seriesID"),
            forbidden(m, .outsider, visibility: "public"),
            bad(m, "member removing someone", [("personID", "$otherMember"), ("role", .null)], field: nil, code: "forbidden", actor: .member),
        ]
        return cases
    }()

    static let paperCreate: [Case] = {
        let m = "paper.create"
        var cases = id(m, "id", unknown: false)
        cases.append(conflict(m, "id of an existing paper", [("id", "$paper")]))
        cases += text(m, "title", max: 500, required: true)
        cases += [
            bad(m, "wrong type", "authors", "Ann Author"),
            bad(m, "too many (201)", "authors", .array((0...200).map { .string("Author \($0)") })),
            bad(m, "element wrong type", "authors", [1], field: "args.authors[0]"),
            bad(m, "element over-long", "authors", [BadInput.long(201)], field: "args.authors[0]"),
            bad(m, "element blank", "authors", [" "], field: "args.authors[0]"),
        ]
        cases += text(m, "venue", max: 300, required: false)
        cases += int(m, "year", 1000...3000, required: false)
        cases += [
            bad(m, "wrong type", "doi", .double(10.1234)), bad(m, "not a DOI", "doi", "not-a-doi"),
            bad(m, "over-long", "doi", .string("10.1234/" + String(repeating: "x", count: 300))),
            conflict(m, "DOI of an existing paper (normalized)", [("doi", "https://doi.org/10.9999/FIXTURE")]),
            bad(m, "wrong type", "arxivID", .double(2002.09405)), bad(m, "not an arXiv id", "arxivID", "nope"),
            bad(m, "over-long", "arxivID", BadInput.long(101)),
        ]
        cases += url(m, "url") + url(m, "pdfURL") + url(m, "codeURL")
        cases += [forbidden(m, .outsider)]
        return cases
    }()

    static let suggestionCreate: [Case] = {
        let m = "suggestion.create"
        var cases = id(m, "id", unknown: false)
        cases.append(conflict(m, "id of an existing suggestion", [("id", "$suggestion")]))
        cases += id(m, "seriesID", unknown: true)
        cases += [bad(m, "wrong type", "title", 1), bad(m, "blank", "title", "  "), bad(m, "over-long", "title", BadInput.long(301))]
        cases += text(m, "pitch", max: 20_000, required: false)
        cases += [
            bad(m, "wrong type", "tags", "theory"),
            bad(m, "too many (21)", "tags", .array((0...20).map { .string("tag\($0)") })),
            bad(m, "element wrong type", "tags", [true], field: "args.tags[0]"),
            bad(m, "element over-long", "tags", [BadInput.long(51)], field: "args.tags[0]"),
            bad(m, "element blank", "tags", [""], field: "args.tags[0]"),
            bad(m, "missing (and no paperID)", "paper", nil), bad(m, "null (and no paperID)", "paper", .null),
            bad(m, "wrong type", "paper", "Attention is all you need"),
            bad(m, "missing", "paper.title", nil), bad(m, "wrong type", "paper.title", 1),
            bad(m, "over-long", "paper.title", BadInput.long(501)), bad(m, "wrong type", "paper.authors", "Cy Scholar"),
            bad(m, "wrong type", "paper.year", "2021"), bad(m, "not a DOI", "paper.doi", "doi:nonsense"),
            bad(m, "not http(s)", "paper.url", "example.org"),
            bad(m, "both paper and paperID", [("paperID", "$paper")], field: "args.paperID"),
            bad(m, "paperID unknown", [("paper", nil), ("paperID", "$unknown")], field: "args.paperID"),
            bad(m, "paperID wrong type", [("paper", nil), ("paperID", 7)], field: "args.paperID"),
            bad(m, "paperID not a UUID", [("paper", nil), ("paperID", "paper-1")], field: "args.paperID"),
        ]
        // A pasted BibTeX entry instead of the paper fields.
        let entry: JSONValue = "@misc{k,\n  title = {Pasted paper}\n}"
        cases += [
            bad(m, "bibtex wrong type", [("paper", nil), ("bibtex", 42)], field: "args.bibtex"),
            bad(m, "bibtex over-long (20001)", [("paper", nil), ("bibtex", BadInput.long(20_001))], field: "args.bibtex"),
            bad(m, "bibtex blank", [("paper", nil), ("bibtex", "")], field: "args.bibtex"),
            bad(m, "bibtex unreadable (missing comma)", [("paper", nil), ("bibtex", "@article{k,\n title = {X}\n year = 2020\n}")], field: "args.bibtex"),
            bad(m, "bibtex unreadable (unterminated brace)", [("paper", nil), ("bibtex", "@article{k,\n title = {X\n")], field: "args.bibtex"),
            bad(m, "bibtex with no entry", [("paper", nil), ("bibtex", "just a title")], field: "args.bibtex"),
            bad(m, "bibtex with two entries", [("paper", nil), ("bibtex", "@misc{a, title={A}}\n@misc{b, title={B}}")], field: "args.bibtex"),
            bad(m, "bibtex without title", [("paper", nil), ("bibtex", "@misc{k, author = {Ann Author}}")], field: "args.bibtex"),
            bad(m, "bibtex with a bad DOI", [("paper", nil), ("bibtex", "@misc{k, title = {T}, doi = {nonsense}}")], field: "args.bibtex"),
            bad(m, "both paper and bibtex", [("bibtex", entry)], field: "args.bibtex"),
            bad(m, "both paperID and bibtex", [("paper", nil), ("paperID", "$paper"), ("bibtex", entry)], field: "args.bibtex"),
        ]
        cases += [invisible(m, .outsider, field: "args.seriesID"), forbidden(m, .outsider, visibility: "public")]
        return cases
    }()

    static let suggestionUpdate: [Case] = {
        let m = "suggestion.update"
        var cases = id(m, "id", unknown: true) + updateEnvelope(m)
        cases += [
            bad(m, "not updatable", "set.status", "promoted"), bad(m, "not updatable", "set.proposerID", "$otherMember"),
            bad(m, "wrong type", "set.title", 1), bad(m, "null", "set.title", .null), bad(m, "blank", "set.title", ""),
            bad(m, "over-long", "set.title", BadInput.long(301)),
            bad(m, "wrong type", "set.pitch", ["text"]), bad(m, "over-long", "set.pitch", BadInput.long(20_001)),
            bad(m, "wrong type", "set.tags", "a,b"), bad(m, "too many (21)", "set.tags", .array((0...20).map { .string("t\($0)") })),
            bad(m, "element over-long", "set.tags", [BadInput.long(51)], field: "args.set.tags[0]"),
        ]
        cases += [
            forbidden(m, .otherMember), invisible(m, .outsider, field: "args.id"),
            invisible(m, .outsider, field: "args.id", visibility: "public"),
        ]
        return cases
    }()

    static let suggestionWithdraw: [Case] = {
        let m = "suggestion.withdraw"
        return id(m, "id", unknown: true) + [
            conflict(m, "a declined suggestion", [("id", "$declinedSuggestion")]),
            forbidden(m, .otherMember), invisible(m, .outsider, field: "args.id"),
        ]
    }()

    static let suggestionDecline: [Case] = {
        let m = "suggestion.decline"
        return id(m, "id", unknown: true) + [
            conflict(m, "an already declined suggestion", [("id", "$declinedSuggestion")]),
            forbidden(m, .member), forbidden(m, .otherMember), invisible(m, .outsider, field: "args.id"),
        ]
    }()

    static let suggestionMerge: [Case] = {
        let m = "suggestion.merge"
        return id(m, "id", unknown: true) + id(m, "into", unknown: true) + [
            bad(m, "the suggestion itself", "into", "$suggestion"),
            bad(m, "a declined suggestion", "into", "$declinedSuggestion"),
            conflict(m, "merging a declined suggestion", [("id", "$declinedSuggestion")]),
            forbidden(m, .member), forbidden(m, .otherMember), invisible(m, .outsider, field: "args.id"),
        ]
    }()

    static let suggestionVolunteer: [Case] = {
        let m = "suggestion.volunteer"
        return id(m, "id", unknown: true) + text(m, "note", max: 2000, required: false) + [
            invisible(m, .outsider, field: "args.id"), invisible(m, .outsider, field: "args.id", visibility: "public"),
        ]
    }()

    static let suggestionUnvolunteer: [Case] = {
        let m = "suggestion.unvolunteer"
        return id(m, "id", unknown: true) + [invisible(m, .outsider, field: "args.id")]
    }()

    static let ballotSet: [Case] = {
        let m = "ballot.set"
        let many: [JSONValue] = (0...1000).map { .string(String(format: "0193f1c2-0000-7000-8000-%012d", $0)) }
        return id(m, "seriesID", unknown: true) + [
            bad(m, "missing", "ranking", nil), bad(m, "null", "ranking", .null), bad(m, "wrong type", "ranking", "$suggestion"),
            bad(m, "group not a list", "ranking", ["$suggestion"], field: "args.ranking[0]"),
            bad(m, "empty group", "ranking", [[]], field: "args.ranking[0]"),
            bad(m, "id wrong type", "ranking", [[1]], field: "args.ranking[0][0]"),
            bad(m, "id not a UUID", "ranking", [["first"]], field: "args.ranking[0][0]"),
            bad(m, "unknown suggestion", "ranking", [["$suggestion"], ["$unknown"]], field: "args.ranking[1][0]"),
            bad(m, "suggestion ranked twice", "ranking", [["$suggestion"], ["$suggestion2", "$suggestion"]], field: "args.ranking[1][1]"),
            bad(m, "over-long (1001 groups)", "ranking", .array(many.map { .array([$0]) })),
            bad(m, "over-long (1001 ids in one group)", "ranking", [.array(many)]),
            invisible(m, .outsider, field: "args.seriesID"), forbidden(m, .outsider, visibility: "public"),
        ]
    }()

    static let episodeCreate: [Case] = {
        let m = "episode.create"
        var cases = id(m, "id", unknown: false)
        cases.append(conflict(m, "id of an existing episode", [("id", "$episode")]))
        cases += id(m, "seriesID", unknown: true)
        cases += text(m, "title", max: 300, required: true)
        cases += [
            bad(m, "wrong type", "startsAt", 1_700_000_000), bad(m, "missing", "startsAt", nil), bad(m, "null", "startsAt", .null),
            bad(m, "not a timestamp", "startsAt", "next tuesday"), bad(m, "no time zone", "startsAt", "2027-03-02T14:00:00"),
            bad(m, "over-long", "startsAt", .string("2027-03-02T14:00:00.000Z" + String(repeating: " ", count: 20) + "x")),
            bad(m, "after the year 9999 in UTC", "startsAt", "9999-12-31T23:59:59.999-23:59"),
            bad(m, "before the year 0000 in UTC", "startsAt", "0000-01-01T00:00:00.000+01:00"),
        ]
        cases += int(m, "durationMinutes", 1...1440, required: false)
        cases += choice(m, "status", required: false) + [bad(m, "cancelled on create", "status", "cancelled")]
        cases += text(m, "abstract", max: 20_000, required: false)
        cases += text(m, "location", max: 300, required: false)
        cases += url(m, "streamURL") + url(m, "recordingURL")
        cases += [
            bad(m, "wrong type", "papers", "$paper"),
            bad(m, "element not an object", "papers", ["$paper"], field: "args.papers[0]"),
            bad(m, "paperID missing", "papers", [["role": "main"]], field: "args.papers[0].paperID"),
            bad(m, "paperID unknown", "papers", [["paperID": "$unknown"]], field: "args.papers[0].paperID"),
            bad(m, "role not allowed", "papers", [["paperID": "$paper", "role": "star"]], field: "args.papers[0].role"),
            bad(m, "paper twice", "papers", [["paperID": "$paper"], ["paperID": "$paper"]], field: "args.papers[1].paperID"),
            bad(m, "too many (51)", "papers", .array(Array(repeating: ["paperID": "$paper"], count: 51))),
            bad(m, "wrong type", "presenters", ["personID": "$member"]),
            bad(m, "personID unknown", "presenters", [["personID": "$unknown"]], field: "args.presenters[0].personID"),
            bad(m, "personID wrong type", "presenters", [["personID": 5]], field: "args.presenters[0].personID"),
            bad(m, "role not allowed", "presenters", [["personID": "$member", "role": "star"]], field: "args.presenters[0].role"),
            bad(m, "status not allowed", "presenters", [["personID": "$member", "status": "maybe"]], field: "args.presenters[0].status"),
            bad(m, "presenter twice", "presenters", [["personID": "$member"], ["personID": "$member"]], field: "args.presenters[1].personID"),
            bad(m, "wrong type", "links", "https://example.org"),
            bad(m, "label missing", "links", [["url": "https://example.org"]], field: "args.links[0].label"),
            bad(m, "label over-long", "links", [["label": BadInput.long(101), "url": "https://example.org"]], field: "args.links[0].label"),
            bad(m, "url missing", "links", [["label": "Slides"]], field: "args.links[0].url"),
            bad(m, "url not http(s)", "links", [["label": "Slides", "url": "javascript:alert(1)"]], field: "args.links[0].url"),
            bad(m, "wrong type", "relatedEpisodeIDs", "$episode"),
            bad(m, "element not a UUID", "relatedEpisodeIDs", ["episode-1"], field: "args.relatedEpisodeIDs[0]"),
            bad(m, "element unknown", "relatedEpisodeIDs", ["$unknown"], field: "args.relatedEpisodeIDs[0]"),
        ]
        cases += [
            forbidden(m, .member), forbidden(m, .otherMember), invisible(m, .outsider, field: "args.seriesID"),
            forbidden(m, .outsider, visibility: "public"),
        ]
        return cases
    }()

    static let episodeUpdate: [Case] = {
        let m = "episode.update"
        var cases = id(m, "id", unknown: true) + updateEnvelope(m)
        cases += [
            bad(m, "not updatable", "set.number", 7), bad(m, "not updatable", "set.seriesID", "$unknown"),
            bad(m, "not updatable", "set.startsAt", "2027-03-02T14:00:00.000Z"),
            bad(m, "wrong type", "set.title", 1), bad(m, "null", "set.title", .null), bad(m, "over-long", "set.title", BadInput.long(301)),
            bad(m, "wrong type", "set.durationMinutes", "90"), bad(m, "null", "set.durationMinutes", .null),
            bad(m, "below range", "set.durationMinutes", 0), bad(m, "above range", "set.durationMinutes", 1441),
            bad(m, "cancelled", "set.status", "cancelled"), bad(m, "not an allowed value", "set.status", "someday"),
            bad(m, "wrong type", "set.status", true),
            bad(m, "over-long", "set.abstract", BadInput.long(20_001)), bad(m, "wrong type", "set.abstract", 1),
            bad(m, "over-long", "set.location", BadInput.long(301)),
            bad(m, "not http(s)", "set.streamURL", "stream"), bad(m, "wrong type", "set.recordingURL", 1),
            bad(m, "wrong type", "set.papers", "$paper"),
            bad(m, "paperID unknown", "set.papers", [["paperID": "$unknown"]], field: "args.set.papers[0].paperID"),
            bad(m, "personID unknown", "set.presenters", [["personID": "$unknown"]], field: "args.set.presenters[0].personID"),
            bad(m, "role not allowed", "set.presenters", [["personID": "$member", "role": "host"]], field: "args.set.presenters[0].role"),
            bad(m, "url not http(s)", "set.links", [["label": "x", "url": "mailto:a@b.c"]], field: "args.set.links[0].url"),
            bad(m, "the episode itself", "set.relatedEpisodeIDs", ["$episode"], field: "args.set.relatedEpisodeIDs[0]"),
            bad(m, "element unknown", "set.relatedEpisodeIDs", ["$unknown"], field: "args.set.relatedEpisodeIDs[0]"),
            bad(m, "element not a UUID", "set.relatedEpisodeIDs", ["e1"], field: "args.set.relatedEpisodeIDs[0]"),
            conflict(m, "status of a cancelled episode", [("id", "$cancelledEpisode"), ("set", ["status": "held"])]),
        ]
        cases += [
            forbidden(m, .member), invisible(m, .outsider, field: "args.id"), forbidden(m, .outsider, visibility: "public"),
        ]
        return cases
    }()

    static let episodeCancel: [Case] = {
        let m = "episode.cancel"
        return id(m, "id", unknown: true) + [
            conflict(m, "an already cancelled episode", [("id", "$cancelledEpisode")]),
            forbidden(m, .member), forbidden(m, .otherMember), invisible(m, .outsider, field: "args.id"),
        ]
    }()

    static let all: [Case] =
        seriesCreate + seriesUpdate + personCreate + membershipSet + paperCreate + suggestionCreate + suggestionUpdate
        + suggestionWithdraw + suggestionDecline + suggestionMerge + suggestionVolunteer + suggestionUnvolunteer + ballotSet
        + episodeCreate + episodeUpdate + episodeCancel + calendar + rounds
}

// MARK: - Happy paths

/// What a valid call must leave behind, seen by an administrator's pull.
struct HappyCase: Sendable, CustomTestStringConvertible {
    enum Check: Sendable {
        /// `value[key] == expected`.
        case equals(String, JSONValue)
        /// Some element of the list `value[key]` has `element[member] == expected`.
        case listHas(String, member: String, JSONValue)
    }

    var mutation: String
    var actor: BadInputActor
    var type: String
    /// The entity's id (placeholders allowed); nil finds the entity of `type` that passes the checks.
    var id: String?
    var checks: [Check]

    var testDescription: String { "\(mutation) by \(actor.rawValue)" }

    static func all() -> [HappyCase] {
        let base: [HappyCase] = [
            HappyCase(
                mutation: "series.create", actor: .admin, type: "series", id: MutationTable.newSeries,
                checks: [.equals("slug", "new-series"), .equals("title", "New series"), .equals("votingMethod", "borda"), .equals("visibility", "public")]),
            HappyCase(
                mutation: "series.update", actor: .organizer, type: "series", id: "$series",
                checks: [.equals("title", "Renamed group"), .equals("timeZone", "America/New_York"), .equals("votingMethod", "copeland")]),
            HappyCase(
                mutation: "person.create", actor: .organizer, type: "person", id: MutationTable.newPerson,
                checks: [.equals("name", "Gus Guest"), .equals("email", "gus@example.org"), .equals("roles", [])]),
            HappyCase(
                mutation: "membership.set", actor: .organizer, type: "person", id: "$outsider",
                checks: [.listHas("roles", member: "seriesID", "$series"), .listHas("roles", member: "role", "member")]),
            HappyCase(
                mutation: "paper.create", actor: .member, type: "paper", id: MutationTable.newPaper,
                checks: [.equals("doi", "10.1234/new.paper"), .equals("arxivID", "2002.09405"), .equals("year", 2020)]),
            HappyCase(
                mutation: "suggestion.create", actor: .member, type: "suggestion", id: MutationTable.newSuggestion,
                checks: [.equals("status", "open"), .equals("proposerID", "$member"), .equals("tags", ["theory", "graphs"])]),
            HappyCase(
                mutation: "suggestion.update", actor: .member, type: "suggestion", id: "$suggestion",
                checks: [.equals("title", "Better title"), .equals("pitch", "Updated pitch"), .equals("tags", ["updated"])]),
            HappyCase(mutation: "suggestion.withdraw", actor: .member, type: "suggestion", id: "$suggestion", checks: [.equals("status", "withdrawn")]),
            HappyCase(mutation: "suggestion.decline", actor: .organizer, type: "suggestion", id: "$suggestion", checks: [.equals("status", "declined")]),
            HappyCase(
                mutation: "suggestion.merge", actor: .organizer, type: "suggestion", id: "$suggestion",
                checks: [.equals("status", "merged"), .equals("mergedInto", "$suggestion2")]),
            HappyCase(
                mutation: "suggestion.volunteer", actor: .member, type: "suggestion", id: "$suggestion",
                checks: [.listHas("volunteers", member: "personID", "$member"), .listHas("volunteers", member: "note", "I can present this")]),
            HappyCase(mutation: "suggestion.unvolunteer", actor: .otherMember, type: "suggestion", id: "$suggestion", checks: [.equals("volunteers", [])]),
            HappyCase(
                mutation: "ballot.set", actor: .member, type: "ballot", id: nil,
                checks: [.equals("voterID", "$member"), .equals("ranking", [["$suggestion2"], ["$suggestion"]])]),
            HappyCase(
                mutation: "episode.create", actor: .organizer, type: "episode", id: MutationTable.newEpisode,
                checks: [.equals("title", "Episode zero"), .equals("durationMinutes", 90), .equals("relatedEpisodeIDs", ["$episode"])]),
            HappyCase(
                mutation: "episode.update", actor: .organizer, type: "episode", id: "$episode",
                checks: [.equals("title", "Episode one, revised"), .equals("durationMinutes", 120), .equals("relatedEpisodeIDs", ["$episode2"])]),
            HappyCase(
                mutation: "episode.cancel", actor: .organizer, type: "episode", id: "$episode",
                checks: [.equals("status", "cancelled"), .equals("number", .null)]),
        ]
        // Organizers may do what members may; administrators may do everything in every series.
        let others: [HappyCase] = [
            base[6].by(.organizer), base[7].by(.organizer), base[1].by(.admin), base[2].by(.admin), base[3].by(.admin),
            base[4].by(.admin), base[8].by(.admin), base[9].by(.admin), base[13].by(.admin), base[14].by(.admin), base[15].by(.admin),
        ]
        return base + others + calendar + rounds
    }

    func by(_ actor: BadInputActor) -> HappyCase {
        var copy = self
        copy.actor = actor
        return copy
    }
}

// MARK: - Tests

@Suite struct MutationBadInputTests {
    /// The client id each test pushes with; an administrator's pulls use `observer`.
    static let clientID = "0193f1c2-0000-7000-8000-0000000c11e1"
    static let observer = "0193f1c2-0000-7000-8000-0000000c11e2"

    @Test func tableCoversEveryRegisteredMutation() {
        #expect(Set(MutationTable.names).count == 26)
        #expect(Set(MutationTable.names).count == MutationTable.names.count, "a name listed twice")
        for name in MutationTable.names {
            #expect(BadCases.all.contains { $0.mutation == name }, "no bad-input case for \(name)")
            #expect(BadCases.all.contains { $0.mutation == name && ($0.code == "forbidden" || $0.label.hasPrefix("role")) }, "no role case for \(name)")
            #expect(HappyCase.all().contains { $0.mutation == name }, "no happy case for \(name)")
        }
        #expect(Set(BadCases.all.map(\.testDescription)).count == BadCases.all.count, "duplicate case descriptions")
    }

    /// Every bad call is rejected inside a 200 push (advancing lastMutationID), answered as its HTTP status by
    /// `POST /v1/mutations`, and leaves no trace in what an administrator pulls.
    @Test(arguments: BadCases.all)
    func badMutationIsRejected(_ bad: BadMutationCase) async throws {
        let fixture = try BadInputFixture(visibility: bad.visibility, rounds: bad.mutation.hasPrefix("round."))
        defer { fixture.server.remove() }
        let args = fixture.ids.resolve(bad.args)
        let admin = fixture.token(.admin)
        let token = fixture.token(bad.actor)
        try await fixture.server.application.test(.router) { client in
            let before = try await BadInput.state(client, token: admin, clientID: Self.observer)
            let versionBefore = try fixture.server.store.clock().version

            // Through the sync queue: a rejection inside a 200.
            let reply = try await BadInput.push(client, token: token, clientID: Self.clientID, [BadInput.mutation(1, bad.mutation, args)])
            #expect(reply.status == .ok, "push answered \(reply.status.code): \(reply.text.prefix(400))")
            #expect(reply.headers[.contentType] == "application/json")
            #expect(reply.json["lastMutationID"] == 1, "a rejection must still advance lastMutationID")
            let result = reply.json["results"]?.arrayValue?.first
            #expect(result?["id"] == 1)
            #expect(result?["status"] == "rejected", "expected a rejection, got \(reply.text.prefix(400))")
            let problem = result?["problem"] ?? .null
            #expect(problem["code"] == .string(bad.code), "problem: \(problem.jsonString.prefix(400))")
            #expect(problem["status"] == .int(Int64(bad.httpStatus.code)))
            #expect(problem["type"] == "about:blank")
            #expect(problem["title"]?.stringValue != nil)
            if let field = bad.field {
                let fields = problem["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
                #expect(fields.contains(field), "expected an error on \(field), got \(fields): \(problem.jsonString.prefix(400))")
            }
            BadInput.expectNoLeaks(reply.text)

            // The client's queue moved on: its next pull names lastMutationID 1.
            let pulled = try await BadInput.pull(client, token: token, clientID: Self.clientID)
            #expect(pulled.json["lastMutationID"] == 1)

            // As a plain REST call: the problem is the HTTP answer.
            let rest = try await BadInput.send(
                client, .post, "/v1/mutations", token: token, json: ["name": .string(bad.mutation), "args": args])
            BadInput.expectProblem(rest, bad.httpStatus, bad.code)
            if let field = bad.field {
                let fields = rest.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
                #expect(fields.contains(field), "REST: expected an error on \(field), got \(fields)")
            }

            // Nothing of it was stored.
            #expect(try fixture.server.store.clock().version == versionBefore, "a rejected mutation wrote to the change log")
            let after = try await BadInput.state(client, token: admin, clientID: Self.observer)
            let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
            #expect(changed.isEmpty, "a rejected mutation changed what pull shows: \(changed)")
            for id in [MutationTable.newSeries, MutationTable.newPerson, MutationTable.newPaper, MutationTable.newSuggestion, MutationTable.newEpisode] {
                #expect(!after.keys.contains { $0.hasSuffix(":\(id)") }, "rejected mutation created \(id)")
            }
            try await BadInput.expectHealthy(client)
        }
    }

    /// A valid call of each mutation is applied, by push and by `POST /v1/mutations`, and pull shows its effect.
    @Test(arguments: HappyCase.all(), ["push", "rest"])
    func validMutationIsApplied(_ happy: HappyCase, _ route: String) async throws {
        let fixture = try BadInputFixture(rounds: happy.mutation.hasPrefix("round."))
        defer { fixture.server.remove() }
        let args = fixture.ids.resolve(MutationTable.validArgs(happy.mutation))
        let token = fixture.token(happy.actor)
        try await fixture.server.application.test(.router) { client in
            let versionBefore = try fixture.server.store.clock().version
            if route == "push" {
                let reply = try await BadInput.push(client, token: token, clientID: Self.clientID, [BadInput.mutation(1, happy.mutation, args)])
                #expect(reply.status == .ok)
                #expect(reply.json["lastMutationID"] == 1)
                #expect(reply.json["results"]?.arrayValue?.first?["status"] == "applied", "\(reply.text.prefix(600))")
                if case .int(let version)? = reply.json["version"] { #expect(version > versionBefore) } else { Issue.record("no version") }
            } else {
                let reply = try await BadInput.send(client, .post, "/v1/mutations", token: token, json: ["name": .string(happy.mutation), "args": args])
                #expect(reply.status == .ok, "\(reply.text.prefix(600))")
                #expect(reply.json["status"] == "applied")
            }
            let state = try await BadInput.state(client, token: fixture.token(.admin), clientID: Self.observer)
            let candidates = state.filter { key, entry in
                guard key.hasPrefix("\(happy.type):") else { return false }
                if let id = happy.id { return key == "\(happy.type):\(fixture.ids.resolve(.string(id)).stringValue!)" }
                return entry["value"].map { value in happy.checks.allSatisfy { Self.check(check: $0, value, fixture.ids) } } ?? false
            }
            #expect(candidates.count == 1, "expected one \(happy.type) to show the change, found \(candidates.count)")
            guard let entry = candidates.first?.value, let value = entry["value"] else { return }
            if case .int(let version)? = entry["version"] { #expect(version > versionBefore, "the entity did not change") }
            for item in happy.checks {
                #expect(Self.check(check: item, value, fixture.ids), "\(item) failed on \(value.jsonString.prefix(600))")
            }
        }
    }

    private static func check(check: HappyCase.Check, _ value: JSONValue, _ ids: BadInputIDs) -> Bool {
        switch check {
        case .equals(let key, let expected):
            return value[key] == ids.resolve(expected)
        case .listHas(let key, let member, let expected):
            return value[key]?.arrayValue?.contains { $0[member] == ids.resolve(expected) } ?? false
        }
    }

    /// Limits are in characters; a client counting characters must never meet the database's own limit instead:
    /// the answer is applied or a validation failure of that field, never a `conflict` naming a constraint.
    @Test(arguments: [
        ("series.create", "title", 300), ("person.create", "name", 300), ("paper.create", "title", 500),
        ("suggestion.create", "title", 300), ("suggestion.create", "pitch", 20_000), ("episode.create", "title", 300),
        ("episode.create", "abstract", 20_000), ("suggestion.volunteer", "note", 2000), ("series.skip", "reason", 300),
        ("suggestion.promote", "title", 300),
    ])
    func limitsCountCharactersLikeTheDatabase(_ mutation: String, _ field: String, _ limit: Int) async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        // "é" written as e + combining acute: one character, two Unicode scalars.
        let args = fixture.ids.resolve(BadInput.edited(MutationTable.validArgs(mutation), path: [field], to: BadInput.long(limit, "e\u{301}")))
        let token = fixture.token(MutationTable.allowedActor(mutation))
        try await fixture.server.application.test(.router) { client in
            let reply = try await BadInput.push(client, token: token, clientID: Self.clientID, [BadInput.mutation(1, mutation, args)])
            #expect(reply.status == .ok)
            #expect(reply.json["lastMutationID"] == 1)
            let result = reply.json["results"]?.arrayValue?.first ?? .null
            if result["status"] != "applied" {
                let problem = result["problem"] ?? .null
                #expect(problem["code"] == "validation_failed", "\(field) of \(limit) characters: \(problem.jsonString.prefix(400))")
                let fields = problem["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
                #expect(fields.contains("args.\(field)"))
            }
            BadInput.expectNoLeaks(reply.text)
            try await BadInput.expectHealthy(client)
        }
    }

    /// One bad mutation never blocks the queue: a batch of rejections and applications is processed in order.
    @Test func rejectionsDoNotBlockTheQueue() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let ids = fixture.ids
        try await fixture.server.application.test(.router) { client in
            let mutations = [
                BadInput.mutation(1, "suggestion.create", ids.resolve(BadInput.edited(MutationTable.validArgs("suggestion.create"), path: ["title"], to: BadInput.long(301)))),
                BadInput.mutation(2, "suggestion.volunteer", ids.resolve(MutationTable.validArgs("suggestion.volunteer"))),
                BadInput.mutation(3, "suggestion.decline", ids.resolve(MutationTable.validArgs("suggestion.decline"))),
                BadInput.mutation(4, "ballot.set", ids.resolve(MutationTable.validArgs("ballot.set"))),
            ]
            let reply = try await BadInput.push(client, token: fixture.token(.member), clientID: Self.clientID, mutations)
            #expect(reply.status == .ok)
            #expect(reply.json["lastMutationID"] == 4)
            let statuses = reply.json["results"]?.arrayValue?.map { $0["status"]?.stringValue ?? "?" } ?? []
            #expect(statuses == ["rejected", "applied", "rejected", "applied"])
            let codes = reply.json["results"]?.arrayValue?.map { $0["problem"]?["code"]?.stringValue ?? "-" } ?? []
            #expect(codes == ["validation_failed", "-", "forbidden", "-"])
            let state = try await BadInput.state(client, token: fixture.token(.admin), clientID: Self.observer)
            #expect(state["suggestion:\(MutationTable.newSuggestion)"] == nil)
            #expect(state["suggestion:\(ids.suggestion)"]?["value"]?["status"] == "open")
            #expect(state.keys.contains { $0.hasPrefix("ballot:") })
        }
    }
}
