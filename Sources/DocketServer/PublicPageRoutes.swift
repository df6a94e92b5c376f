import DocketCore
import DocketStore
import DocketWeb
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The public HTML pages: the list of public series, a series' seminar page and its episodes' pages.
///
/// No token needed. A members-only or unknown series is the same 404 page, so the answer does
/// not tell whether a private series exists. Responses carry a strong `ETag` (a hash of the page:
/// the page also moves with the clock and the standing, which `PublicSeries.updatedAt` does not
/// see), `Last-Modified` from `updatedAt`, and a short `Cache-Control`; a matching
/// `If-None-Match` is a 304.
struct PublicPageRoutes {
    let store: Store
    let pages = SeminarPages()

    private static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    func register(on router: Router<AppContext>) {
        router.get("/") { request, _ in
            page(pages.index(try store.publicSeriesList()), lastModified: nil, request: request)
        }
        router.get("/series/{slug}") { request, context in
            guard let data = try series(context) else { return notFound(request) }
            let html = pages.series(data, now: store.environment.now(), site: site(request))
            return page(html, lastModified: data.updatedAt, request: request)
        }
        router.get("/series/{slug}/episodes/{number}") { request, context in
            guard let data = try series(context), let text = context.parameters.get("number"),
                text.utf8.count <= 9, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let number = Int(text),
                let html = pages.episode(data, number: number, now: store.environment.now(), site: site(request))
            else { return notFound(request) }
            return page(html, lastModified: data.updatedAt, request: request)
        }
    }

    private func series(_ context: AppContext) throws -> PublicSeries? {
        guard let slug = context.parameters.get("slug"), Series.isValidSlug(slug) else { return nil }
        return try store.publicSeries(slug: slug)
    }

    /// The request's host and scheme, for the page's `webcal://` and `curl` lines: the server itself speaks
    /// http, so https only when a proxy in front says so (as the calendar and feed links do).
    private func site(_ request: Request) -> SiteAddress {
        let https = request.headers[Self.forwardedProto]?.lowercased() == "https"
        return SiteAddress(host: request.head.authority, scheme: https ? "https" : "http")
    }

    private func notFound(_ request: Request) -> Response {
        let html = pages.notFound("There is no public series or episode at \(request.uri.path).")
        return Response(status: .notFound, headers: Self.headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// `html` with its validators, or a bodiless 304 when the request's `If-None-Match` names its tag.
    private func page(_ html: String, lastModified: Timestamp?, request: Request) -> Response {
        var headers = Self.headers
        let tag = "\"\(Self.fingerprint(html))\""
        headers[.eTag] = tag
        if let lastModified { headers[.lastModified] = httpDate(lastModified) }
        if let match = request.headers[.ifNoneMatch], Self.matches(match, tag) {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// Every page's headers. No script runs on the pages, and the only styles are their own inline ones.
    private static let headers: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "public, max-age=60",
        .contentSecurityPolicy:
            "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff",
    ]

    /// Whether an `If-None-Match` value names `tag` (weak comparison) or is `*`.
    static func matches(_ header: String, _ tag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || trimmed == tag || trimmed == "W/" + tag
        }
    }

    /// 64-bit FNV-1a of the page, in hex: a cache validator, not a secret.
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

