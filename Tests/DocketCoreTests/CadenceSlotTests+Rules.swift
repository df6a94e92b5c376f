import DocketCore
import Testing

extension CadenceSlotTests {
    /// Slot dates in 2026 for a rule in UTC at 18:00: (rule, start date, the dates from 2026-01-01 through `last`).
    @Test(arguments: [
        ("FREQ=DAILY", "2026-01-30", "2026-02-02", ["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"]),
        ("FREQ=DAILY;INTERVAL=3", "2026-01-30", "2026-02-08", ["2026-01-30", "2026-02-02", "2026-02-05", "2026-02-08"]),
        ("FREQ=MONTHLY", "2026-01-31", "2026-12-31", [
            "2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31", "2026-08-31", "2026-10-31", "2026-12-31",
        ]),
        ("FREQ=MONTHLY;INTERVAL=2", "2025-12-31", "2026-12-31", ["2026-08-31", "2026-10-31", "2026-12-31"]),
        ("FREQ=MONTHLY", "2025-11-03", "2026-03-03", ["2026-01-03", "2026-02-03", "2026-03-03"]),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "2026-01-01", "2026-01-29", [
            "2026-01-01", "2026-01-13", "2026-01-15", "2026-01-27", "2026-01-29",
        ]),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH,TU", "2026-01-01", "2026-01-15", ["2026-01-01", "2026-01-13", "2026-01-15"]),
        ("FREQ=WEEKLY;BYDAY=WE", "2026-01-05", "2026-01-14", ["2026-01-07", "2026-01-14"]),
        ("FREQ=WEEKLY;INTERVAL=3", "2026-01-05", "2026-02-16", ["2026-01-05", "2026-01-26", "2026-02-16"]),
        ("freq=weekly;byday=sa,su", "2026-01-01", "2026-01-11", ["2026-01-03", "2026-01-04", "2026-01-10", "2026-01-11"]),
    ])
    func ruleDates(rule: String, start: String, last: String, dates: [String]) throws {
        let calendar = try slotCalendar(rule, from: start, at: "18:00", in: "UTC")
        let slots = calendar.slots(from: utc("2026-01-01T00:00"), through: utc(last + "T18:00"))
        let expected = dates.filter { $0 >= "2026-01-01" }
        #expect(slots.map(\.localDate.iso) == expected)
        #expect(slots.allSatisfy { $0.startsAt.rfc3339.hasPrefix($0.localDate.iso + "T18:00") })
        for text in expected { #expect(calendar.slot(onLocalDate: date(text)) != nil) }
    }

    @Test func leapDayYearlyMonthlySkipsTheCenturyYear() throws {
        let calendar = try slotCalendar("FREQ=MONTHLY;INTERVAL=12", from: "2096-02-29", at: "10:00", in: "UTC")
        let slots = calendar.slots(from: utc("2096-01-01T00:00"), through: utc("2108-12-31T00:00"))
        #expect(slots.map(\.localDate.iso) == ["2096-02-29", "2104-02-29", "2108-02-29"])
        #expect(calendar.slot(onLocalDate: date("2100-02-28")) == nil)
    }

    @Test(arguments: [
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "2020-03-24", "15:00", "Europe/Berlin",
         "every second Tuesday at 15:00 (Europe/Berlin)"),
        ("FREQ=WEEKLY;BYDAY=TU,TH", "2026-01-06", "09:30", "America/New_York",
         "every Tuesday and Thursday at 09:30 (America/New_York)"),
        ("FREQ=DAILY", "2026-01-01", "12:00", "UTC", "every day at 12:00 (UTC)"),
        ("FREQ=MONTHLY", "2026-01-03", "18:00", "Australia/Sydney", "every month on the 3rd at 18:00 (Australia/Sydney)"),
        ("FREQ=WEEKLY", "2026-01-05", "10:00", "UTC", "every Monday at 10:00 (UTC)"),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=FR,MO,WE", "2026-01-05", "10:00", "UTC",
         "every third week on Monday, Wednesday and Friday at 10:00 (UTC)"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU", "2026-01-05", "08:00", "UTC", "every day at 08:00 (UTC)"),
        ("FREQ=DAILY;INTERVAL=2", "2026-01-01", "07:05", "UTC", "every second day at 07:05 (UTC)"),
        ("FREQ=DAILY;INTERVAL=21", "2026-01-01", "07:05", "UTC", "every 21st day at 07:05 (UTC)"),
        ("FREQ=WEEKLY;INTERVAL=12;BYDAY=SU", "2026-01-04", "11:00", "UTC", "every twelfth Sunday at 11:00 (UTC)"),
        ("FREQ=MONTHLY;INTERVAL=2", "2026-01-31", "18:00", "UTC",
         "every second month on the 31st at 18:00 (UTC), skipping months without a 31st"),
        ("FREQ=MONTHLY", "2026-01-22", "18:00", "UTC", "every month on the 22nd at 18:00 (UTC)"),
        ("FREQ=MONTHLY", "2026-01-11", "18:00", "UTC", "every month on the 11th at 18:00 (UTC)"),
        ("FREQ=MONTHLY;INTERVAL=13", "2026-01-01", "18:00", "UTC", "every 13th month on the 1st at 18:00 (UTC)"),
    ])
    func describesTheRuleInEnglish(rule: String, start: String, time: String, zone: String, text: String) throws {
        #expect(try slotCalendar(rule, from: start, at: time, in: zone).describe() == text)
    }
}
