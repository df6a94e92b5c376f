import DocketAPI
import DocketClient
import DocketCore
import Testing

/// The client's reading of the wire: answers, server URLs, event streams.
@Suite struct WireTests {
    @Test func pushAnswersTurnDuplicatesIntoTheirOriginalOutcome() throws {
        let body = try JSONParser.parse(
            """
            {"lastMutationID": 4, "version": 9, "results": [
              {"id": 1, "status": "applied"},
              {"id": 2, "status": "rejected", "problem": {"code": "conflict"}},
              {"id": 3, "status": "duplicate", "original": {"status": "rejected", "problem": {"code": "forbidden"}}},
              {"id": 4, "status": "duplicate", "original": null}], "extra": true}
            """)
        let reply = try PushReply.parse(body)
        #expect(reply.lastMutationID == 4)
        #expect(reply.results.map(\.outcome) == [.applied, .rejected(problem: ["code": "conflict"]), .rejected(problem: ["code": "forbidden"]), .processed])
        #expect(throws: Problem.self) { try PushReply.parse(["lastMutationID": 1, "results": [["id": 1, "status": "maybe"]]]) }
    }

    @Test func pullAnswersKeepDeletionsAndIgnoreUnknownFields() throws {
        let body = try JSONParser.parse(
            """
            {"cursor": "c", "hasMore": true, "reset": true, "lastMutationID": 2, "remaining": 10, "new": 1,
             "changes": [{"type": "paper", "id": "p", "version": 3, "deleted": false, "value": {"id": "p"}},
                         {"type": "paper", "id": "q", "version": 4, "deleted": true}]}
            """)
        let page = try PulledPage.parse(body)
        #expect(page.summary == PageSummary(cursor: "c", hasMore: true, reset: true, lastMutationID: 2, remaining: 10, changeCount: 2))
        #expect(page.changes.map(\.deleted) == [false, true])
        #expect(page.changes[1].value == nil)
        #expect(throws: Problem.self) { try PulledPage.parse(["cursor": "c", "hasMore": false]) }
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080", "127.0.0.1", 8080, ""), ("http://example.org/docket/", "example.org", 80, "/docket"),
        ("http://[::1]:9", "::1", 9, ""),
    ])
    func serverURLs(_ text: String, _ host: String, _ port: Int, _ base: String) throws {
        let url = try #require(ServerURL(text))
        #expect(url.host == host && url.port == port && url.basePath == base)
    }

    @Test(arguments: ["https://example.org", "ftp://x", "http://", "http://host:0", "http://host:99999", "http://a b", "example.org"])
    func notServerURLs(_ text: String) {
        #expect(ServerURL(text) == nil)
    }
}
