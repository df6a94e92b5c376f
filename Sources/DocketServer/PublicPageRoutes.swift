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

    func register(on router: Router<AppContext>) {
        router.get("/") { request, _ in
            page(pages.index(try store.publicSeriesList()), lastModified: nil, request: request)
        }
        router.get("/series/{slug}") { request, context in
            guard let data = try series(context) else { return notFound(request) }
            let html = pages.series(data, now: store.environment.now(), site: PublicAnswers.site(request))
            return page(html, lastModified: data.updatedAt, request: request)
        }
        router.get("/series/{slug}/episodes/{number}") { request, context in
            guard let data = try series(context), let text = context.parameters.get("number"),
                text.utf8.count <= 9, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let number = Int(text),
                let html = pages.episode(data, number: number, now: store.environment.now(), site: PublicAnswers.site(request))
            else { return notFound(request) }
            return page(html, lastModified: data.updatedAt, request: request)
        }
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

