import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

// MARK: - Tables

/// A body that is not acceptable JSON, and what sync routes (1 MiB limit) and account routes (64 KiB limit) answer.
struct MalformedBody: Sendable, CustomTestStringConvertible {
    var label: String
    var bytes: [UInt8]
    var sync: (status: Int, code: String)
    var account: (status: Int, code: String, field: String?)

    var testDescription: String { label }

    static let client = "0193f1c2-0000-7000-8000-0000000c1a01"

    static func text(_ label: String, _ text: String, account: (Int, String, String?) = (400, "bad_request", nil)) -> MalformedBody {
        MalformedBody(label: label, bytes: Array(text.utf8), sync: (400, "bad_request"), account: account)
    }

    static let all: [MalformedBody] = {
        let head = "{\"protocol\": 1, \"clientID\": \"\(client)\", \"mutations\": ["
        var bodies: [MalformedBody] = [
            text("cut off", head + "{\"id\": 1, \"na"),
            text("cut off inside a string", "{\"protocol\": 1, \"clientID\": \"0193f1c2-00"),
            text("trailing comma in an object", "{\"protocol\": 1, \"clientID\": \"\(client)\", \"mutations\": [],}"),
            text("trailing comma in a list", head + "{\"id\": 1, \"name\": \"x\", \"args\": {}},]}"),
            text("empty body", ""),
            text("only white space", "  \n\t "),
            text("single quotes", "{'protocol': 1}"),
            text("text after the value", "{\"protocol\": 1} {\"protocol\": 1}"),
            text("NaN", "{\"protocol\": NaN}"),
            text("raw control character in a string", "{\"name\": \"tab\there\"}"),
            text("lone surrogate escape", "{\"name\": \"\\ud800\"}"),
            text("bad escape", "{\"name\": \"\\x41\"}"),
            text("leading zero", "{\"protocol\": 01}"),
            text("not an object: list", "[1, 2]", account: (422, "validation_failed", "body")),
            text("not an object: string", "\"push\"", account: (422, "validation_failed", "body")),
            text("not an object: null", "null", account: (422, "validation_failed", "body")),
            text("not an object: number", "1", account: (422, "validation_failed", "body")),
            text("nesting 300 deep", String(repeating: "[", count: 300) + String(repeating: "]", count: 300)),
        ]
        bodies.append(
            MalformedBody(
                label: "invalid UTF-8 in a string", bytes: Array("{\"name\": \"".utf8) + [0xFF, 0xFE] + Array("\"}".utf8),
                sync: (400, "bad_request"), account: (400, "bad_request", nil)))
        bodies.append(
            MalformedBody(
                label: "overlong UTF-8 in a string", bytes: Array("{\"name\": \"".utf8) + [0xC0, 0xAF] + Array("\"}".utf8),
                sync: (400, "bad_request"), account: (400, "bad_request", nil)))
        bodies.append(
            MalformedBody(
                label: "invalid UTF-8 in a member name", bytes: Array("{\"".utf8) + [0xED, 0xA0, 0x80] + Array("\": 1}".utf8),
                sync: (400, "bad_request"), account: (400, "bad_request", nil)))
        bodies.append(
            MalformedBody(label: "invalid UTF-8 outside strings", bytes: [0xFF] + Array("{}".utf8), sync: (400, "bad_request"), account: (400, "bad_request", nil)))
        bodies.append(
            MalformedBody(
                label: "1 MiB of [", bytes: Array(repeating: UInt8(ascii: "["), count: 1 << 20), sync: (400, "bad_request"),
                account: (413, "payload_too_large", nil)))
        return bodies
    }()
}

/// A structural fault of a push, pull or mutation envelope: the whole request is a 400.
struct EnvelopeCase: Sendable, CustomTestStringConvertible {
    var label: String
    var route: String
    /// Body text; `$client` and `$suggestion` are replaced.
    var body: String
    var status: Int
    var code: String

    var testDescription: String { "\(route): \(label)" }

    static let valid = "{\"id\": 1, \"name\": \"suggestion.volunteer\", \"args\": {\"id\": \"$suggestion\"}}"

    static func push(_ label: String, mutations: String, code: String = "bad_request") -> EnvelopeCase {
        EnvelopeCase(
            label: label, route: "/v1/sync/push", body: "{\"protocol\": 1, \"clientID\": \"$client\", \"mutations\": [\(valid), \(mutations)]}",
            status: 400, code: code)
    }

    static func push(_ label: String, body: String, code: String = "bad_request") -> EnvelopeCase {
        EnvelopeCase(label: label, route: "/v1/sync/push", body: body, status: 400, code: code)
    }

    static func pull(_ label: String, body: String, code: String = "bad_request") -> EnvelopeCase {
        EnvelopeCase(label: label, route: "/v1/sync/pull", body: body, status: 400, code: code)
    }

    static func rest(_ label: String, body: String, code: String = "bad_request") -> EnvelopeCase {
        EnvelopeCase(label: label, route: "/v1/mutations", body: body, status: 400, code: code)
    }

