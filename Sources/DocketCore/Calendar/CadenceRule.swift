/// A parsed recurrence rule: which local dates, from the start date on, are cadence dates.
///
/// Dates before `startDate` are never cadence dates, and neither is a
/// `startDate` that the rule itself does not match (a Monday start with
/// `BYDAY=WE` first meets that Wednesday). This departs from RFC 5545, where
/// DTSTART always counts: a cadence's slots are exactly the rule's dates.
struct CadenceRule: Hashable, Sendable {
    /// How often the rule repeats.
    enum Frequency: Hashable, Sendable {
        case daily, weekly, monthly
    }

    let frequency: Frequency
    /// Days, weeks or months between repetitions (1...52).
    let interval: Int64
    /// Weekly rules only: the meeting weekdays, Monday 0 through Sunday 6, ascending.
    let weekdays: [Int]
    let startDate: CivilDate
    let startDay: Int64

    /// Parses `rrule`, or throws when `Cadence.problem(inRRule:)` rejects it or its `BYDAY` names no day.
    init(rrule: String, startDate: CivilDate) throws(SlotCalendarError) {
        if let problem = Cadence.problem(inRRule: rrule) { throw .unsupportedRule(rrule, problem: problem) }
        var parts: [String: String] = [:]
        for part in rrule.uppercased().split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            parts[String(pair[0])] = String(pair[1])
        }
        switch parts["FREQ"] {
        case "DAILY": frequency = .daily
        case "WEEKLY": frequency = .weekly
        default: frequency = .monthly
        }
        interval = parts["INTERVAL"].flatMap { Int64($0) } ?? 1
        self.startDate = startDate
        startDay = startDate.daysSinceEpoch
        let names = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
        let listed = parts["BYDAY"].map { $0.split(separator: ",").compactMap { names.firstIndex(of: String($0)) } }
        if listed?.isEmpty == true { throw .unsupportedRule(rrule, problem: "has a BYDAY that names no day") }
        weekdays = Set(listed ?? [DayMath.weekday(startDay)]).sorted()
    }

    /// Whether `day` is a cadence date.
    func contains(_ day: Int64) -> Bool {
        nextDay(onOrAfter: day) == day
    }

    /// The first cadence date on or after `day`.
    func nextDay(onOrAfter day: Int64) -> Int64? {
        let from = max(day, startDay)
        switch frequency {
        case .daily: return startDay + DayMath.ceilDiv(from - startDay, interval) * interval
        case .weekly: return nextWeeklyDay(onOrAfter: from)
        case .monthly: return nextMonthlyDay(onOrAfter: from)
        }
    }

    private func nextWeeklyDay(onOrAfter from: Int64) -> Int64? {
        let firstWeek = DayMath.week(startDay)
        for day in from..<from + 7 * interval
        where DayMath.floorMod(DayMath.week(day) - firstWeek, interval) == 0
            && weekdays.contains(DayMath.weekday(day))
        {
            return day
        }
        return nil
    }

    /// Months lacking `startDate.day` are skipped; the loop's bound covers a
    /// 29 February start with a yearly-multiple interval, which may skip
    /// eight years across a century.
    private func nextMonthlyDay(onOrAfter from: Int64) -> Int64? {
        let date = CivilDate(daysSinceEpoch: from)
        let monthsIn = (date.year - startDate.year) * 12 + date.month - startDate.month
        var step = DayMath.ceilDiv(monthsIn, interval)
        for _ in 0..<120 {
            let month = startDate.month - 1 + step * interval
            let year = startDate.year + DayMath.floorDiv(month, 12)
            let candidate = CivilDate(year: year, month: DayMath.floorMod(month, 12) + 1, day: startDate.day)
            if startDate.day <= CivilDate.daysIn(month: candidate.month, year: year), candidate.daysSinceEpoch >= from {
                return candidate.daysSinceEpoch
            }
            step += 1
        }
        return nil
    }
}
