import DocketCore
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct MetricsTests {
    /// The exposition's samples: `name{labels}` → value.
    private func scrape(_ client: some TestClientProtocol) async throws -> [String: Double] {
        try await client.execute(uri: "/metrics", method: .get) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            var samples: [String: Double] = [:]
            for line in String(buffer: response.body).split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                    Issue.record("not a sample line: \(line)")
                    continue
                }
                samples[String(line[..<space])] = value
            }
            return samples
        }
    }

    @Test func countsRequestsByRouteAndStatusWithLatencyHistograms() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            for _ in 0..<3 { _ = try await client.send(.get, "/healthz") }
            _ = try await client.send(.get, "/no/such/path")
            _ = try await client.send(.get, "/v1/series")
            let samples = try await scrape(client)
            #expect(samples[#"docket_http_requests_total{method="GET",route="/healthz",status="200"}"#] == 3)
            #expect(samples[#"docket_http_requests_total{method="GET",route="NotFound",status="404"}"#] == 1)
            #expect(samples[#"docket_http_requests_total{method="GET",route="/v1/series",status="401"}"#] == 1)
            #expect(samples[#"docket_http_request_duration_seconds_count{method="GET",route="/healthz"}"#] == 3)
            #expect(samples[#"docket_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"}"#] == 3)
            // No raw path reaches a label: Hummingbird names an unmatched request "NotFound".
            #expect(!samples.keys.contains { $0.contains("/no/such") })
            #expect(samples["docket_event_streams"] == 0)
            #expect((samples["docket_database_bytes"] ?? 0) > 4096)
        }
    }

    @Test func countsMutationsByNameAndOutcome() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let suggestion = UUID().uuidString.lowercased()
        let create = """
            {"id":"\(suggestion)","seriesID":"\(server.seriesID)","title":"Attention","paper":{"title":"Attention","arxivID":"1706.03762"}}
            """
        try await server.application.test(.router) { client in
            let push = """
                {"protocol":1,"clientID":"0193f1c2-0000-7000-8000-0000000000aa","mutations":[
                  {"id":1,"name":"suggestion.create","args":\(create)},
                  {"id":2,"name":"suggestion.create","args":{"id":"not-a-uuid"}},
                  {"id":3,"name":"no.such.mutation","args":{}}]}
                """
            let (status, _, _) = try await client.send(.post, "/v1/sync/push", token: server.memberToken, json: push)
            #expect(status == .ok)
            let resent = """
                {"protocol":1,"clientID":"0193f1c2-0000-7000-8000-0000000000aa","mutations":[{"id":1,"name":"suggestion.create","args":\(create)}]}
                """
            _ = try await client.send(.post, "/v1/sync/push", token: server.memberToken, json: resent)
            let (rest, _, _) = try await client.send(
                .post, "/v1/mutations", token: server.memberToken, json: #"{"name":"series.update","args":{}}"#)
            #expect(rest == .badRequest || rest == .unprocessableContent || rest == .forbidden)
            let samples = try await scrape(client)
            #expect(samples[#"docket_mutations_total{name="suggestion.create",outcome="applied"}"#] == 1)
            #expect(samples[#"docket_mutations_total{name="suggestion.create",outcome="rejected"}"#] == 1)
            #expect(samples[#"docket_mutations_total{name="suggestion.create",outcome="duplicate"}"#] == 1)
            #expect(samples[#"docket_mutations_total{name="unknown",outcome="rejected"}"#] == 1)
            #expect(samples[#"docket_mutations_total{name="series.update",outcome="rejected"}"#] == 1)
            #expect(!samples.keys.contains { $0.contains("no.such.mutation") })
        }
    }
}