    static let all: [EnvelopeCase] = [
        push("protocol missing", body: "{\"clientID\": \"$client\", \"mutations\": [\(valid)]}"),
        push("protocol null", body: "{\"protocol\": null, \"clientID\": \"$client\", \"mutations\": [\(valid)]}"),
        push("protocol 2", body: "{\"protocol\": 2, \"clientID\": \"$client\", \"mutations\": [\(valid)]}", code: "unsupported_protocol"),
        push("protocol 0", body: "{\"protocol\": 0, \"clientID\": \"$client\", \"mutations\": [\(valid)]}", code: "unsupported_protocol"),
        push("clientID missing", body: "{\"protocol\": 1, \"mutations\": [\(valid)]}"),
        push("clientID not a UUID", body: "{\"protocol\": 1, \"clientID\": \"laptop\", \"mutations\": [\(valid)]}"),
        push("clientID wrong type", body: "{\"protocol\": 1, \"clientID\": 7, \"mutations\": [\(valid)]}"),
        push("clientID uppercase", body: "{\"protocol\": 1, \"clientID\": \"0193F1C2-0000-7000-8000-0000000C1A01\", \"mutations\": [\(valid)]}"),
        push("mutations missing", body: "{\"protocol\": 1, \"clientID\": \"$client\"}"),
        push("mutations an object", body: "{\"protocol\": 1, \"clientID\": \"$client\", \"mutations\": {\"id\": 1}}"),
        push("mutations null", body: "{\"protocol\": 1, \"clientID\": \"$client\", \"mutations\": null}"),
        push("mutation not an object", mutations: "2"),
        push("mutation id 0", mutations: "{\"id\": 0, \"name\": \"suggestion.volunteer\", \"args\": {}}"),
        push("mutation id -1", mutations: "{\"id\": -1, \"name\": \"suggestion.volunteer\", \"args\": {}}"),
        push("mutation id a string", mutations: "{\"id\": \"2\", \"name\": \"suggestion.volunteer\", \"args\": {}}"),
        push("mutation id a fraction", mutations: "{\"id\": 2.5, \"name\": \"suggestion.volunteer\", \"args\": {}}"),
        push("mutation id beyond 64 bits", mutations: "{\"id\": 99999999999999999999, \"name\": \"suggestion.volunteer\", \"args\": {}}"),
        push("mutation id missing", mutations: "{\"name\": \"suggestion.volunteer\", \"args\": {}}"),
        push("mutation name missing", mutations: "{\"id\": 2, \"args\": {}}"),
        push("mutation name empty", mutations: "{\"id\": 2, \"name\": \"\", \"args\": {}}"),
        push("mutation name wrong type", mutations: "{\"id\": 2, \"name\": [\"ballot.set\"], \"args\": {}}"),
        push("mutation name null", mutations: "{\"id\": 2, \"name\": null, \"args\": {}}"),
        push("mutation args missing", mutations: "{\"id\": 2, \"name\": \"suggestion.volunteer\"}"),
        push("mutation args a string", mutations: "{\"id\": 2, \"name\": \"suggestion.volunteer\", \"args\": \"x\"}"),
        push("mutation args a list", mutations: "{\"id\": 2, \"name\": \"suggestion.volunteer\", \"args\": []}"),
        push("mutation args null", mutations: "{\"id\": 2, \"name\": \"suggestion.volunteer\", \"args\": null}"),
        push("mutation at not a timestamp", mutations: "{\"id\": 2, \"name\": \"suggestion.volunteer\", \"args\": {}, \"at\": \"yesterday\"}"),
        push("mutation at wrong type", mutations: "{\"id\": 2, \"name\": \"suggestion.volunteer\", \"args\": {}, \"at\": 1700000000}"),
        pull("protocol missing", body: "{\"clientID\": \"$client\", \"cursor\": null}"),
        pull("protocol 2", body: "{\"protocol\": 2, \"clientID\": \"$client\", \"cursor\": null}", code: "unsupported_protocol"),
        pull("clientID missing", body: "{\"protocol\": 1, \"cursor\": null}"),
        pull("clientID not a UUID", body: "{\"protocol\": 1, \"clientID\": \"x\", \"cursor\": null}"),
        pull("cursor wrong type", body: "{\"protocol\": 1, \"clientID\": \"$client\", \"cursor\": 5}"),
        pull("cursor not one the server issued", body: "{\"protocol\": 1, \"clientID\": \"$client\", \"cursor\": \"not-a-cursor\"}"),
        pull("cursor empty", body: "{\"protocol\": 1, \"clientID\": \"$client\", \"cursor\": \"\"}"),
        pull("cursor over-long", body: "{\"protocol\": 1, \"clientID\": \"$client\", \"cursor\": \"\(String(repeating: "A", count: 5000))\"}"),
        pull("limit a string", body: "{\"protocol\": 1, \"clientID\": \"$client\", \"cursor\": null, \"limit\": \"10\"}"),
        pull("limit a fraction", body: "{\"protocol\": 1, \"clientID\": \"$client\", \"cursor\": null, \"limit\": 1.5}"),
        rest("empty object", body: "{}"),
        rest("name wrong type", body: "{\"name\": 5, \"args\": {}}"),
        rest("name empty", body: "{\"name\": \"\", \"args\": {}}"),
        rest("args missing", body: "{\"name\": \"suggestion.volunteer\"}"),
        rest("args a list", body: "{\"name\": \"suggestion.volunteer\", \"args\": []}"),
        rest("at not a timestamp", body: "{\"name\": \"suggestion.volunteer\", \"args\": {\"id\": \"$suggestion\"}, \"at\": \"noon\"}"),
        rest("unknown mutation name", body: "{\"name\": \"suggestion.explode\", \"args\": {}}", code: "unknown_mutation"),
    ]
}

/// A bad request to an account endpoint (PROTOCOL section 7).
struct AccountCase: Sendable, CustomTestStringConvertible {
    var label: String
    var method: HTTPRequest.Method
    var path: String
    var actor: BadInputActor?
    var body: JSONValue?
    var status: Int
    var code: String
    var field: String?

