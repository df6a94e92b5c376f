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
    let cache = PageCache()

    func register(on router: Router<AppContext>) {
        router.get("/") { request, _ in
            try cached(request) { _, _ in PageCache.Page(html: pages.index(try store.publicSeriesList()), lastModified: nil) }
        }
        router.get("/series/{slug}") { request, context in
            try cached(request) { now, site in
                guard let data = try series(context) else { return nil }
                return PageCache.Page(html: pages.series(data, now: now, site: site), lastModified: data.updatedAt)
            }
        }
        router.get("/series/{slug}/episodes/{number}") { request, context in
            try cached(request) { now, site in
                guard let data = try series(context), let text = context.parameters.get("number"),
                    text.utf8.count <= 9, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let number = Int(text),
                    let html = pages.episode(data, number: number, now: now, site: site)
                else { return nil }
                return PageCache.Page(html: html, lastModified: data.updatedAt)
            }
        }
    }

    /// The page `render` makes (nil: none, a 404), from `PageCache` while nothing was committed this minute.
    private func cached(_ request: Request, _ render: (Timestamp, SiteAddress) throws -> PageCache.Page?) throws -> Response {
        let site = PublicAnswers.site(request)
        let now = store.environment.now()
        let stamp = "\(try store.commitStamp()) \(now.milliseconds / 60_000)"
        let key = "\(site.scheme) \(site.host ?? "") \(request.uri.path)"
        if let kept = cache.page(key, stamp: stamp) { return page(kept.html, lastModified: kept.lastModified, request: request) }
        guard let made = try render(now, site) else { return notFound(request) }
        cache.keep(made, key, stamp: stamp)
        return page(made.html, lastModified: made.lastModified, request: request)
    }

    private func series(_ context: AppContext) throws -> PublicSeries? {
        guard let slug = context.parameters.get("slug"), Series.isValidSlug(slug) else { return nil }
        return try store.publicSeries(slug: slug)
    }

    private func notFound(_ request: Request) -> Response {
        let html = pages.notFound("There is no public series or episode at \(request.uri.path).")
        return Response(status: .notFound, headers: Self.headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// `html` with its validators, or a bodiless 304 when the request's `If-None-Match` names its tag.
    private func page(_ html: String, lastModified: Timestamp?, request: Request) -> Response {
        var headers = Self.headers
        if let lastModified { headers[.lastModified] = httpDate(lastModified) }
        return PublicAnswers.validated(html, headers: headers, request: request)
    }

    /// Every page's headers. No script runs on the pages, and the only styles are their own inline ones.
    private static let headers: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "public, max-age=60",
        .contentSecurityPolicy:
            "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff",
    ]
}

