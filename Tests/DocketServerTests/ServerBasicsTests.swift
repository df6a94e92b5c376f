import DocketCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ServerBasicsTests {
    @Test func healthAnswersWithoutAToken() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let (status, body, headers) = try await client.send(.get, "/healthz")
            #expect(status == .ok)
            #expect(body["status"] == "ok")
            #expect(headers[HTTPField.Name("X-Request-ID")!] != nil)
        }
    }

    @Test func missingAndBadTokensAreUnauthenticated() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            for token in [nil, "dkt_nope", "dkt_" + String(repeating: "A", count: 43), "garbage"] {
                let (status, body, headers) = try await client.send(.get, "/v1/series", token: token)
                #expect(status == .unauthorized)
                #expect(body["code"] == "unauthenticated")
                #expect(headers[.wwwAuthenticate] == "Bearer")
                #expect(headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test func unknownRoutesAndWrongMethodsAreProblems() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let (notFound, body, _) = try await client.send(.get, "/v1/nothing-here", token: server.memberToken)
            #expect(notFound == .notFound)
            #expect(body["code"] == "not_found")
            let (wrongMethod, problem, headers) = try await client.send(.get, "/v1/sync/push", token: server.memberToken)
            #expect(wrongMethod == .methodNotAllowed)
            #expect(problem["code"] == "method_not_allowed")
            #expect(headers[.allow] == "POST")
        }
    }

    @Test func readsShowMembersOnlySeriesToMembersOnly() async throws {
        let server = try TestServer(visibility: "members")
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let (_, mine, _) = try await client.send(.get, "/v1/series", token: server.memberToken)
            #expect(mine["series"]?.arrayValue?.count == 1)
            let (_, theirs, _) = try await client.send(.get, "/v1/series", token: server.outsiderToken)
            #expect(theirs["series"]?.arrayValue?.count == 0)
            let (status, _, _) = try await client.send(.get, "/v1/series/reading-group", token: server.outsiderToken)
            #expect(status == .notFound)
            let (bySlug, series, _) = try await client.send(.get, "/v1/series/reading-group", token: server.memberToken)
            #expect(bySlug == .ok)
            #expect(series["slug"] == "reading-group")
        }
    }

    @Test func aPullNamesThePersonTheTokenActsFor() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let body = #"{"protocol":1,"clientID":"0193f1c2-0000-7000-8000-0000000000aa","cursor":null}"#
            let (status, page, _) = try await client.send(.post, "/v1/sync/pull", token: server.memberToken, json: body)
            #expect(status == .ok)
            #expect(page["personID"] == .string(server.member.rawValue))
        }
    }
}
