public import DocketCore
import Foundation

/// A public series' episodes as an RFC 5545 calendar, for subscribing and for one episode's download.
///
/// Times are written against a `VTIMEZONE` built from the zone's transitions over the years the episodes
/// span (`DTSTART;TZID=…`), so calendar apps show the series' wall clock; an instant that form cannot name
/// exactly (the second pass of a fall-back hour, a year past the covered span, an unknown zone) is written in
/// UTC (`…Z`) instead. Each event's `UID` is the episode id, `SEQUENCE` its reschedule count, and `DTSTAMP`
/// its last change (the calendar has no `METHOD`), so the same data always renders to the same text.
public enum ICalendar {
    /// The calendar of every episode of the series, cancelled ones included (`STATUS:CANCELLED`).
    ///
    /// `baseURL` is the site's origin without a trailing slash (`https://docket.example.org`).
    public static func calendar(of page: PublicSeries, baseURL: String) -> String {
        render(page, page.episodes, baseURL: baseURL)
    }

    /// The calendar of one episode of the series.
    public static func calendar(of page: PublicSeries, episode: Episode, baseURL: String) -> String {
        render(page, [episode], baseURL: baseURL)
    }

    /// `value` as an RFC 5545 TEXT value: backslash, semicolon and comma escaped, every line break `\n`,
    /// and control characters (which TEXT cannot hold) dropped.
    public static func escapedText(_ value: String) -> String {
        var out = String.UnicodeScalarView()
        var afterCR = false
        for scalar in value.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            switch scalar {
            case "\\", ";", ",":
                out.append("\\")
                out.append(scalar)
            case "\r":
                out.append(contentsOf: "\\n".unicodeScalars)
            case "\n":
                if !afterCR { out.append(contentsOf: "\\n".unicodeScalars) }
            case "\t":
                out.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func render(_ page: PublicSeries, _ episodes: [Episode], baseURL: String) -> String {
        let series = page.series
        let zone = CalendarZone(identifier: series.timeZone, covering: instants(of: episodes, fallback: series.cadence.startDate))
        var lines = ContentLines()
        lines.add("BEGIN", "VCALENDAR")
        lines.add("VERSION", "2.0")
        lines.add("PRODID", "-//Docket//Docket//EN")
        lines.add("CALSCALE", "GREGORIAN")
        lines.add("NAME", text: series.title)
        lines.add("X-WR-CALNAME", text: series.title)
        lines.add("URL", uri: "\(baseURL)/series/\(series.slug)")
        lines.add("REFRESH-INTERVAL;VALUE=DURATION", "PT6H")
        lines.add("X-PUBLISHED-TTL", "PT6H")
        if let zone {
            lines.add("X-WR-TIMEZONE", text: series.timeZone)
            zone.write(into: &lines)
        }
        for episode in episodes {
            event(episode, page, zone: zone, baseURL: baseURL, into: &lines)
        }
        lines.add("END", "VCALENDAR")
        return lines.text
    }

    private static func event(_ episode: Episode, _ page: PublicSeries, zone: CalendarZone?, baseURL: String, into lines: inout ContentLines) {
        let start = Self.seconds(episode.startsAt)
        let end = start + Int64(episode.durationMinutes) * 60
        lines.add("BEGIN", "VEVENT")
        lines.add("UID", "\(episode.id.rawValue)@docket")
        lines.add("DTSTAMP", utc(seconds(episode.updatedAt)))
        lines.add("CREATED", utc(seconds(episode.createdAt)))
        lines.add("LAST-MODIFIED", utc(seconds(episode.updatedAt)))
        lines.add(dateTime("DTSTART", start, zone))
        lines.add(dateTime("DTEND", end, zone))
        lines.add("SEQUENCE", String(episode.sequence))
        lines.add("STATUS", episode.status == .cancelled ? "CANCELLED" : "CONFIRMED")
        lines.add("SUMMARY", text: summary(episode, series: page.series))
        if let location = episode.location ?? page.series.location { lines.add("LOCATION", text: location) }
        let url = episodeURL(episode, page.series, baseURL: baseURL)
        lines.add("URL", uri: url)
        lines.add("DESCRIPTION", text: description(episode, page, url: url))
        lines.add("END", "VEVENT")
    }

    /// "Series #3: Title"; a cancelled episode has no number and says so.
    static func summary(_ episode: Episode, series: Series) -> String {
        if episode.status == .cancelled { return "Cancelled: \(series.title): \(episode.title)" }
        guard let number = episode.number else { return "\(series.title): \(episode.title)" }
        return "\(series.title) #\(number): \(episode.title)"
    }

    /// The episode's page, or the series' page for an episode without a number (a cancelled one).
    static func episodeURL(_ episode: Episode, _ series: Series, baseURL: String) -> String {
        guard let number = episode.number else { return "\(baseURL)/series/\(series.slug)" }
        return "\(baseURL)/series/\(series.slug)/episodes/\(number)"
    }

    private static func description(_ episode: Episode, _ page: PublicSeries, url: String) -> String {
        var parts: [String] = []
        if episode.status == .cancelled { parts.append("This meeting is cancelled.") }
        let presenters = Self.presenters(episode, page)
        if !presenters.isEmpty { parts.append("Presented by " + presenters.joined(separator: "; ")) }
        let papers = Self.papers(episode, page)
        if !papers.isEmpty { parts.append((["Papers:"] + papers.map { "- " + $0 }).joined(separator: "\n")) }
        if let abstract = episode.abstract, !abstract.isEmpty { parts.append(abstract) }
        if let stream = episode.streamURL ?? page.series.streamURL { parts.append("Stream: \(stream)") }
        if let recording = episode.recordingURL { parts.append("Recording: \(recording)") }
        parts.append(url)
        return parts.joined(separator: "\n\n")
    }

    /// "Name (Affiliation)" for each presenter who has not declined, with a role other than presenter named.
    static func presenters(_ episode: Episode, _ page: PublicSeries) -> [String] {
        episode.presenters.filter { $0.status != .declined }.compactMap { presenter in
            guard let person = page.people[presenter.personID] else { return nil }
            var text = person.name
            if let affiliation = person.affiliation, !affiliation.isEmpty { text += " (\(affiliation))" }
            switch presenter.role {
            case .presenter: break
            case .guest: text += ", guest"
            case .shortTalk: text += ", short talk"
            case .discussant: text += ", discussant"
            }
            return text
        }
    }

    /// Each paper's citation, with its role unless it is a main paper.
    static func papers(_ episode: Episode, _ page: PublicSeries) -> [String] {
        episode.papers.compactMap { entry in
            guard let paper = page.papers[entry.paperID] else { return nil }
            let citation = Reference.citation(paper.fields)
            switch entry.role {
            case .main: return citation
            case .background: return citation + " (background)"
            case .further: return citation + " (further reading)"
            }
        }
    }

    private static func dateTime(_ name: String, _ second: Int64, _ zone: CalendarZone?) -> (String, String) {
        if let zone, let local = zone.localName(of: second) {
            return ("\(name);TZID=\(ContentLines.parameter(zone.identifier))", local)
        }
        return (name, utc(second))
    }

    /// The seconds (start and end) the episodes cover, or midnight of `fallback` when there are none.
    private static func instants(of episodes: [Episode], fallback: CivilDate) -> [Int64] {
        guard !episodes.isEmpty else { return [fallback.daysSinceEpoch * 86_400] }
        return episodes.flatMap { [seconds($0.startsAt), seconds($0.startsAt) + Int64($0.durationMinutes) * 60] }
    }

    static func seconds(_ timestamp: Timestamp) -> Int64 {
        let quotient = timestamp.milliseconds / 1000
        return timestamp.milliseconds % 1000 < 0 ? quotient - 1 : quotient
    }

    /// `YYYYMMDDTHHMMSSZ`.
    static func utc(_ second: Int64) -> String { wallClock(second) + "Z" }

    /// `YYYYMMDDTHHMMSS` of a second counted as if the wall clock were UTC.
    static func wallClock(_ second: Int64) -> String {
        let days = second >= 0 ? second / 86_400 : (second - 86_399) / 86_400
        let date = CivilDate(daysSinceEpoch: days)
        let time = second - days * 86_400
        return digits(date.year, 4) + digits(date.month, 2) + digits(date.day, 2) + "T"
            + digits(time / 3600, 2) + digits(time / 60 % 60, 2) + digits(time % 60, 2)
    }

    static func digits(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// Content lines of an iCalendar object: CRLF-terminated, folded at 75 octets without splitting a character.
struct ContentLines {
    private(set) var text = ""

    mutating func add(_ name: String, _ value: String) {
        fold(name + ":" + value)
    }

    mutating func add(_ pair: (name: String, value: String)) {
        add(pair.name, pair.value)
    }

    /// A TEXT value, escaped.
    mutating func add(_ name: String, text value: String) {
        add(name, ICalendar.escapedText(value))
    }

    /// A URI value: not escaped, but control characters and spaces (which a URI cannot hold) dropped.
    mutating func add(_ name: String, uri value: String) {
        add(name, String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F })))
    }

    /// A parameter value, quoted when it holds a character a bare one cannot.
    static func parameter(_ value: String) -> String {
        let clean = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\"" && $0.value != 0x7F }))
        return clean.unicodeScalars.contains { $0 == ":" || $0 == ";" || $0 == "," } ? "\"\(clean)\"" : clean
    }

    /// RFC 5545 section 3.1: a line longer than 75 octets continues after CRLF and one space.
    private mutating func fold(_ line: String) {
        var octets = 0
        var out = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            let width = UTF8.width(scalar)
            if octets + width > 75 {
                out.append(contentsOf: "\r\n ".unicodeScalars)
                octets = 1
            }
            out.append(scalar)
            octets += width
        }
        text += String(out) + "\r\n"
    }
}
