/// Integer arithmetic on day numbers that rounds the way calendars need.
enum DayMath {
    /// The first day of year 1 and the last of year 9999: the span of supported cadence dates.
    static let supportedDays = CivilDate(year: 1, month: 1, day: 1).daysSinceEpoch
        ... CivilDate(year: 9999, month: 12, day: 31).daysSinceEpoch

    /// `a / b` rounded toward negative infinity (`b > 0`).
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return a % b != 0 && a < 0 ? q - 1 : q
    }

    /// `a mod b` in `0..<b` (`b > 0`).
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
        a - floorDiv(a, b) * b
    }

    /// `a / b` rounded toward positive infinity (`a >= 0`, `b > 0`).
    static func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 {
        (a + b - 1) / b
    }

    /// The weekday of `day`, Monday 0 through Sunday 6 (1970-01-01 was a Thursday).
    static func weekday(_ day: Int64) -> Int {
        Int(floorMod(day + 3, 7))
    }

    /// The Monday-based week of `day`, counted from the week holding 1970-01-01.
    static func week(_ day: Int64) -> Int64 {
        floorDiv(day + 3, 7)
    }

    /// `a + b`, held at `Int64.min` / `Int64.max` instead of overflowing.
    static func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }
}
