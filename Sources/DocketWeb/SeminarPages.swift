public import DocketCore
import Mustache

/// Where a page is being served from, for the few links that must be absolute (`webcal://`, `curl`).
public struct SiteAddress: Sendable {
    /// "docket.example.org" or "127.0.0.1:8080"; nil when the request named none or an odd one.
    public let host: String?
    /// "https" or "http".
    public let scheme: String

    /// Keeps `host` only when it is a plain host name or address with an optional port.
    public init(host: String?, scheme: String) {
        let plain = host.map { name in
            (1...255).contains(name.utf8.count)
                && name.utf8.allSatisfy { byte in
                    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                        || ".-:[]".utf8.contains(byte)
                }
        } ?? false
        self.host = plain ? host : nil
        self.scheme = scheme == "https" ? "https" : "http"
    }

    /// The scheme and host, e.g. "https://docket.example.org", or "" when the host is unknown.
    var origin: String { host.map { "\(scheme)://\($0)" } ?? "" }
}

/// The public HTML pages: the site's index, a series' seminar page, an episode's page and the 404 page.
///
/// Rendered with the templates of `Sources/DocketWeb/Templates`, which the binary carries as
/// `EmbeddedTemplates` (scripts/embed-schema writes them). Every value is HTML-escaped by the
/// templates; the only unescaped inserts are Markdown rendered by `Markdown.html`.
public struct SeminarPages: Sendable {
    private let library: MustacheLibrary

    /// Parses the embedded templates.
    ///
    /// Traps when one does not parse: they are part of the binary, and SeminarPagesTests parses them all.
    public init() {
        var library = MustacheLibrary()
        for (name, text) in EmbeddedTemplates.templates {
            do {
                try library.register(text, named: name)
            } catch {
                preconditionFailure("embedded template \(name) does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// The seminar page of a public series, as at `now` (which splits future from past topics).
    public func series(_ data: PublicSeries, now: Timestamp, site: SiteAddress) -> String {
        render(SeriesPageView(data, now: now, site: site), "series")
    }

    /// The page of the episode numbered `number`, or nil when the series has none.
    public func episode(_ data: PublicSeries, number: Int, now: Timestamp, site: SiteAddress) -> String? {
        guard let episode = data.episode(number: number) else { return nil }
        return render(EpisodePageView(data, episode: episode, now: now, site: site), "episode-page")
    }

    /// The site's front page: the public series, as `Store.publicSeriesList()` gives them.
    public func index(_ series: [Series]) -> String {
        render(IndexPageView(series), "index")
    }

    /// A 404 page saying `message`.
    public func notFound(_ message: String) -> String {
        render(NotFoundView(message: message), "not-found")
    }

    /// The cadence in words, e.g. "every second Tuesday at 15:00 (Europe/Berlin)" (see `SlotCalendar.describe`).
    ///
    /// A rule Docket cannot follow is quoted as stored, e.g. "FREQ=YEARLY at 15:00 (Europe/Berlin)".
    public static func cadenceSentence(_ series: Series) -> String {
        if let calendar = try? SlotCalendar(cadence: series.cadence, timeZone: series.timeZone) {
            return calendar.describe()
        }
        return "\(series.cadence.rrule) at \(series.cadence.startTime.text) (\(series.timeZone))"
    }

    private func render(_ view: Any, _ template: String) -> String {
        guard let html = library.render(view, withTemplate: template) else {
            preconditionFailure("no embedded template named \(template)")
        }
        return html
    }
}
