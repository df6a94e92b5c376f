import Foundation

/// A series' cadence laid out in its time zone: which slots it has and when they start.
///
/// Slots are wall-clock times: each cadence date at `startTime` on the
/// zone's clock, converted with the zone's rules (never by adding fixed
/// multiples of 86,400 s). A start time that falls in a spring-forward gap
/// moves forward by the gap (02:30 on Berlin's spring change day is 03:30
/// CEST); one that occurs twice in a fall-back overlap takes the first
/// occurrence, the earlier instant (02:30 on Berlin's autumn change day is
/// 02:30 CEST). Cadence dates lie in years 1 through 9999.
public struct SlotCalendar: Sendable {
    /// The widest range `slots(from:through:)` covers: 18,262 days, about 50 years.
    public static let maximumRange: Int64 = 18_262 * 86_400_000

    /// The rule, first date, start time and duration.
    public let cadence: Cadence
    /// The IANA zone whose wall clock the cadence follows.
    public let timeZone: String
    let rule: CadenceRule
    let zone: ZoneRules

    /// A calendar for `cadence` in `timeZone`, or an error naming what Docket cannot follow.
    ///
    /// Accepts any zone Foundation's `TimeZone(identifier:)` knows, the rules
    /// `Cadence.problem(inRRule:)` accepts, and durations of 1 to 1440 minutes.
    public init(cadence: Cadence, timeZone: String) throws(SlotCalendarError) {
        guard let zone = TimeZone(identifier: timeZone) else { throw .unknownTimeZone(timeZone) }
        guard (1...1440).contains(cadence.durationMinutes) else { throw .invalidDuration(cadence.durationMinutes) }
        self.rule = try CadenceRule(rrule: cadence.rrule, startDate: cadence.startDate)
        self.cadence = cadence
        self.timeZone = timeZone
        self.zone = ZoneRules(zone: zone)
    }

    /// The slots starting in `[from, through]`, ascending.
    ///
    /// A range wider than `maximumRange` is cut to its first `maximumRange`
    /// milliseconds; `through` before `from` gives no slots.
    public func slots(from: Timestamp, through: Timestamp) -> [Slot] {
        let last = min(through.milliseconds, DayMath.saturatingAdd(from.milliseconds, Self.maximumRange))
        guard from.milliseconds <= last else { return [] }
        // A gap or an offset moves a start at most a day off its date, so two days either side suffice.
        let days = zone.localDay(of: from) - 2...zone.localDay(of: Timestamp(milliseconds: last)) + 2
        return slots(onDays: days).filter { $0.startsAt >= from && $0.startsAt.milliseconds <= last }
    }

    /// The slot on `localDate`, or nil when it is not a cadence date.
    public func slot(onLocalDate localDate: CivilDate) -> Slot? {
        let day = localDate.daysSinceEpoch
        guard DayMath.supportedDays.contains(day), rule.contains(day) else { return nil }
        return slot(onDay: day)
    }

    /// The slots on the cadence dates among `days`, in date order.
    func slots(onDays days: ClosedRange<Int64>) -> [Slot] {
        guard days.overlaps(DayMath.supportedDays) else { return [] }
        let days = days.clamped(to: DayMath.supportedDays)
        var slots: [Slot] = []
        var next = rule.nextDay(onOrAfter: days.lowerBound)
        while let day = next, day <= days.upperBound {
            slots.append(slot(onDay: day))
            next = rule.nextDay(onOrAfter: day + 1)
        }
        return slots
    }

    private func slot(onDay day: Int64) -> Slot {
        let time = cadence.startTime
        let local = day * 86_400 + Int64(time.hour * 3600 + time.minute * 60)
        let start = Timestamp(milliseconds: zone.utcSecond(forLocal: local) * 1000)
        let end = start.adding(milliseconds: Int64(cadence.durationMinutes) * 60_000)
        return Slot(localDate: CivilDate(daysSinceEpoch: day), startsAt: start, endsAt: end)
    }
}
