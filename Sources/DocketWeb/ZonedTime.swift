public import DocketCore
import Foundation

/// An instant as a series' wall clock shows it: the date and time the page prints.
public struct ZonedTime: Sendable {
    /// The local date.
    public let date: CivilDate
    /// Minutes since local midnight.
    public let minuteOfDay: Int
    /// Monday 0 through Sunday 6.
    public let weekday: Int
    /// Seconds east of UTC at that instant.
    public let offsetSeconds: Int

    /// `instant` on the clock of `timeZone` (an IANA name; an unknown one reads as UTC).
    public init(_ instant: Timestamp, timeZone: String) {
        let second = floorDiv(instant.milliseconds, 1000)
        let zone = TimeZone(identifier: timeZone) ?? TimeZone(secondsFromGMT: 0)!
        offsetSeconds = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second)))
        let local = second + Int64(offsetSeconds)
        let day = floorDiv(local, 86_400)
        date = CivilDate(daysSinceEpoch: day)
        minuteOfDay = Int((local - day * 86_400) / 60)
        // 1970-01-01 was a Thursday (3 when Monday is 0).
        weekday = Int(floorMod(day + 3, 7))
    }

    /// "08.09.20", the seed page's date.
    public var shortDate: String {
        "\(Self.two(date.day)).\(Self.two(date.month)).\(Self.two(floorMod(date.year, 100)))"
    }

    /// "Tuesday 8 September 2020".
    public var longDate: String { Self.longDate(date) }

    /// A local date as "Tuesday 8 September 2020".
    public static func longDate(_ date: CivilDate) -> String {
        let weekday = Int(floorMod(date.daysSinceEpoch + 3, 7))
        return "\(weekdays[weekday]) \(date.day) \(months[Int(date.month) - 1]) \(date.year)"
    }

    /// "15:00".
    public var clock: String { "\(Self.two(Int64(minuteOfDay / 60))):\(Self.two(Int64(minuteOfDay % 60)))" }

    /// "2020-09-08T15:00+02:00", for `<time datetime>`.
    public var iso: String {
        let sign = offsetSeconds < 0 ? "-" : "+"
        let minutes = abs(offsetSeconds) / 60
        return "\(date.iso)T\(clock)\(sign)\(Self.two(Int64(minutes / 60))):\(Self.two(Int64(minutes % 60)))"
    }

    /// The English weekday names, Monday first.
    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    private static func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

/// The IMF-fixdate of RFC 9110 ("Tue, 08 Sep 2020 13:00:00 GMT"), for `Last-Modified`.
public func httpDate(_ instant: Timestamp) -> String {
    let time = ZonedTime(instant, timeZone: "UTC")
    let seconds = floorMod(floorDiv(instant.milliseconds, 1000), 60)
    func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
    let day = ZonedTime.weekdays[time.weekday].prefix(3)
    let month = ZonedTime.months[Int(time.date.month) - 1].prefix(3)
    return "\(day), \(two(time.date.day)) \(month) \(time.date.year) \(time.clock):\(two(seconds)) GMT"
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

private func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }
