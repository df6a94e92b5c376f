import DocketAPI
import DocketCore
import DocketStore
public import HTTPTypes
import Hummingbird
import NIOCore

/// Every route the server answers, for 405 answers and for checking the OpenAPI document.
public enum Routes {
    /// Method and path pattern of each route (`{name}` marks a parameter).
    public static let all: [(method: HTTPRequest.Method, path: String)] = [
        (.get, "/healthz"),
        (.post, "/v1/sync/push"),
        (.post, "/v1/sync/pull"),
        (.get, "/v1/sync/events"),
        (.post, "/v1/mutations"),
        (.post, "/v1/auth/invites"),
        (.post, "/v1/auth/redeem"),
        (.post, "/v1/auth/tokens"),
        (.get, "/v1/auth/tokens"),
        (.delete, "/v1/auth/tokens/{id}"),
        (.get, "/v1/series"),
        (.get, "/v1/series/{idOrSlug}"),
        (.get, "/v1/series/{idOrSlug}/suggestions"),
        (.get, "/v1/series/{idOrSlug}/episodes"),
        (.get, "/v1/rounds/{id}/ballots"),
        (.get, "/metrics"),
        // The public site (HTML, calendar, feed, bibliography) for public series; no token needed.
        (.get, "/"),
        (.get, "/series/{slug}"),
        (.get, "/series/{slug}/episodes/{number}"),
        (.get, "/series/{slug}/calendar.ics"),
        (.get, "/series/{slug}/episodes/{number}/calendar.ics"),
        (.get, "/series/{slug}/feed.atom"),
        (.get, "/series/{slug}/bibliography.bib"),
        (.get, "/series/{slug}/episodes/{number}/bibliography.bib"),
    ]

    /// The methods allowed on `path`, or nil when no route has that path.
    static func allowedMethods(for path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let methods = all.filter { route in
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == segments.count
                && zip(pattern, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }.map(\.method)
        return methods.isEmpty ? nil : methods
    }
}

/// Reads a request body of at most `limit` bytes as JSON; malformed JSON is a `bad_request`.
func readJSON(_ request: Request, limit: Int) async throws -> JSONValue {
    var request = request
    let buffer: ByteBuffer
    do {
        buffer = try await request.collectBody(upTo: limit)
    } catch is NIOTooManyBytesError {
        throw Problem(.payloadTooLarge, "the request body is larger than \(limit / 1024) KiB")
    }
    guard buffer.readableBytes > 0 else { throw Problem(.badRequest, "the request needs a JSON body") }
    do {
        return try JSONParser.parse(buffer.readableBytesView)
    } catch {
        throw Problem(.badRequest, "the body is not valid JSON: \(error)")
    }
}
