import DocketCore

/// A labelled link as the templates show it.
struct LinkView {
    var label: String
    var url: String
}

/// A paper as a formatted reference with its links.
struct PaperView {
    var citation: String
    var paperLinks: [LinkView]

    init(_ paper: Paper) {
        citation = Reference.citation(paper.fields)
        // A paper's page is often its arXiv or DOI address already: one chip per address.
        var seen: Set<String> = []
        paperLinks = Reference.links(paper.fields)
            .filter { HTMLSanitizer.linkable($0.url) != nil && seen.insert($0.url.lowercased()).inserted }
            .map { LinkView(label: $0.label, url: $0.url) }
    }
}

/// An episode's papers of one role: "Main paper", "Background", "Further reading".
struct PaperGroupView {
    var heading: String
    var papers: [PaperView]
}

/// A presenter: name, affiliation, and what they do when it is not a plain talk.
struct PresenterView {
    var name: String
    var affiliation: String?
    var roleNote: String?
    /// ", " before every presenter but the first.
    var separator: String?
}

/// A link to another episode of the series, with the words before it (", ", " and ").
struct EpisodeRef {
    var href: String
    var label: String
    var separator: String?
}

/// One episode as the series page and the episode page show it.
struct EpisodeView {
    var anchor: String
    var permalink: String?
    /// "14." (nil for a cancelled episode, which has no number).
    var numberLabel: String?
    var episodeTitle: String
    var quotedTitle: String
    var shortDate: String
    var dateISO: String
    /// "Tuesday 8 September 2020, 15:00–16:00 (Europe/Berlin)".
    var when: String
    var cancelled: Bool
    var episodePlace: String?
    var episodeStream: String?
    var presenters: [PresenterView]
    var abstractHTML: String?
    var paperGroups: [PaperGroupView]
    var episodeLinks: [LinkView]
    var related: [EpisodeRef]
    var backlinks: [EpisodeRef]
    var episodeCalendar: String?
    var episodeBibliography: String?
    // Stored, not computed: templates read values through Mirror, which sees stored properties only.
    var hasPresenters: Bool
    var hasLinks: Bool
    var hasRelated: Bool
    var hasBacklinks: Bool

    /// How links to other episodes are written: anchors on the series page, page URLs elsewhere.
    enum LinkStyle {
        case anchors, pages
    }

    init(_ episode: Episode, in data: PublicSeries, now: Timestamp, links style: LinkStyle) {
        let zone = data.series.timeZone
        let base = "/series/\(data.series.slug)"
        let start = ZonedTime(episode.startsAt, timeZone: zone)
        let end = ZonedTime(episode.startsAt.adding(milliseconds: Int64(episode.durationMinutes) * 60_000), timeZone: zone)
        let number = episode.status == .cancelled ? nil : episode.number
        anchor = Self.anchor(episode)
        permalink = number.map { "\(base)/episodes/\($0)" }
        numberLabel = number.map { "\($0)." }
        episodeTitle = episode.title
        quotedTitle = "“\(episode.title)”"
        shortDate = start.shortDate
        dateISO = start.iso
        let endText = end.date == start.date ? end.clock : "\(end.longDate), \(end.clock)"
        when = "\(start.longDate), \(start.clock)–\(endText) (\(zone))"
        cancelled = episode.status == .cancelled
        episodePlace = episode.location
        // A stream is worth a link only before the meeting; afterwards the recording is among the links.
        episodeStream = HTMLSanitizer.linkable(episode.startsAt > now && !cancelled ? episode.streamURL ?? data.series.streamURL : nil)
        presenters = Self.presenters(episode, data.people)
        abstractHTML = episode.abstract.map(Markdown.html)
        paperGroups = Self.paperGroups(episode, data.papers)
        episodeLinks = episode.links.filter { HTMLSanitizer.linkable($0.url) != nil }.map { LinkView(label: $0.label, url: $0.url) }
        if let recording = HTMLSanitizer.linkable(episode.recordingURL) { episodeLinks.append(LinkView(label: "video recording", url: recording)) }
        let byID = Dictionary(data.episodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        related = Self.refs(episode.relatedEpisodeIDs.compactMap { byID[$0] }, base: base, style: style)
        backlinks = Self.refs(data.backlinks(to: episode.id), base: base, style: style, bare: true)
        let upcoming = episode.startsAt > now && episode.status == .scheduled
        episodeCalendar = upcoming ? permalink.map { "\($0)/calendar.ics" } : nil
        episodeBibliography = permalink.map { "\($0)/bibliography.bib" }
        hasPresenters = !presenters.isEmpty
        hasLinks = !episodeLinks.isEmpty
        hasRelated = !related.isEmpty
        hasBacklinks = !backlinks.isEmpty
    }

    /// The element id of the episode on the series page: "episode-14", or "episode-<id>" without a number.
    static func anchor(_ episode: Episode) -> String {
        if episode.status != .cancelled, let number = episode.number { return "episode-\(number)" }
        return "episode-\(episode.id.rawValue)"
    }

    private static func presenters(_ episode: Episode, _ people: [PersonID: PublicSeries.PersonName]) -> [PresenterView] {
        let shown = episode.presenters.filter { $0.status != .declined }.compactMap { presenter in
            people[presenter.personID].map { (presenter, $0) }
        }
        return shown.enumerated().map { index, pair in
            let (presenter, person) = pair
            var notes: [String] = []
            switch presenter.role {
            case .presenter: break
            case .guest: notes.append("guest")
            case .shortTalk: notes.append("short talk")
            case .discussant: notes.append("discussant")
            }
            if presenter.status == .proposed { notes.append("to be confirmed") }
            return PresenterView(
                name: person.name, affiliation: person.affiliation,
                roleNote: notes.isEmpty ? nil : notes.joined(separator: ", "), separator: index == 0 ? nil : ", ")
        }
    }

    private static func paperGroups(_ episode: Episode, _ papers: [PaperID: Paper]) -> [PaperGroupView] {
        PaperRole.allCases.compactMap { role in
            let listed = episode.papers.filter { $0.role == role }.compactMap { papers[$0.paperID] }.map(PaperView.init)
            guard !listed.isEmpty else { return nil }
            let heading: String
            switch role {
            case .main: heading = listed.count == 1 ? "Main paper" : "Main papers"
            case .background: heading = "Background"
            case .further: heading = "Further reading"
            }
            return PaperGroupView(heading: heading, papers: listed)
        }
    }

    /// Links to `episodes`: "5. “Real Fake Clouds”", or with `bare` "episode 12".
    private static func refs(_ episodes: [Episode], base: String, style: LinkStyle, bare: Bool = false) -> [EpisodeRef] {
        episodes.enumerated().map { index, target in
            let number = target.status == .cancelled ? nil : target.number
            let href: String
            switch (style, number) {
            case (.anchors, _): href = "#\(anchor(target))"
            case (.pages, let number?): href = "\(base)/episodes/\(number)"
            case (.pages, nil): href = "\(base)#\(anchor(target))"
            }
            let label: String
            if bare {
                label = number.map { "episode \($0)" } ?? "the cancelled “\(target.title)”"
            } else {
                label = number.map { "\($0). “\(target.title)”" } ?? "“\(target.title)” (cancelled)"
            }
            let separator = index == 0 ? nil : index == episodes.count - 1 ? " and " : ", "
            return EpisodeRef(href: href, label: label, separator: separator)
        }
    }
}
