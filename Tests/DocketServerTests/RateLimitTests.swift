import DocketCore
import DocketServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// PROTOCOL section 1: a token that spends its requests gets 429 `rate_limited` with `Retry-After`.
@Suite struct RateLimitTests {
    @Test func aTokenOverItsLimitWaitsAndOthersDoNot() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let settings = ServerSettings(host: "127.0.0.1", port: 0, rateLimit: RateLimit(perSecond: 0.001, burst: 3))
        try await server.application(settings).test(.router) { client in
            for _ in 0..<3 {
                let (status, _, _) = try await client.send(.get, "/v1/series", token: server.memberToken)
                #expect(status == .ok)
            }
            let (status, body, headers) = try await client.send(.get, "/v1/series", token: server.memberToken)
            #expect(status == .tooManyRequests)
            #expect(body["code"] == "rate_limited")
            #expect(headers[.contentType] == "application/problem+json")
            // One request comes back every 1,000 s: the wait (less what the requests took), in the header and the body.
            let wait = try #require(headers[.retryAfter].flatMap { Int64($0) })
            #expect((900...1000).contains(wait))
            #expect(body["retryAfter"] == .int(wait))
            // Another token has its own bucket; requests without a token are not limited by it.
            let (other, _, _) = try await client.send(.get, "/v1/series", token: server.organizerToken)
            #expect(other == .ok)
            let (health, _, _) = try await client.send(.get, "/healthz")
            #expect(health == .ok)
        }
    }

    @Test func theBucketRefillsAtItsRate() {
        let limiter = RateLimiter(RateLimit(perSecond: 4, burst: 2))
        let start = ContinuousClock.now
        #expect(limiter.take("a", now: start) == nil)
        #expect(limiter.take("a", now: start) == nil)
        #expect(limiter.take("a", now: start) == 1, "empty: a whole second at the least")
        #expect(limiter.take("b", now: start) == nil, "keys are apart")
        #expect(limiter.take("a", now: start + .milliseconds(250)) == nil, "a quarter second brings one back")
        #expect(limiter.take("a", now: start + .milliseconds(260)) == 1)
        // A long pause refills to the burst, never beyond.
        let later = start + .seconds(60)
        #expect(limiter.take("a", now: later) == nil)
        #expect(limiter.take("a", now: later) == nil)
        #expect(limiter.take("a", now: later) != nil)
    }
}
