/// Why a cadence and time zone cannot make a slot calendar.
public enum SlotCalendarError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The time zone is not one Foundation's `TimeZone` knows.
    case unknownTimeZone(String)
    /// The rule is not one `Cadence.problem(inRRule:)` accepts; `problem` says why.
    case unsupportedRule(String, problem: String)
    /// The duration is outside 1...1440 minutes.
    case invalidDuration(Int)

    /// The reason in a sentence fragment fit for a problem detail.
    public var description: String {
        switch self {
        case .unknownTimeZone(let name):
            return "time zone \"\(name)\" is not an IANA time zone such as Europe/Berlin"
        case let .unsupportedRule(rule, problem):
            return "rrule \"\(rule)\" \(problem)"
        case .invalidDuration(let minutes):
            return "durationMinutes must be 1 to 1440, not \(minutes)"
        }
    }
}
