import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The server on a real socket (127.0.0.1, a free port chosen by the system).
@Suite struct LiveServerTests {
    static let requestID = HTTPField.Name("X-Request-ID")!
    static let memberClient = "0193f1c2-0000-7000-8000-0000000c1b01"
    static let organizerClient = "0193f1c2-0000-7000-8000-0000000c1b02"

    @Test func pushThenPullEndToEnd() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        let ids = fixture.ids
        let suggestion = MutationTable.newSuggestion
        let create = BadInput.edited(fixture.ids.resolve(MutationTable.validArgs("suggestion.create")), path: ["title"], to: "Read over the wire")
        try await fixture.server.application.test(.live) { client in
            #expect((client.port ?? 0) > 0, "the live server has no port")
            let member = fixture.token(.member)
            let pushed = try await BadInput.push(
                client, token: member, clientID: Self.memberClient,
                [
                    BadInput.mutation(1, "suggestion.create", create),
                    BadInput.mutation(2, "ballot.set", ["seriesID": .string(ids.series), "ranking": [[.string(suggestion)], [.string(ids.suggestion)]]]),
                    BadInput.mutation(3, "suggestion.decline", ["id": .string(suggestion)]),
                ])
            #expect(pushed.status == .ok, "\(pushed.text.prefix(400))")
            #expect(pushed.headers[.contentType] == "application/json")
            #expect(pushed.json["lastMutationID"] == 3)
            #expect(pushed.json["results"]?.arrayValue?.map { $0["status"]?.stringValue ?? "?" } == ["applied", "applied", "rejected"])
            guard case .int(let version)? = pushed.json["version"] else {
                Issue.record("no version in \(pushed.text)")
                return
            }

            // The member's own client: lastMutationID and the new state.
            let pulled = try await BadInput.pull(client, token: member, clientID: Self.memberClient)
            #expect(pulled.status == .ok)
            #expect(pulled.json["lastMutationID"] == 3)
            #expect(pulled.json["reset"] == false)
            // The standing is derived and written by the housekeeping service on its own time; leave it out.
            let changes = (pulled.json["changes"]?.arrayValue ?? []).filter { $0["type"] != "standing" }
            let versions = changes.compactMap { change -> Int64? in if case .int(let v)? = change["version"] { return v } else { return nil } }
            #expect(versions == versions.sorted(), "changes are not ordered by version")
            #expect(versions.allSatisfy { $0 <= version })
            let mine = changes.first { $0["type"] == "suggestion" && $0["id"] == .string(suggestion) }
            #expect(mine?["value"]?["title"] == "Read over the wire")
            #expect(mine?["value"]?["status"] == "open", "the rejected decline was applied")
            let ballot = changes.first { $0["type"] == "ballot" }
            #expect(ballot?["value"]?["ranking"] == [[.string(suggestion)], [.string(ids.suggestion)]])
            #expect(ballot?["value"]?["voterID"] == .string(ids.member))

            // Pulling again from the returned cursor: nothing new.
            let cursor = pulled.json["cursor"] ?? .null
            let next = try await BadInput.send(
                client, .post, "/v1/sync/pull", token: member,
                json: ["protocol": 1, "clientID": .string(Self.memberClient), "cursor": cursor])
            #expect(next.status == .ok)
            #expect((next.json["changes"]?.arrayValue ?? []).allSatisfy { $0["type"] == "standing" })
            #expect(next.json["hasMore"] == false)

            // Another person sees the suggestion but never the member's ballot.
            let organizer = try await BadInput.pull(client, token: fixture.token(.organizer), clientID: Self.organizerClient)
            #expect(organizer.status == .ok)
            #expect(organizer.json["lastMutationID"] == 0)
            let theirs = organizer.json["changes"]?.arrayValue ?? []
            #expect(theirs.contains { $0["type"] == "suggestion" && $0["id"] == .string(suggestion) })
            #expect(!theirs.contains { $0["type"] == "ballot" }, "a ballot leaked to another person")
        }
    }

    @Test func requestIDsAreEchoed() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.live) { client in
            let health = try await BadInput.send(client, .get, "/healthz", headers: [Self.requestID: "abc"])
            #expect(health.status == .ok)
            #expect(health.headers[Self.requestID] == "abc")

            // Also on problems: an unknown route, a missing token, a malformed body.
            let notFound = try await BadInput.send(client, .get, "/v1/nowhere", token: fixture.token(.member), headers: [Self.requestID: "abc-404"])
            BadInput.expectProblem(notFound, .notFound, "not_found")
            #expect(notFound.headers[Self.requestID] == "abc-404")
            let unauthenticated = try await BadInput.send(client, .get, "/v1/series", headers: [Self.requestID: "abc-401"])
            BadInput.expectProblem(unauthenticated, .unauthorized, "unauthenticated")
            #expect(unauthenticated.headers[Self.requestID] == "abc-401")
            let malformed = try await BadInput.send(
                client, .post, "/v1/sync/push", token: fixture.token(.member), text: "{\"protocol\": 1,", headers: [Self.requestID: "abc-400"])
            BadInput.expectProblem(malformed, .badRequest, "bad_request")
            #expect(malformed.headers[Self.requestID] == "abc-400")

            // Without one, the server makes one per request.
            let first = try await BadInput.send(client, .get, "/healthz")
            let second = try await BadInput.send(client, .get, "/healthz")
            let firstID = first.headers[Self.requestID] ?? ""
            #expect(!firstID.isEmpty)
            #expect(firstID != second.headers[Self.requestID])
        }
    }

    @Test func oversizedAndMalformedRequestsOverASocketLeaveTheServerServing() async throws {
        let fixture = try BadInputFixture()
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.live) { client in
            let token = fixture.token(.member)
            let big = Array("{\"protocol\":1,\"pad\":\"".utf8) + Array(repeating: UInt8(ascii: "x"), count: 2 << 20) + Array("\"}".utf8)
            let tooLarge = try await BadInput.send(client, .post, "/v1/sync/push", token: token, bytes: big)
            BadInput.expectProblem(tooLarge, .contentTooLarge, "payload_too_large")
            try await BadInput.expectHealthy(client)

            let nested = try await BadInput.send(client, .post, "/v1/sync/push", token: token, bytes: Array(repeating: UInt8(ascii: "["), count: 1 << 20))
            BadInput.expectProblem(nested, .badRequest, "bad_request")
            try await BadInput.expectHealthy(client)

            let invalid = try await BadInput.send(client, .post, "/v1/sync/pull", token: token, bytes: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])
            BadInput.expectProblem(invalid, .badRequest, "bad_request")
            try await BadInput.expectHealthy(client)

            let pulled = try await BadInput.pull(client, token: token, clientID: Self.memberClient)
            #expect(pulled.status == .ok, "the server stopped serving sync after bad requests")
        }
    }
}
