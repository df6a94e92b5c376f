/// Who may read a series and its episodes.
public enum SeriesVisibility: String, Sendable, CaseIterable {
    case `public`, members
}

/// Who may read a series' standing.
public enum ResultsVisibility: String, Sendable, CaseIterable {
    case live, organizers
}

/// A person's role in one series.
public enum SeriesRole: String, Sendable, CaseIterable, Comparable {
    case member, organizer

    public static func < (lhs: SeriesRole, rhs: SeriesRole) -> Bool {
        lhs == .member && rhs == .organizer
    }
}

/// A cadence date a series does not meet on.
public struct SkippedDate: Hashable, Sendable {
    public var date: CivilDate
    public var reason: String?

    public init(date: CivilDate, reason: String?) {
        self.date = date
        self.reason = reason
    }
}

/// When a series meets: a recurrence rule from a first local date and time.
public struct Cadence: Hashable, Sendable {
    public var rrule: String
    public var startDate: CivilDate
    public var startTime: LocalTime
    public var durationMinutes: Int

    public init(rrule: String, startDate: CivilDate, startTime: LocalTime, durationMinutes: Int) {
        self.rrule = rrule
        self.startDate = startDate
        self.startTime = startTime
        self.durationMinutes = durationMinutes
    }

    public var json: JSONValue {
        [
            "rrule": .string(rrule), "startDate": .string(startDate.iso), "startTime": .string(startTime.text),
            "durationMinutes": .int(Int64(durationMinutes)),
        ]
    }

    /// Why `rrule` is not a rule Docket can follow, or nil when it is.
    ///
    /// Accepts `FREQ` of DAILY, WEEKLY or MONTHLY, an optional positive
    /// `INTERVAL`, and for WEEKLY an optional `BYDAY` list of MO…SU.
    public static func problem(inRRule rrule: String) -> String? {
        var parts: [String: String] = [:]
        for part in rrule.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, parts[String(pair[0])] == nil else { return "has a malformed part \"\(part)\"" }
            parts[String(pair[0]).uppercased()] = String(pair[1]).uppercased()
        }
        guard let freq = parts.removeValue(forKey: "FREQ") else { return "needs FREQ" }
        guard ["DAILY", "WEEKLY", "MONTHLY"].contains(freq) else { return "FREQ must be DAILY, WEEKLY or MONTHLY" }
        if let interval = parts.removeValue(forKey: "INTERVAL") {
            guard let value = Int(interval), (1...52).contains(value) else { return "INTERVAL must be 1 to 52" }
        }
        if let days = parts.removeValue(forKey: "BYDAY") {
            let names = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
            guard freq == "WEEKLY", days.split(separator: ",").allSatisfy({ names.contains(String($0)) }) else {
                return "BYDAY must be a list of MO, TU, WE, TH, FR, SA, SU with FREQ=WEEKLY"
            }
        }
        if let other = parts.keys.sorted().first { return "does not support \(other)" }
        return nil
    }
}

/// A seminar or reading group: its calendar and its rules.
public struct Series: Hashable, Sendable {
    public var id: SeriesID
    public var slug: String
    public var title: String
    public var description: String?
    public var timeZone: String
    public var cadence: Cadence
    public var location: String?
    public var streamURL: String?
    public var mailingListURL: String?
    public var visibility: SeriesVisibility
    public var resultsVisibility: ResultsVisibility
    public var votingMethod: String
    /// Cadence dates the series does not meet on, with why (an addition to section 5).
    public var skippedDates: [SkippedDate] = []
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: SeriesID, slug: String, title: String, description: String?, timeZone: String, cadence: Cadence,
        location: String?, streamURL: String?, mailingListURL: String?, visibility: SeriesVisibility,
        resultsVisibility: ResultsVisibility, votingMethod: String, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.slug = slug
        self.title = title
        self.description = description
        self.timeZone = timeZone
        self.cadence = cadence
        self.location = location
        self.streamURL = streamURL
        self.mailingListURL = mailingListURL
        self.visibility = visibility
        self.resultsVisibility = resultsVisibility
        self.votingMethod = votingMethod
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The section 5 value.
    public var json: JSONValue {
        [
            "id": .string(id.rawValue), "slug": .string(slug), "title": .string(title),
            "description": .optional(description), "timeZone": .string(timeZone), "cadence": cadence.json,
            "location": .optional(location), "streamURL": .optional(streamURL),
            "mailingListURL": .optional(mailingListURL), "visibility": .string(visibility.rawValue),
            "resultsVisibility": .string(resultsVisibility.rawValue), "votingMethod": .string(votingMethod),
            "skippedDates": .array(skippedDates.map { ["date": .string($0.date.iso), "reason": .optional($0.reason)] }),
            "createdAt": .string(createdAt.rfc3339), "updatedAt": .string(updatedAt.rfc3339),
        ]
    }

    /// Whether `slug` is 1–64 lowercase letters, digits and single hyphens, not at either end.
    public static func isValidSlug(_ slug: String) -> Bool {
        guard (1...64).contains(slug.utf8.count), !slug.hasPrefix("-"), !slug.hasSuffix("-"), !slug.contains("--") else {
            return false
        }
        return slug.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }
}
