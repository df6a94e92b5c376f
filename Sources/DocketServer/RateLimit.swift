import DocketCore
import DocketStore
import HTTPTypes
import Hummingbird
import Synchronization

/// Requests each token may make: a bucket of `burst` refilled at `perSecond` (PROTOCOL: 429 with `Retry-After`).
public struct RateLimit: Sendable {
    public var perSecond: Double
    public var burst: Double

    public init(perSecond: Double, burst: Double) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// Generous for people and their sync clients; it stops runaway loops, not use.
    public static let standard = RateLimit(perSecond: 200, burst: 400)
}

/// Token buckets by key (a token's id), in memory.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    public let limit: RateLimit
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(_ limit: RateLimit) {
        self.limit = limit
    }

    /// Takes one request from `key`'s bucket: nil when allowed, else the seconds until one is.
    public func take(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            if buckets.count > 50_000 { Self.dropFull(&buckets, now: now, limit: limit) }
            var bucket = buckets[key] ?? Bucket(tokens: limit.burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(limit.burst, bucket.tokens + seconds * limit.perSecond)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / limit.perSecond).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }

    /// Forgets buckets that have refilled completely: they hold nothing a fresh bucket would not.
    private static func dropFull(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant, limit: RateLimit) {
        let refill = Duration.seconds(limit.burst / limit.perSecond)
        buckets = buckets.filter { now - $0.value.updated < refill }
    }
}

/// Answers 429 `rate_limited` with `Retry-After` once a token has spent its bucket.
///
/// Keyed by the authenticated token; requests without one are not limited here.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        if let token = context.principal?.tokenID, let wait = limiter.take(token.rawValue) {
            throw Problem(
                .rateLimited, "too many requests with this token; try again in \(wait) s", extensions: ["retryAfter": .int(Int64(wait))])
        }
        return try await next(request, context)
    }
}
