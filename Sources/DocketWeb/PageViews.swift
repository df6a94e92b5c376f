import DocketCore

/// The series' own links (calendar, feed, bibliography), shared by its pages' headers.
struct SeriesLinks {
    var seriesPath: String
    var calendarPath: String
    var webcalURL: String?
    var feedPath: String
    var bibliographyPath: String

    init(_ series: Series, site: SiteAddress) {
        let base = "/series/\(series.slug)"
        seriesPath = base
        calendarPath = "\(base)/calendar.ics"
        webcalURL = site.host.map { "webcal://\($0)\(base)/calendar.ics" }
        feedPath = "\(base)/feed.atom"
        bibliographyPath = "\(base)/bibliography.bib"
    }
}

/// A cadence date the series skips, from today on.
struct SkipView {
    var skipDate: String
    var reason: String?
    var separator: String?
}

/// The seminar page: header, future and past topics, suggestions, closed rounds.
struct SeriesPageView {
    var pageTitle: String
    var metaDescription: String
    var seriesTitle: String
    var cadence: String
    var seriesLocation: String?
    var descriptionHTML: String?
    var streamURL: String?
    var mailingListURL: String?
    var links: SeriesLinks
    var feedPath: String
    var upcoming: [EpisodeView]
    var past: [EpisodeView]
    var skips: [SkipView]
    /// With nothing scheduled: when the next free slot is, e.g. "Tuesday 1 December 2026 at 15:00".
    var nextSlot: String?
    var suggestions: [SuggestionView]
    var standing: StandingView?
    /// Why no standing shows, when there are suggestions but no public standing.
    var standingAbsent: String?
    var rounds: [RoundView]
    var hasSkips: Bool
    var hasSuggestions: Bool
    var hasRounds: Bool
    var updated: String
    var updatedISO: String

    init(_ data: PublicSeries, now: Timestamp, site: SiteAddress) {
        let series = data.series
        pageTitle = series.title
        cadence = SeminarPages.cadenceSentence(series)
        metaDescription = "\(series.title): a seminar that meets \(cadence)."
        seriesTitle = series.title
        seriesLocation = series.location
        descriptionHTML = series.description.map(Markdown.html)
        streamURL = HTMLSanitizer.linkable(series.streamURL)
        mailingListURL = HTMLSanitizer.linkable(series.mailingListURL)
        links = SeriesLinks(series, site: site)
        feedPath = links.feedPath
        let split = Self.split(data.episodes, now: now)
        upcoming = split.upcoming.map { EpisodeView($0, in: data, now: now, links: .anchors) }
        past = split.past.map { EpisodeView($0, in: data, now: now, links: .anchors) }
        let today = ZonedTime(now, timeZone: series.timeZone).date
        let upcomingSkips = series.skippedDates.filter { $0.date >= today }.sorted { $0.date < $1.date }
        skips = upcomingSkips.enumerated().map { index, skip in
            let separator = index == 0 ? nil : index == upcomingSkips.count - 1 ? " and " : ", "
            return SkipView(skipDate: ZonedTime.longDate(skip.date), reason: skip.reason, separator: separator)
        }
        if upcoming.isEmpty { nextSlot = Self.nextSlot(data, now: now) }
        (suggestions, standing) = VoteViews.suggestions(data)
        if standing == nil, !suggestions.isEmpty {
            standingAbsent = series.resultsVisibility == .live
                ? "Members rank these on their ballots; no standing has been counted yet."
                : "Members rank these on their ballots; the standing is for the organizers until a round closes."
        }
        rounds = VoteViews.rounds(data, site: site)
        hasSkips = !skips.isEmpty
        hasSuggestions = !suggestions.isEmpty
        hasRounds = !rounds.isEmpty
        let changed = ZonedTime(data.updatedAt, timeZone: series.timeZone)
        updated = "\(changed.longDate), \(changed.clock)"
        updatedISO = changed.iso
    }

    /// The first cadence slot after `now` that is neither skipped nor taken, in words.
    static func nextSlot(_ data: PublicSeries, now: Timestamp) -> String? {
        let series = data.series
        guard let calendar = try? SlotCalendar(cadence: series.cadence, timeZone: series.timeZone) else { return nil }
        let taken = data.episodes.filter { $0.status != .cancelled }.map(\.startsAt)
        let skipped = Set(series.skippedDates.map(\.date))
        guard let slot = calendar.nextFreeSlots(after: now, count: 1, skipped: skipped, occupied: taken).first else { return nil }
        let start = ZonedTime(slot.startsAt, timeZone: series.timeZone)
        return "\(start.longDate) at \(start.clock)"
    }

    /// Future topics (not held, starting after `now`; soonest first) and past ones (latest first).
    static func split(_ episodes: [Episode], now: Timestamp) -> (upcoming: [Episode], past: [Episode]) {
        let upcoming = episodes.filter { $0.status != .held && $0.startsAt > now }
        let past = episodes.filter { !($0.status != .held && $0.startsAt > now) }
        let order: (Episode, Episode) -> Bool = { ($0.startsAt, $0.id.rawValue) < ($1.startsAt, $1.id.rawValue) }
        return (upcoming.sorted(by: order), past.sorted(by: order).reversed())
    }
}

/// One episode's own page, with links to its neighbours.
struct EpisodePageView {
    var pageTitle: String
    var metaDescription: String
    var seriesTitle: String
    var cadence: String
    var links: SeriesLinks
    var feedPath: String
    var episode: EpisodeView
    var upcoming: Bool
    var previous: EpisodeRef?
    var next: EpisodeRef?

    init(_ data: PublicSeries, episode: Episode, now: Timestamp, site: SiteAddress) {
        let series = data.series
        let view = EpisodeView(episode, in: data, now: now, links: .pages)
        pageTitle = "\(view.numberLabel.map { "\($0) " } ?? "")\(episode.title) · \(series.title)"
        metaDescription = "\(series.title): \(view.quotedTitle), \(view.when)."
        seriesTitle = series.title
        cadence = SeminarPages.cadenceSentence(series)
        links = SeriesLinks(series, site: site)
        feedPath = links.feedPath
        self.episode = view
        upcoming = episode.status != .held && episode.startsAt > now
        let numbered = data.episodes.filter { $0.status != .cancelled && $0.number != nil }
            .sorted { $0.number! < $1.number! }
        let index = numbered.firstIndex { $0.id == episode.id }
        func ref(_ other: Episode) -> EpisodeRef {
            EpisodeRef(href: "\(links.seriesPath)/episodes/\(other.number!)", label: "\(other.number!). “\(other.title)”")
        }
        previous = index.flatMap { $0 > 0 ? ref(numbered[$0 - 1]) : nil }
        next = index.flatMap { $0 + 1 < numbered.count ? ref(numbered[$0 + 1]) : nil }
    }
}

/// The front page: every public series.
struct IndexPageView {
    struct Entry {
        var entryTitle: String
        var href: String
        var entryCadence: String
        var entryLocation: String?
    }

    var pageTitle = "Seminars"
    var metaDescription = "The public seminars and reading groups on this Docket server."
    var entries: [Entry]

    init(_ series: [Series]) {
        entries = series.map {
            Entry(entryTitle: $0.title, href: "/series/\($0.slug)", entryCadence: SeminarPages.cadenceSentence($0), entryLocation: $0.location)
        }
    }
}

/// The 404 page.
struct NotFoundView {
    var pageTitle = "Not found"
    var message: String
}
