import DocketCore
import Foundation

/// A series' time zone as one `VTIMEZONE`: one observance per offset in force over the covered years.
struct CalendarZone {
    /// One stretch of constant offset, from `onset` (a UTC second) to the next observance's onset.
    struct Observance {
        var daylight: Bool
        var onset: Int64
        var offsetFrom: Int64
        var offsetTo: Int64
    }

    let identifier: String
    let observances: [Observance]
    /// The first UTC second after the covered years.
    let end: Int64

    /// The zone covering the UTC years of `seconds` (at most a hundred from the earliest), or nil for an unknown zone.
    init?(identifier: String, covering seconds: [Int64]) {
        guard let zone = TimeZone(identifier: identifier), let first = seconds.min(), let last = seconds.max() else { return nil }
        let firstYear = CivilDate(daysSinceEpoch: Self.day(first)).year
        let lastYear = min(CivilDate(daysSinceEpoch: Self.day(last)).year, firstYear + 99)
        let start = CivilDate(year: firstYear, month: 1, day: 1).daysSinceEpoch * 86_400
        end = CivilDate(year: lastYear + 1, month: 1, day: 1).daysSinceEpoch * 86_400
        self.identifier = identifier
        let offset = { (second: Int64) in Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second)))) }
        let opening = offset(start)
        var observances = [
            Observance(
                daylight: zone.isDaylightSavingTime(for: Date(timeIntervalSince1970: Double(start))), onset: start,
                offsetFrom: opening, offsetTo: opening)
        ]
        var cursor = start
        // Real zones change at most a few times a year; the bound only guards against a misbehaving zone.
        for _ in 0..<(Int(lastYear - firstYear) + 1) * 8 {
            guard let next = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(cursor))) else { break }
            let onset = Int64(next.timeIntervalSince1970.rounded(.down))
            guard onset < end, onset > cursor else { break }
            let from = offset(onset - 1), to = offset(onset)
            if from != to {
                observances.append(
                    Observance(daylight: zone.isDaylightSavingTime(for: next), onset: onset, offsetFrom: from, offsetTo: to))
            }
            cursor = onset
        }
        self.observances = observances
    }

    /// The wall-clock name (`YYYYMMDDTHHMMSS`) of UTC second `second`, or nil when a reader of this
    /// `VTIMEZONE` would not map it back to `second`: outside the covered years, or a fall-back hour's second pass
    /// (RFC 5545 reads an ambiguous local time as its first occurrence).
    func localName(of second: Int64) -> String? {
        guard let index = observances.lastIndex(where: { $0.onset <= second }), second < end else { return nil }
        let local = second + observances[index].offsetTo
        guard resolve(local) == second else { return nil }
        return ICalendar.wallClock(local)
    }

    /// The earliest UTC second whose wall clock reads `local` under these observances, as a calendar app reads it.
    func resolve(_ local: Int64) -> Int64? {
        observances.indices.compactMap { index -> Int64? in
            let candidate = local - observances[index].offsetTo
            let next = index + 1 < observances.count ? observances[index + 1].onset : end
            return candidate >= observances[index].onset && candidate < next ? candidate : nil
        }.min()
    }

    func write(into lines: inout ContentLines) {
        lines.add("BEGIN", "VTIMEZONE")
        lines.add("TZID", identifier)
        for observance in observances {
            let kind = observance.daylight ? "DAYLIGHT" : "STANDARD"
            lines.add("BEGIN", kind)
            lines.add("DTSTART", ICalendar.wallClock(observance.onset + observance.offsetFrom))
            lines.add("TZOFFSETFROM", Self.offset(observance.offsetFrom))
            lines.add("TZOFFSETTO", Self.offset(observance.offsetTo))
            lines.add("END", kind)
        }
        lines.add("END", "VTIMEZONE")
    }

    /// `+HHMM`, or `+HHMMSS` for an offset with seconds.
    static func offset(_ seconds: Int64) -> String {
        let magnitude = abs(seconds)
        var text = (seconds < 0 ? "-" : "+") + ICalendar.digits(magnitude / 3600, 2) + ICalendar.digits(magnitude / 60 % 60, 2)
        if magnitude % 60 != 0 { text += ICalendar.digits(magnitude % 60, 2) }
        return text
    }

    private static func day(_ second: Int64) -> Int64 {
        second >= 0 ? second / 86_400 : (second - 86_399) / 86_400
    }
}