    var testDescription: String { "\(method) \(path): \(label)" }

    static func invite(_ label: String, _ body: JSONValue, actor: BadInputActor = .organizer, status: Int = 422, code: String = "validation_failed", field: String? = nil) -> AccountCase {
        AccountCase(label: label, method: .post, path: "/v1/auth/invites", actor: actor, body: body, status: status, code: code, field: field)
    }

    static func redeem(_ label: String, _ body: JSONValue, status: Int = 422, code: String = "validation_failed", field: String? = nil) -> AccountCase {
        AccountCase(label: label, method: .post, path: "/v1/auth/redeem", actor: nil, body: body, status: status, code: code, field: field)
    }

    static func token(_ label: String, _ body: JSONValue, field: String) -> AccountCase {
        AccountCase(label: label, method: .post, path: "/v1/auth/tokens", actor: .member, body: body, status: 422, code: "validation_failed", field: field)
    }

    static let all: [AccountCase] = [
        invite("seriesID missing", [:], field: "body.seriesID"),
        invite("seriesID wrong type", ["seriesID": 5], field: "body.seriesID"),
        invite("seriesID not a UUID", ["seriesID": "reading-group"], field: "body.seriesID"),
        invite("seriesID unknown", ["seriesID": "$unknown"], field: "body.seriesID"),
        invite("role not allowed", ["seriesID": "$series", "role": "owner"], field: "body.role"),
        invite("role wrong type", ["seriesID": "$series", "role": 1], field: "body.role"),
        invite("expiresAt not a timestamp", ["seriesID": "$series", "expiresAt": "tomorrow"], field: "body.expiresAt"),
        invite("expiresAt wrong type", ["seriesID": "$series", "expiresAt": 5], field: "body.expiresAt"),
        invite("expiresAt in the past", ["seriesID": "$series", "expiresAt": "2020-01-01T00:00:00.000Z"], field: "body.expiresAt"),
        invite("by a member", ["seriesID": "$series"], actor: .member, status: 403, code: "forbidden"),
        invite("by an outsider of a members-only series", ["seriesID": "$series"], actor: .outsider, field: "body.seriesID"),
        redeem("code and name missing", [:], field: "body.code"),
        redeem("code wrong type", ["code": 5, "name": "Nina New"], field: "body.code"),
        redeem("code over-long", ["code": BadInput.long(101), "name": "Nina New"], field: "body.code"),
        redeem("name missing", ["code": "inv_whatever"], field: "body.name"),
        redeem("name blank", ["code": "inv_whatever", "name": " "], field: "body.name"),
        redeem("name over-long", ["code": "inv_whatever", "name": BadInput.long(301)], field: "body.name"),
        redeem("name wrong type", ["code": "inv_whatever", "name": ["Nina"]], field: "body.name"),
        redeem("device over-long", ["code": "inv_whatever", "name": "Nina New", "device": BadInput.long(101)], field: "body.device"),
        redeem("device wrong type", ["code": "inv_whatever", "name": "Nina New", "device": 5], field: "body.device"),
        redeem("unknown code", ["code": "inv_AAAAAAAAAAAAAAAAAAAAAAAA", "name": "Nina New"], status: 404, code: "not_found"),
        token("device missing", [:], field: "body.device"),
        token("device wrong type", ["device": 5], field: "body.device"),
        token("device blank", ["device": "  "], field: "body.device"),
        token("device over-long", ["device": BadInput.long(101)], field: "body.device"),
        token("expiresAt not a timestamp", ["device": "phone", "expiresAt": "soon"], field: "body.expiresAt"),
        token("expiresAt in the past", ["device": "phone", "expiresAt": "2020-01-01T00:00:00.000Z"], field: "body.expiresAt"),
        AccountCase(label: "id not a UUID", method: .delete, path: "/v1/auth/tokens/not-a-uuid", actor: .member, body: nil, status: 404, code: "not_found"),
        AccountCase(label: "unknown id", method: .delete, path: "/v1/auth/tokens/\(BadInput.unknownID)", actor: .member, body: nil, status: 404, code: "not_found"),
        AccountCase(
            label: "uppercase id", method: .delete, path: "/v1/auth/tokens/0193F1C2-DEAD-7BAD-8BAD-00000000BEEF", actor: .member, body: nil,
            status: 404, code: "not_found"),
    ]
}

/// How a request may fail to authenticate.
enum BadCredential: String, Sendable, CaseIterable {
    case none, bearerAlone, bearerEmpty, shortToken, unknownToken, validPlusOne, validMinusOne, validAltered, basic, otherScheme,
        noSpace, expired, revoked

    func header(valid: String, expired: String, revoked: String) -> String? {
        switch self {
        case .none: return nil
        case .bearerAlone: return "Bearer"
        case .bearerEmpty: return "Bearer "
        case .shortToken: return "Bearer dkt_short"
        case .unknownToken: return "Bearer dkt_" + String(repeating: "A", count: 43)
        case .validPlusOne: return "Bearer \(valid)x"
        case .validMinusOne: return "Bearer \(valid.dropLast())"
        case .validAltered: return "Bearer \(valid.dropLast())\(valid.last == "A" ? "B" : "A")"
        case .basic: return "Basic bWlhOnNlY3JldA=="
        case .otherScheme: return "Token \(valid)"
        case .noSpace: return "Bearer\(valid)"
        case .expired: return "Bearer \(expired)"
        case .revoked: return "Bearer \(revoked)"
        }
    }
}

// MARK: - Tests

