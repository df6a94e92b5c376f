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
            return PublicAnswers.validated(
                ICalendar.calendar(of: page, baseURL: origin(request)), headers: [.contentType: Self.calendarType], request: request)
        }
        router.get("/series/{slug}/episodes/{number}/calendar.ics") { request, context in
            let page = try publicSeries(context)
            guard let text = context.parameters.get("number"), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let number = Int(text), number > 0,
                let episode = page.episode(number: number)
            else { throw Problem(.notFound, "the series has no episode with that number") }
            let body = ICalendar.calendar(of: page, episode: episode, baseURL: origin(request))
            return PublicAnswers.validated(body, headers: [.contentType: Self.calendarType], request: request)
        }
        router.get("/series/{slug}/feed.atom") { request, context in
            let page = try publicSeries(context)
            return PublicAnswers.validated(
                AtomFeed.feed(of: page, baseURL: origin(request)), headers: [.contentType: Self.feedType], request: request)
        }
    }

    private func publicSeries(_ context: AppContext) throws -> PublicSeries {
        guard let slug = context.parameters.get("slug"), Series.isValidSlug(slug), let page = try store.publicSeries(slug: slug) else {
            throw Problem(.notFound, "no public series with that slug")
        }
        return page
    }

    /// The origin the links start with: the Host the subscriber used (https when a proxy says so), else the
    /// address the server listens on.
    func origin(_ request: Request) -> String {
        let site = PublicAnswers.site(request)
        return "\(site.scheme)://\(site.host ?? "\(settings.host):\(settings.port)")"
    }
}
