import Foundation

/// A time zone's offsets, as conversions between wall-clock seconds and UTC seconds.
///
/// "Wall-clock seconds" count a local date and time as if it were UTC
/// (`days * 86_400 + secondOfDay`).
struct ZoneRules: Sendable {
    let zone: TimeZone

    /// The zone's offset from UTC, in seconds, at UTC second `second`.
    func offset(atUTC second: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second))))
    }

    /// The UTC second at which the wall clock reads `local`.
    ///
    /// A wall-clock time that occurs twice (a fall-back overlap) maps to the
    /// first occurrence, the earlier instant. One that never occurs (a
    /// spring-forward gap) moves forward by the length of the gap: it is read
    /// with the offset in force before the change. A day either side covers
    /// every real offset (at most ±14 h), so one transition near `local` is
    /// seen; this is how java.time's `ZonedDateTime.of` resolves them too.
    func utcSecond(forLocal local: Int64) -> Int64 {
        let before = offset(atUTC: local - 86_400)
        let after = offset(atUTC: local + 86_400)
        let valid = [local - before, local - after].filter { offset(atUTC: $0) == local - $0 }
        return valid.min() ?? local - before
    }

    /// The local day (days since 1970-01-01 on the zone's wall clock) of `instant`.
    func localDay(of instant: Timestamp) -> Int64 {
        let second = DayMath.floorDiv(instant.milliseconds, 1000)
        return DayMath.floorDiv(second + offset(atUTC: second), 86_400)
    }
}
