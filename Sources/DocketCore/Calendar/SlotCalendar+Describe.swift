extension SlotCalendar {
    /// The cadence as an English phrase, e.g. "every second Tuesday at 15:00 (Europe/Berlin)".
    public func describe() -> String {
        "\(describeDates()) at \(cadence.startTime.text) (\(timeZone))\(describeSkips())"
    }

    private func describeDates() -> String {
        let every = rule.interval == 1 ? "every" : "every \(Self.ordinalWord(rule.interval))"
        switch rule.frequency {
        case .daily:
            return "\(every) day"
        case .monthly:
            return "\(every) month on the \(Self.ordinalNumber(rule.startDate.day))"
        case .weekly:
            let days = Self.list(rule.weekdays.map { Self.weekdayNames[$0] })
            if rule.interval == 1 { return rule.weekdays.count == 7 ? "every day" : "every \(days)" }
            return rule.weekdays.count == 1 ? "\(every) \(days)" : "\(every) week on \(days)"
        }
    }

    private func describeSkips() -> String {
        let day = rule.startDate.day
        guard rule.frequency == .monthly, day > 28 else { return "" }
        return ", skipping months without a \(Self.ordinalNumber(day))"
    }

    private static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// "second" … "twelfth", then "13th", "21st", "52nd".
    private static func ordinalWord(_ n: Int64) -> String {
        let words = [
            "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth",
        ]
        return (2...12).contains(n) ? words[Int(n) - 2] : ordinalNumber(n)
    }

    /// "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "31st".
    private static func ordinalNumber(_ n: Int64) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }

    /// "A", "A and B", "A, B and C".
    private static func list(_ items: [String]) -> String {
        guard let last = items.last, items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }
}
