import DocketCore
import DocketStore
import DocketWeb
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What subscribers of a public series poll: its calendar (RFC 5545) and its Atom feed (RFC 4287).
///
/// No token is needed; a members-only or unknown series, or an unknown episode number, is a 404
/// problem. Each answer carries an `ETag`, so a polling calendar app that sends it back gets a 304.
struct FeedRoutes {
    let store: Store
    let settings: ServerSettings

    private static let calendarType = "text/calendar; charset=utf-8"
    private static let feedType = "application/atom+xml; charset=utf-8"

    func register(on router: Router<AppContext>) {
        router.get("/series/{slug}/calendar.ics") { request, context in
            let page = try publicSeries(context)
            return Self.answer(ICalendar.calendar(of: page, baseURL: origin(request)), type: Self.calendarType, request)
        }
        router.get("/series/{slug}/episodes/{number}/calendar.ics") { request, context in
            let page = try publicSeries(context)
            guard let text = context.parameters.get("number"), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let number = Int(text), number > 0,
                let episode = page.episode(number: number)
            else { throw Problem(.notFound, "the series has no episode with that number") }
            let body = ICalendar.calendar(of: page, episode: episode, baseURL: origin(request))
            return Self.answer(body, type: Self.calendarType, request)
        }
        router.get("/series/{slug}/feed.atom") { request, context in
            let page = try publicSeries(context)
            return Self.answer(AtomFeed.feed(of: page, baseURL: origin(request)), type: Self.feedType, request)
        }
    }

    private func publicSeries(_ context: AppContext) throws -> PublicSeries {
        guard let slug = context.parameters.get("slug"), Series.isValidSlug(slug), let page = try store.publicSeries(slug: slug) else {
            throw Problem(.notFound, "no public series with that slug")
        }
        return page
    }

    /// The origin the links start with: the Host the subscriber used (https when a proxy says so), else the
    /// address the server listens on. A Host that is not a plain host name or address is not echoed.
    func origin(_ request: Request) -> String {
        let scheme = request.headers[.forwardedProto]?.lowercased() == "https" ? "https" : "http"
        if let host = request.head.authority ?? request.headers[.hostHeader], Self.isPlainHost(host) {
            return "\(scheme)://\(host)"
        }
        return "\(scheme)://\(settings.host):\(settings.port)"
    }

    static func isPlainHost(_ host: String) -> Bool {
        (1...255).contains(host.utf8.count)
            && host.utf8.allSatisfy { byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == 0x2E || byte == 0x2D || byte == 0x3A || byte == 0x5B || byte == 0x5D || byte == 0x5F
            }
    }

    /// `body` with its type and a strong `ETag`, or a bodiless 304 when the request's `If-None-Match` names that tag.
    private static func answer(_ body: String, type: String, _ request: Request) -> Response {
        let tag = "\"\(fingerprint(body))\""
        if let match = request.headers[.ifNoneMatch] {
            let tags = match.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if tags.contains("*") || tags.contains(tag) || tags.contains("W/" + tag) {
                return Response(status: .notModified, headers: [.eTag: tag])
            }
        }
        return Response(
            status: .ok, headers: [.contentType: type, .eTag: tag], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// FNV-1a (64 bits) of the UTF-8 text, in hex: the same text always gives the same tag.
    private static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension HTTPField.Name {
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    /// An HTTP/1 `Host` that no conversion has turned into the request's authority.
    static let hostHeader = HTTPField.Name("Host")!
}