@Suite struct HTTPBadInputTests {
    static let client = MalformedBody.client
    static let jsonRoutes = ["/v1/sync/push", "/v1/sync/pull", "/v1/mutations", "/v1/auth/invites", "/v1/auth/redeem", "/v1/auth/tokens"]

    @Test(arguments: MalformedBody.all)
    func malformedBodiesAreBadRequests(_ body: MalformedBody) async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.router) { client in
            let before = try fixture.server.store.clock().version
            for route in Self.jsonRoutes {
                let reply = try await BadInput.send(client, .post, route, token: fixture.token(.organizer), bytes: body.bytes)
                let isAccount = route.hasPrefix("/v1/auth/")
                let status = isAccount ? body.account.status : body.sync.status
                let code = isAccount ? body.account.code : body.sync.code
                BadInput.expectProblem(reply, HTTPResponse.Status(code: status), code)
                if isAccount, let field = body.account.field {
                    let fields = reply.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
                    #expect(fields.contains(field), "\(route): \(reply.text.prefix(300))")
                }
            }
            #expect(try fixture.server.store.clock().version == before)
            try await BadInput.expectHealthy(client)
        }
    }

    /// Exactly 1 MiB is accepted; one byte more (or ten MiB) is a 413 on every JSON route of the sync API.
    @Test(arguments: ["/v1/sync/push", "/v1/sync/pull", "/v1/mutations"])
    func bodiesOverOneMiBAreTooLarge(_ route: String) async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        @Sendable func body(size: Int) -> [UInt8] {
            let head = """
                {"protocol":1,"clientID":"\(Self.client)","mutations":[{"id":1,"name":"no.such.mutation","args":{}}],\
                "name":"no.such.mutation","args":{},"cursor":null,"pad":"
                """
            let tail = "\"}"
            let padding = size - head.utf8.count - tail.utf8.count
            return Array(head.utf8) + Array(repeating: UInt8(ascii: "x"), count: padding) + Array(tail.utf8)
        }
        try await fixture.server.application.test(.router) { client in
            let token = fixture.token(.member)
            for size in [(1 << 20) + 1, 10 << 20] {
                let reply = try await BadInput.send(client, .post, route, token: token, bytes: body(size: size))
                BadInput.expectProblem(reply, .contentTooLarge, "payload_too_large")
            }
            try await BadInput.expectHealthy(client)
            let exact = try await BadInput.send(client, .post, route, token: token, bytes: body(size: 1 << 20))
            switch route {
            case "/v1/mutations": BadInput.expectProblem(exact, .badRequest, "unknown_mutation")
            default: #expect(exact.status == .ok, "a body of exactly 1 MiB: \(exact.status.code) \(exact.text.prefix(300))")
            }
            if route == "/v1/sync/push" {
                #expect(exact.json["lastMutationID"] == 1)
                #expect(exact.json["results"]?.arrayValue?.first?["problem"]?["code"] == "unknown_mutation")
            }
            try await BadInput.expectHealthy(client)
        }
    }

    @Test(arguments: ["/v1/auth/invites", "/v1/auth/redeem", "/v1/auth/tokens"])
    func accountBodiesOver64KiBAreTooLarge(_ route: String) async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.router) { client in
            let json: JSONValue = ["seriesID": .string(fixture.ids.series), "code": "inv_x", "name": "N", "device": "d", "pad": BadInput.long(64 * 1024)]
            let reply = try await BadInput.send(client, .post, route, token: fixture.token(.organizer), json: json)
            BadInput.expectProblem(reply, .contentTooLarge, "payload_too_large")
            try await BadInput.expectHealthy(client)
        }
    }

    @Test func moreThan1000MutationsAreTooLarge() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.router) { client in
            let token = fixture.token(.member)
            let tooMany = (1...1001).map { BadInput.mutation(Int64($0), "no.such.mutation", [:]) }
            let reply = try await BadInput.push(client, token: token, clientID: Self.client, tooMany)
            BadInput.expectProblem(reply, .contentTooLarge, "payload_too_large")
            let pulled = try await BadInput.pull(client, token: token, clientID: Self.client)
            #expect(pulled.json["lastMutationID"] == 0, "nothing of a 413 batch may be processed")
            try await BadInput.expectHealthy(client)

            let limit = (1...1000).map { BadInput.mutation(Int64($0), "no.such.mutation", [:]) }
            let accepted = try await BadInput.push(client, token: token, clientID: Self.client, limit)
            #expect(accepted.status == .ok)
            #expect(accepted.json["lastMutationID"] == 1000)
            #expect(accepted.json["results"]?.arrayValue?.count == 1000)
            try await BadInput.expectHealthy(client)
        }
    }

    /// Structural faults make the whole request a 400 (PROTOCOL section 8): not even the valid mutation before the fault runs.
    @Test(arguments: EnvelopeCase.all)
    func envelopeFaultsAreBadRequests(_ fault: EnvelopeCase) async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let body = fault.body.replacingOccurrences(of: "$client", with: Self.client)
            .replacingOccurrences(of: "$suggestion", with: fixture.ids.suggestion)
        try await fixture.server.application.test(.router) { client in
            let token = fixture.token(.member)
            let before = try fixture.server.store.clock().version
            let reply = try await BadInput.send(client, .post, fault.route, token: token, text: body)
            BadInput.expectProblem(reply, HTTPResponse.Status(code: fault.status), fault.code)
            if fault.code == "unsupported_protocol" {
                #expect(reply.json["supported"] == [1])
            }
            #expect(try fixture.server.store.clock().version == before, "a rejected request changed state")
            let pulled = try await BadInput.pull(client, token: token, clientID: Self.client)
            #expect(pulled.status == .ok)
            #expect(pulled.json["lastMutationID"] == 0, "a 400 request must not advance lastMutationID")
            try await BadInput.expectHealthy(client)
        }
    }

    /// A `limit` outside 1...5,000 is clamped, not an error.
    @Test func pullLimitsAreClamped() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.router) { client in
            for limit: JSONValue in [0, -5, 1_000_000, .int(Int64.max)] {
                let reply = try await BadInput.send(
                    client, .post, "/v1/sync/pull", token: fixture.token(.member),
                    json: ["protocol": 1, "clientID": .string(Self.client), "cursor": nil, "limit": limit])
                #expect(reply.status == .ok, "limit \(limit): \(reply.text.prefix(300))")
                #expect((reply.json["changes"]?.arrayValue?.count ?? 0) >= 1)
            }
            try await BadInput.expectHealthy(client)
        }
    }

    @Test func unknownMutationNamesAreRejectedInside200() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let ids = fixture.ids
        try await fixture.server.application.test(.router) { client in
            let token = fixture.token(.member)
            let batch = [
                BadInput.mutation(1, "suggestion.explode", ["id": .string(ids.suggestion)]),
                BadInput.mutation(2, "suggestion.volunteer", ["id": .string(ids.suggestion), "note": "still processed"]),
                BadInput.mutation(3, String(repeating: "n", count: 10_000), [:]),
                BadInput.mutation(4, "Suggestion.Create", [:]),
            ]
            let reply = try await BadInput.push(client, token: token, clientID: Self.client, batch)
            #expect(reply.status == .ok)
            #expect(reply.json["lastMutationID"] == 4)
            let results = reply.json["results"]?.arrayValue ?? []
            #expect(results.map { $0["status"]?.stringValue ?? "?" } == ["rejected", "applied", "rejected", "rejected"])
            for index in [0, 2, 3] where index < results.count {
                let problem = results[index]["problem"] ?? .null
                #expect(problem["code"] == "unknown_mutation")
                #expect(problem["status"] == .int(400))
            }
            BadInput.expectNoLeaks(reply.text)

            // Resending the batch: all duplicates, with the original outcome.
            let again = try await BadInput.push(client, token: token, clientID: Self.client, batch)
            #expect(again.status == .ok)
            let originals = again.json["results"]?.arrayValue ?? []
            #expect(originals.map { $0["status"]?.stringValue ?? "?" } == ["duplicate", "duplicate", "duplicate", "duplicate"])
            #expect(originals.first?["original"]?["status"] == "rejected")
            #expect(originals.first?["original"]?["problem"]?["code"] == "unknown_mutation")

            let rest = try await BadInput.send(client, .post, "/v1/mutations", token: token, json: ["name": "suggestion.explode", "args": [:]])
            BadInput.expectProblem(rest, .badRequest, "unknown_mutation")
            try await BadInput.expectHealthy(client)
        }
    }

    @Test func aClientOfAnotherPersonIsForbidden() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let ids = fixture.ids
        try await fixture.server.application.test(.router) { client in
            let mine = try await BadInput.push(
                client, token: fixture.token(.member), clientID: Self.client,
                [BadInput.mutation(1, "suggestion.volunteer", ["id": .string(ids.suggestion)])])
            #expect(mine.status == .ok)
            let before = try fixture.server.store.clock().version

            let theirs = try await BadInput.push(
                client, token: fixture.token(.organizer), clientID: Self.client,
                [BadInput.mutation(2, "suggestion.decline", ["id": .string(ids.suggestion)])])
            BadInput.expectProblem(theirs, .forbidden, "forbidden")
            let theirPull = try await BadInput.pull(client, token: fixture.token(.organizer), clientID: Self.client)
            BadInput.expectProblem(theirPull, .forbidden, "forbidden")
            // An administrator is a person too: the client is still not theirs.
            let adminPush = try await BadInput.push(client, token: fixture.token(.admin), clientID: Self.client, [])
            BadInput.expectProblem(adminPush, .forbidden, "forbidden")
            #expect(try fixture.server.store.clock().version == before, "the other person's mutation ran")

            // The owner's queue is intact.
            let next = try await BadInput.push(
                client, token: fixture.token(.member), clientID: Self.client,
                [BadInput.mutation(2, "suggestion.unvolunteer", ["id": .string(ids.suggestion)])])
            #expect(next.status == .ok)
            #expect(next.json["lastMutationID"] == 2)
            #expect(next.json["results"]?.arrayValue?.first?["status"] == "applied")
            try await BadInput.expectHealthy(client)
        }
    }

    @Test func aGapStopsTheBatchAndKeepsWhatCameBefore() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let ids = fixture.ids
        try await fixture.server.application.test(.router) { client in
            let token = fixture.token(.member)
            // A fresh client starting at 2.
            let early = try await BadInput.push(
                client, token: token, clientID: Self.client, [BadInput.mutation(2, "suggestion.volunteer", ["id": .string(ids.suggestion)])])
            BadInput.expectProblem(early, .conflict, "mutation_gap")
            #expect(early.json["lastMutationID"] == 0)

            let batch = [
                BadInput.mutation(1, "suggestion.volunteer", ["id": .string(ids.suggestion), "note": "first"]),
                BadInput.mutation(2, "ballot.set", ["seriesID": .string(ids.series), "ranking": [[.string(ids.suggestion)]]]),
                BadInput.mutation(4, "suggestion.withdraw", ["id": .string(ids.suggestion)]),
            ]
            let reply = try await BadInput.push(client, token: token, clientID: Self.client, batch)
            BadInput.expectProblem(reply, .conflict, "mutation_gap")
            #expect(reply.json["lastMutationID"] == 2)
            let state = try await BadInput.state(client, token: fixture.token(.admin), clientID: MutationBadInputTests.observer)
            let suggestion = state["suggestion:\(ids.suggestion)"]?["value"] ?? .null
            #expect(suggestion["status"] == "open", "the mutation after the gap ran")
            #expect(suggestion["volunteers"]?.arrayValue?.contains { $0["personID"] == .string(ids.member) } == true, "mutation 1 was lost")
            #expect(state.keys.contains { $0.hasPrefix("ballot:") }, "mutation 2 was lost")
            let pulled = try await BadInput.pull(client, token: token, clientID: Self.client)
            #expect(pulled.json["lastMutationID"] == 2)

            // Resending from lastMutationID + 1 works.
            let resent = try await BadInput.push(
                client, token: token, clientID: Self.client,
                [BadInput.mutation(3, "suggestion.unvolunteer", ["id": .string(ids.suggestion)]), batch[2]])
            #expect(resent.status == .ok)
            #expect(resent.json["lastMutationID"] == 4)
            #expect(resent.json["results"]?.arrayValue?.map { $0["status"]?.stringValue ?? "?" } == ["applied", "applied"])
            try await BadInput.expectHealthy(client)
        }
    }

    @Test func duplicatesCarryTheOriginalResultAndApplyOnce() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let ids = fixture.ids
        try await fixture.server.application.test(.router) { client in
            let token = fixture.token(.member)
            let first = [
                BadInput.mutation(1, "ballot.set", ["seriesID": .string(ids.series), "ranking": [[.string(ids.suggestion)]]]),
                BadInput.mutation(2, "suggestion.decline", ["id": .string(ids.suggestion2)]),
            ]
            let reply = try await BadInput.push(client, token: token, clientID: Self.client, first)
            #expect(reply.json["results"]?.arrayValue?.map { $0["status"]?.stringValue ?? "?" } == ["applied", "rejected"])
            let version = try fixture.server.store.clock().version
            let state = try await BadInput.state(client, token: fixture.token(.admin), clientID: MutationBadInputTests.observer)

            let third = BadInput.mutation(3, "suggestion.volunteer", ["id": .string(ids.suggestion2)])
            let again = try await BadInput.push(client, token: token, clientID: Self.client, first + [third])
            #expect(again.status == .ok)
            #expect(again.json["lastMutationID"] == 3)
            let results = again.json["results"]?.arrayValue ?? []
            #expect(results.map { $0["status"]?.stringValue ?? "?" } == ["duplicate", "duplicate", "applied"])
            #expect(results.map { $0["id"] ?? .null } == [1, 2, 3])
            if results.count == 3 {
                #expect(results[0]["original"] == ["status": "applied", "problem": nil])
                #expect(results[1]["original"]?["status"] == "rejected")
                let problem = results[1]["original"]?["problem"] ?? .null
                #expect(problem["code"] == "forbidden")
                #expect(problem["status"] == 403)
            }
            // The duplicate ballot.set did not run again: the ballot is at the version it had.
            let after = try await BadInput.state(client, token: fixture.token(.admin), clientID: MutationBadInputTests.observer)
            let ballots = after.filter { $0.key.hasPrefix("ballot:") }
            #expect(ballots.count == 1)
            for (key, entry) in ballots { #expect(entry == state[key], "the duplicate was applied again") }

            // The whole batch again: nothing changes at all.
            let versionBefore = try fixture.server.store.clock().version
            #expect(versionBefore > version)
            let thrice = try await BadInput.push(client, token: token, clientID: Self.client, first + [third])
            #expect(thrice.json["results"]?.arrayValue?.map { $0["status"]?.stringValue ?? "?" } == ["duplicate", "duplicate", "duplicate"])
            #expect(thrice.json["results"]?.arrayValue?.last?["original"] == ["status": "applied", "problem": nil])
            #expect(try fixture.server.store.clock().version == versionBefore)
            try await BadInput.expectHealthy(client)
        }
    }

    @Test func unknownRoutesAreNotFound() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let routes: [(HTTPRequest.Method, String)] = [
            (.get, "/index.html"), (.get, "/v1"), (.get, "/v1/nothing-here"), (.post, "/v1/sync/pushx"), (.post, "/v1/sync"),
            (.get, "/v1/auth/tokens/abc/extra"), (.get, "/v2/series"), (.get, "/v1/series/reading-group/rounds"),
            (.get, "/healthz/deep"), (.delete, "/v1/auth"), (.get, "/v1/series/\(BadInput.unknownID)"),
            (.get, "/v1/series/no-such-series/episodes"), (.get, "/" + String(repeating: "a", count: 8000)),
            (.get, "/v1/series/%2e%2e/%2e%2e/etc/passwd"),
        ]
        try await fixture.server.application.test(.router) { client in
            for (method, path) in routes {
                for token in [fixture.token(.member), nil] where !(token == nil && path.hasPrefix("/v1/series/")) {
                    let reply = try await BadInput.send(client, method, path, token: token)
                    BadInput.expectProblem(reply, .notFound, "not_found")
                }
            }
            try await BadInput.expectHealthy(client)
        }
    }

    @Test func wrongMethodsAreNotAllowed() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let routes: [(HTTPRequest.Method, String, Set<String>)] = [
            (.get, "/v1/sync/push", ["POST"]), (.put, "/v1/sync/pull", ["POST"]), (.delete, "/v1/mutations", ["POST"]),
            (.get, "/v1/auth/redeem", ["POST"]), (.get, "/v1/auth/invites", ["POST"]), (.patch, "/v1/auth/tokens", ["POST", "GET"]),
            (.post, "/healthz", ["GET"]), (.get, "/v1/auth/tokens/\(BadInput.unknownID)", ["DELETE"]), (.post, "/v1/series", ["GET"]),
            (.delete, "/v1/series/reading-group", ["GET"]), (.put, "/v1/series/reading-group/suggestions", ["GET"]),
            (.post, "/v1/series/reading-group/episodes", ["GET"]),
        ]
        try await fixture.server.application.test(.router) { client in
            for (method, path, allowed) in routes {
                let reply = try await BadInput.send(client, method, path, token: fixture.token(.member), text: "{}")
                BadInput.expectProblem(reply, .methodNotAllowed, "method_not_allowed")
                let allow = Set((reply.headers[.allow] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                #expect(allow == allowed, "\(method) \(path): Allow is \(reply.headers[.allow] ?? "missing")")
            }
            try await BadInput.expectHealthy(client)
        }
    }

    @Test(arguments: BadCredential.allCases)
    func badCredentialsAreUnauthenticated(_ credential: BadCredential) async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let store = fixture.server.store
        let member = fixture.server.member
        let expired = try store.issueToken(person: member, device: "old phone", expiresAt: Timestamp(milliseconds: 1_000)).secret
        let revokedToken = try store.issueToken(person: member, device: "lost phone")
        try store.revokeToken(revokedToken.id, owner: member)
        let header = credential.header(valid: fixture.token(.member), expired: expired, revoked: revokedToken.secret)
        let ids = fixture.ids
        let volunteer = BadInput.mutation(1, "suggestion.volunteer", ["id": .string(ids.suggestion)])
        let requests: [(HTTPRequest.Method, String, JSONValue?)] = [
            (.post, "/v1/sync/push", ["protocol": 1, "clientID": .string(Self.client), "mutations": [volunteer]]),
            (.post, "/v1/sync/pull", ["protocol": 1, "clientID": .string(Self.client), "cursor": nil]),
            (.post, "/v1/mutations", ["name": "suggestion.volunteer", "args": ["id": .string(ids.suggestion)]]),
            (.post, "/v1/auth/invites", ["seriesID": .string(ids.series)]),
            (.post, "/v1/auth/tokens", ["device": "stolen"]),
            (.get, "/v1/auth/tokens", nil),
            (.delete, "/v1/auth/tokens/\(revokedToken.id.rawValue)", nil),
            (.get, "/v1/series", nil), (.get, "/v1/series/reading-group", nil), (.get, "/v1/series/reading-group/suggestions", nil),
            (.get, "/v1/series/reading-group/episodes", nil),
        ]
        try await fixture.server.application.test(.router) { client in
            let before = try store.clock().version
            for (method, path, body) in requests {
                var headers: HTTPFields = [:]
                if let header { headers[.authorization] = header }
                let reply = try await BadInput.send(client, method, path, bytes: body.map { Array($0.jsonString.utf8) }, headers: headers)
                BadInput.expectProblem(reply, .unauthorized, "unauthenticated")
                #expect(reply.headers[.wwwAuthenticate] == "Bearer", "\(method) \(path)")
            }
            #expect(try store.clock().version == before, "an unauthenticated request changed state")
            #expect(try store.tokens(of: member).count == 3, "an unauthenticated request made a token")
            try await BadInput.expectHealthy(client)
        }
    }

    @Test func revokedTokensStopWorkingAtOnce() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.router) { client in
            let first = fixture.token(.member)
            let made = try await BadInput.send(client, .post, "/v1/auth/tokens", token: first, json: ["device": "tablet"])
            #expect(made.status == .created)
            guard let second = made.json["token"]?.stringValue, let secondID = made.json["id"]?.stringValue else {
                Issue.record("no token: \(made.text)")
                return
            }
            let listed = try await BadInput.send(client, .get, "/v1/auth/tokens", token: second)
            #expect(listed.status == .ok)
            #expect(!listed.text.contains("dkt_"), "the token list shows secrets")
            #expect(listed.json["tokens"]?.arrayValue?.count == 2)
            let firstID = listed.json["tokens"]?.arrayValue?.compactMap { $0["id"]?.stringValue }.first { $0 != secondID }

            let revoked = try await BadInput.send(client, .delete, "/v1/auth/tokens/\(secondID)", token: first)
            #expect(revoked.status == .noContent)
            for (method, path) in [(HTTPRequest.Method.get, "/v1/series"), (.get, "/v1/auth/tokens"), (.delete, "/v1/auth/tokens/\(secondID)")] {
                let reply = try await BadInput.send(client, method, path, token: second)
                BadInput.expectProblem(reply, .unauthorized, "unauthenticated")
                #expect(reply.headers[.wwwAuthenticate] == "Bearer")
            }
            let push = try await BadInput.push(client, token: second, clientID: Self.client, [])
            BadInput.expectProblem(push, .unauthorized, "unauthenticated")
            // Revoking twice is still a success for the owner, never an error of the server.
            let twice = try await BadInput.send(client, .delete, "/v1/auth/tokens/\(secondID)", token: first)
            #expect(twice.status == .noContent || twice.status == .notFound)

            // Revoking the token in use ends it too.
            if let firstID {
                let own = try await BadInput.send(client, .delete, "/v1/auth/tokens/\(firstID)", token: first)
                #expect(own.status == .noContent)
                let after = try await BadInput.send(client, .get, "/v1/series", token: first)
                BadInput.expectProblem(after, .unauthorized, "unauthenticated")
            } else {
                Issue.record("the first token is not listed")
            }
            try await BadInput.expectHealthy(client)
        }
    }

    @Test(arguments: AccountCase.all)
    func accountEndpointsRejectBadInput(_ bad: AccountCase) async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.router) { client in
            let tokensBefore = try fixture.server.store.tokens(of: nil).count
            let peopleBefore = try fixture.server.store.clock().version
            let body = bad.body.map { Array(fixture.ids.resolve($0).jsonString.utf8) }
            let reply = try await BadInput.send(client, bad.method, bad.path, token: bad.actor.map(fixture.token), bytes: body)
            BadInput.expectProblem(reply, HTTPResponse.Status(code: bad.status), bad.code)
            if let field = bad.field {
                let fields = reply.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
                #expect(fields.contains(field), "expected an error on \(field), got \(fields): \(reply.text.prefix(300))")
            }
            #expect(try fixture.server.store.tokens(of: nil).count == tokensBefore, "a rejected request made a token")
            #expect(try fixture.server.store.clock().version == peopleBefore, "a rejected request changed state")
            try await BadInput.expectHealthy(client)
        }
    }

    @Test func anInvitationCodeWorksOnce() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.router) { client in
            let invite = try await BadInput.send(
                client, .post, "/v1/auth/invites", token: fixture.token(.organizer), json: ["seriesID": .string(fixture.ids.series), "role": "member"])
            #expect(invite.status == .created)
            guard let code = invite.json["code"]?.stringValue else {
                Issue.record("no code: \(invite.text)")
                return
            }
            let redeemed = try await BadInput.send(client, .post, "/v1/auth/redeem", json: ["code": .string(code), "name": "Nina New", "device": "laptop"])
            #expect(redeemed.status == .created)
            let token = redeemed.json["token"]?.stringValue ?? ""
            let series = try await BadInput.send(client, .get, "/v1/series", token: token)
            #expect(series.status == .ok)
            #expect(series.json["series"]?.arrayValue?.count == 1)

            let tokens = try fixture.server.store.tokens(of: nil).count
            let again = try await BadInput.send(client, .post, "/v1/auth/redeem", json: ["code": .string(code), "name": "Nina Again"])
            BadInput.expectProblem(again, .notFound, "not_found")
            #expect(try fixture.server.store.tokens(of: nil).count == tokens, "a used code made another person")
            // A code is not a token, and a token is not a code.
            let asToken = try await BadInput.send(client, .get, "/v1/series", token: code)
            BadInput.expectProblem(asToken, .unauthorized, "unauthenticated")
            let tokenAsCode = try await BadInput.send(client, .post, "/v1/auth/redeem", json: ["code": .string(token), "name": "Eve"])
            BadInput.expectProblem(tokenAsCode, .notFound, "not_found")
            try await BadInput.expectHealthy(client)
        }
    }

    @Test func revokingAnotherPersonsTokenIsNotFound() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let organizerTokens = try fixture.server.store.tokens(of: fixture.server.organizer)
        try await fixture.server.application.test(.router) { client in
            for token in organizerTokens {
                for actor in [BadInputActor.member, .outsider, .admin] {
                    let reply = try await BadInput.send(client, .delete, "/v1/auth/tokens/\(token.id.rawValue)", token: fixture.token(actor))
                    BadInput.expectProblem(reply, .notFound, "not_found")
                }
            }
            let still = try await BadInput.send(client, .get, "/v1/series", token: fixture.token(.organizer))
            #expect(still.status == .ok, "another person revoked the organizer's token")
            try await BadInput.expectHealthy(client)
        }
    }

    /// Account limits count characters; a name or device the validator accepts must never fail in the database (a 500).
    @Test func accountLimitsCountCharactersLikeTheDatabase() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let decomposed: @Sendable (Int) -> JSONValue = { count in BadInput.long(count, "e\u{301}") }
        try await fixture.server.application.test(.router) { client in
            let device = try await BadInput.send(client, .post, "/v1/auth/tokens", token: fixture.token(.member), json: ["device": decomposed(100)])
            #expect(device.status == .created || device.status == .unprocessableContent, "device of 100 characters: \(device.status.code) \(device.text.prefix(300))")
            if device.status != .created { BadInput.expectProblem(device, .unprocessableContent, "validation_failed") }
            try await BadInput.expectHealthy(client)

            for (name, deviceName) in [(decomposed(300), JSONValue.string("laptop")), ("Nina New", decomposed(100))] {
                let invite = try await BadInput.send(
                    client, .post, "/v1/auth/invites", token: fixture.token(.organizer), json: ["seriesID": .string(fixture.ids.series)])
                let code = invite.json["code"] ?? .null
                let redeemed = try await BadInput.send(client, .post, "/v1/auth/redeem", json: ["code": code, "name": name, "device": deviceName])
                #expect(
                    redeemed.status == .created || redeemed.status == .unprocessableContent,
                    "redeem with 300/100 characters: \(redeemed.status.code) \(redeemed.text.prefix(300))")
                if redeemed.status != .created { BadInput.expectProblem(redeemed, .unprocessableContent, "validation_failed") }
                try await BadInput.expectHealthy(client)
            }
        }
    }
}
