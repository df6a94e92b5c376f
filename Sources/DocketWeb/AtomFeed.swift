public import DocketCore
import Foundation

/// A public series' episodes as an RFC 4287 Atom feed: one entry per episode, newest change first.
///
/// An entry's `id` is `urn:uuid:` and the episode id, so a feed reader sees a reschedule, a cancellation or
/// a new paper as an update of the same entry (a later `updated`), never as a new one.
public enum AtomFeed {
    /// The most entries a feed carries (the most recently updated).
    public static let entryLimit = 50

    /// The feed of the series' episodes; `baseURL` is the site's origin without a trailing slash.
    public static func feed(of page: PublicSeries, baseURL: String) -> String {
        let series = page.series
        let entries = page.episodes.sorted { ($0.updatedAt, $0.id.rawValue) > ($1.updatedAt, $1.id.rawValue) }.prefix(entryLimit)
        let seriesURL = "\(baseURL)/series/\(series.slug)"
        let zone = TimeZone(identifier: series.timeZone)
        var xml = XMLText()
        xml.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n")
        xml.element("id", "urn:uuid:\(series.id.rawValue)", indent: 1)
        xml.element("title", series.title, indent: 1)
        if let description = series.description, !description.isEmpty { xml.element("subtitle", description, indent: 1) }
        xml.element("updated", (entries.first?.updatedAt ?? series.updatedAt).rfc3339, indent: 1)
        xml.link(rel: "self", type: "application/atom+xml", href: "\(seriesURL)/feed.atom", indent: 1)
        xml.link(rel: "alternate", type: "text/html", href: seriesURL, indent: 1)
        xml.raw("  <author>\n")
        xml.element("name", series.title, indent: 2)
        xml.element("uri", seriesURL, indent: 2)
        xml.raw("  </author>\n")
        xml.element("generator", "Docket", indent: 1)
        for episode in entries {
            entry(episode, page, zone: zone, baseURL: baseURL, into: &xml)
        }
        xml.raw("</feed>\n")
        return xml.text
    }

    /// "#3: Title (held)"; a cancelled episode has no number.
    static func title(_ episode: Episode) -> String {
        let number = episode.number.map { "#\($0): " } ?? ""
        return "\(number)\(episode.title) (\(episode.status.rawValue))"
    }

    private static func entry(_ episode: Episode, _ page: PublicSeries, zone: TimeZone?, baseURL: String, into xml: inout XMLText) {
        let url = ICalendar.episodeURL(episode, page.series, baseURL: baseURL)
        let when = LocalTimes.describe(episode, zone: zone, zoneName: page.series.timeZone)
        let presenters = ICalendar.presenters(episode, page)
        xml.raw("  <entry>\n")
        xml.element("id", "urn:uuid:\(episode.id.rawValue)", indent: 2)
        xml.element("title", title(episode), indent: 2)
        xml.element("updated", episode.updatedAt.rfc3339, indent: 2)
        xml.element("published", episode.createdAt.rfc3339, indent: 2)
        xml.link(rel: "alternate", type: "text/html", href: url, indent: 2)
        var summary = [when]
        if !presenters.isEmpty { summary.append("Presented by " + presenters.joined(separator: "; ")) }
        xml.element("summary", summary.joined(separator: ". "), indent: 2)
        xml.raw("    <content type=\"html\">")
        xml.escaped(html(episode, page, when: when, presenters: presenters))
        xml.raw("</content>\n")
        xml.raw("  </entry>\n")
    }

    /// The entry's content as HTML (the feed escapes it once more).
    private static func html(_ episode: Episode, _ page: PublicSeries, when: String, presenters: [String]) -> String {
        var parts = ["<p>\(XMLText.escape(when))</p>"]
        if episode.status == .cancelled { parts.append("<p><strong>This meeting is cancelled.</strong></p>") }
        if !presenters.isEmpty { parts.append("<p>Presented by \(XMLText.escape(presenters.joined(separator: "; ")))</p>") }
        let papers = ICalendar.papers(episode, page)
        if !papers.isEmpty { parts.append("<ul>" + papers.map { "<li>\(XMLText.escape($0))</li>" }.joined() + "</ul>") }
        if let location = episode.location ?? page.series.location { parts.append("<p>Where: \(XMLText.escape(location))</p>") }
        if let abstract = episode.abstract, !abstract.isEmpty { parts.append("<p>\(XMLText.escape(abstract))</p>") }
        return parts.joined(separator: "\n")
    }
}

/// XML 1.0 text built up piece by piece, every value escaped.
struct XMLText {
    private(set) var text = ""

    mutating func raw(_ markup: String) { text += markup }

    mutating func escaped(_ value: String) { text += Self.escape(value) }

    mutating func element(_ name: String, _ value: String, indent: Int) {
        text += String(repeating: "  ", count: indent) + "<\(name)>" + Self.escape(value) + "</\(name)>\n"
    }

    mutating func link(rel: String, type: String, href: String, indent: Int) {
        text += String(repeating: "  ", count: indent)
            + "<link rel=\"\(rel)\" type=\"\(type)\" href=\"\(Self.escape(href))\"/>\n"
    }

    /// `&`, `<`, `>`, `"` and `'` as entities (so `]]>` cannot appear), and the characters XML 1.0 cannot hold
    /// (controls other than tab and line breaks, U+FFFE, U+FFFF) dropped.
    static func escape(_ value: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&apos;".unicodeScalars)
            case "\t", "\n", "\r": out.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.append(scalar)
            }
        }
        return String(out)
    }
}

/// An episode's date and time on the series' wall clock, in words that depend on no locale.
enum LocalTimes {
    private static let weekdays = ["Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"]
    private static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]

    /// "Tuesday, 24 March 2020, 15:00–16:00 (Europe/Berlin)"; times in UTC when the zone is unknown.
    static func describe(_ episode: Episode, zone: TimeZone?, zoneName: String) -> String {
        let start = ICalendar.seconds(episode.startsAt)
        let end = start + Int64(episode.durationMinutes) * 60
        let local = { (second: Int64) in second + Int64(zone?.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second))) ?? 0) }
        let startLocal = local(start), endLocal = local(end)
        let day = floorDiv(startLocal, 86_400)
        let date = CivilDate(daysSinceEpoch: day)
        let weekday = weekdays[Int(((day % 7) + 7) % 7)]
        let endDay = floorDiv(endLocal, 86_400)
        let endText = endDay == day ? clock(endLocal) : "\(CivilDate(daysSinceEpoch: endDay).iso) \(clock(endLocal))"
        return "\(weekday), \(date.day) \(months[Int(date.month) - 1]) \(date.year), \(clock(startLocal))–\(endText) (\(zone == nil ? "UTC" : zoneName))"
    }

    private static func clock(_ second: Int64) -> String {
        let time = second - floorDiv(second, 86_400) * 86_400
        return ICalendar.digits(time / 3600, 2) + ":" + ICalendar.digits(time / 60 % 60, 2)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }
}
