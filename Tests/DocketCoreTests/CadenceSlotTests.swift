import DocketCore
import Foundation
import Testing

@Suite struct CadenceSlotTests {
    let seed: SlotCalendar = try! Self.slotCalendar(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", from: "2020-03-24", at: "15:00", in: "Europe/Berlin"
    )

    /// A calendar for a cadence written the way a series stores it.
    static func slotCalendar(
        _ rrule: String, from start: String, at time: String, in zone: String, minutes: Int = 60
    ) throws -> SlotCalendar {
        let cadence = Cadence(
            rrule: rrule, startDate: try #require(CivilDate(iso: start)), startTime: try #require(LocalTime(time)),
            durationMinutes: minutes
        )
        return try SlotCalendar(cadence: cadence, timeZone: zone)
    }

    func slotCalendar(
        _ rrule: String, from start: String, at time: String, in zone: String, minutes: Int = 60
    ) throws -> SlotCalendar {
        try Self.slotCalendar(rrule, from: start, at: time, in: zone, minutes: minutes)
    }

    /// An instant written `YYYY-MM-DDTHH:MM` in UTC.
    func utc(_ text: String) -> Timestamp {
        Timestamp(rfc3339: text + ":00Z")!
    }

    /// A slot's start as `YYYY-MM-DDTHH:MM` in UTC.
    func minute(_ slot: Slot) -> String {
        String(slot.startsAt.rfc3339.prefix(16))
    }

    func date(_ text: String) -> CivilDate {
        CivilDate(iso: text)!
    }

    @Test func seedSeminarFollowsBerlinWallClockAcrossBothChanges() {
        let slots = seed.slots(from: utc("2020-03-01T00:00"), through: utc("2020-11-10T00:00"))
        #expect(slots.map(minute) == [
            "2020-03-24T14:00", "2020-04-07T13:00", "2020-04-21T13:00", "2020-05-05T13:00", "2020-05-19T13:00",
            "2020-06-02T13:00", "2020-06-16T13:00", "2020-06-30T13:00", "2020-07-14T13:00", "2020-07-28T13:00",
            "2020-08-11T13:00", "2020-08-25T13:00", "2020-09-08T13:00", "2020-09-22T13:00", "2020-10-06T13:00",
            "2020-10-20T13:00", "2020-11-03T14:00",
        ])
        #expect(slots.allSatisfy { $0.endsAt == $0.startsAt.adding(milliseconds: 3_600_000) })
        #expect(slots.first?.localDate == date("2020-03-24"))
    }

    @Test func seedExtraSessionDateIsNotACadenceDate() {
        #expect(seed.slot(onLocalDate: date("2020-03-31")) == nil)
        #expect(seed.slot(onLocalDate: date("2020-03-10")) == nil)
        #expect(seed.slot(onLocalDate: date("2020-09-22")).map(minute) == "2020-09-22T13:00")
    }

    /// Weekly slots on the Sundays around each change: (zone, first Sunday, time, UTC starts).
    @Test(arguments: [
        ("Europe/Berlin", "2026-03-22", "10:00", ["2026-03-22T09:00", "2026-03-29T08:00", "2026-04-05T08:00"]),
        ("Europe/Berlin", "2026-03-22", "02:30", ["2026-03-22T01:30", "2026-03-29T01:30", "2026-04-05T00:30"]),
        ("Europe/Berlin", "2026-10-18", "10:00", ["2026-10-18T08:00", "2026-10-25T09:00", "2026-11-01T09:00"]),
        ("Europe/Berlin", "2026-10-18", "02:30", ["2026-10-18T00:30", "2026-10-25T00:30", "2026-11-01T01:30"]),
        ("America/New_York", "2026-03-01", "09:30", ["2026-03-01T14:30", "2026-03-08T13:30", "2026-03-15T13:30"]),
        ("America/New_York", "2026-03-01", "02:30", ["2026-03-01T07:30", "2026-03-08T07:30", "2026-03-15T06:30"]),
        ("America/New_York", "2026-10-25", "09:30", ["2026-10-25T13:30", "2026-11-01T14:30", "2026-11-08T14:30"]),
        ("America/New_York", "2026-10-25", "01:30", ["2026-10-25T05:30", "2026-11-01T05:30", "2026-11-08T06:30"]),
        ("Australia/Sydney", "2026-03-29", "18:00", ["2026-03-29T07:00", "2026-04-05T08:00", "2026-04-12T08:00"]),
        ("Australia/Sydney", "2026-03-29", "02:30", ["2026-03-28T15:30", "2026-04-04T15:30", "2026-04-11T16:30"]),
        ("Australia/Sydney", "2026-09-27", "18:00", ["2026-09-27T08:00", "2026-10-04T07:00", "2026-10-11T07:00"]),
        ("Australia/Sydney", "2026-09-27", "02:30", ["2026-09-26T16:30", "2026-10-03T16:30", "2026-10-10T15:30"]),
    ])
    func weeklySlotsEitherSideOfAChange(zone: String, first: String, time: String, starts: [String]) throws {
        let calendar = try slotCalendar("FREQ=WEEKLY", from: first, at: time, in: zone)
        let slots = calendar.slots(from: utc("2026-01-01T00:00"), through: utc(starts[2]))
        #expect(slots.map(minute) == starts)
        let dates = slots.map(\.localDate)
        #expect(dates == [0, 7, 14].map { CivilDate(daysSinceEpoch: date(first).daysSinceEpoch + $0) })
    }

    @Test(arguments: [
        ("Europe/Berlin", "2026-03-31", "15:00", "2026-03-31T13:00"),
        ("Europe/Berlin", "2026-10-27", "15:00", "2026-10-27T14:00"),
        ("America/New_York", "2026-03-10", "15:00", "2026-03-10T19:00"),
        ("America/New_York", "2026-11-03", "15:00", "2026-11-03T20:00"),
    ])
    func tuesdaysAfterAChangeUseTheNewOffset(zone: String, day: String, time: String, start: String) throws {
        let calendar = try slotCalendar("FREQ=WEEKLY;BYDAY=TU", from: "2026-01-06", at: time, in: zone)
        #expect(calendar.slot(onLocalDate: date(day)).map(minute) == start)
    }

    @Test func startInTheGapMovesForwardByTheGap() throws {
        let calendar = try slotCalendar("FREQ=DAILY", from: "2026-03-01", at: "02:30", in: "Europe/Berlin")
        let slot = try #require(calendar.slot(onLocalDate: date("2026-03-29")))
        #expect(minute(slot) == "2026-03-29T01:30")  // 03:30 CEST
        #expect(slot.localDate == date("2026-03-29"))
    }

    @Test func startInTheRepeatedHourTakesTheFirstOccurrence() throws {
        let calendar = try slotCalendar("FREQ=DAILY", from: "2026-10-01", at: "02:30", in: "Europe/Berlin")
        let slot = try #require(calendar.slot(onLocalDate: date("2026-10-25")))
        #expect(minute(slot) == "2026-10-25T00:30")  // 02:30 CEST, not 02:30 CET
        #expect(slot.endsAt == utc("2026-10-25T01:30"))
    }

    /// Every daily slot for ten years reads the start time on the zone's clock, except on gap days.
    @Test(arguments: ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"])
    func dailySlotsKeepTheWallClockTime(zone: String) throws {
        let calendar = try slotCalendar("FREQ=DAILY", from: "2020-01-01", at: "02:30", in: zone)
        let tz = try #require(TimeZone(identifier: zone))
        let slots = calendar.slots(from: utc("2020-01-01T00:00"), through: utc("2030-01-01T00:00"))
        #expect(slots.count >= 3652)
        for slot in slots {
            let second = slot.startsAt.milliseconds / 1000
            let local = second + Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second))))
            let earlier = second - 3600
            let earlierLocal = earlier + Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(earlier))))
            #expect(local % 86_400 == 9_000 || local % 86_400 == 12_600, "\(slot)")
            #expect(local / 86_400 == slot.localDate.daysSinceEpoch)
            #expect(earlierLocal != local, "a first occurrence has no earlier instant with the same wall time")
        }
    }

    @Test func rejectsWhatItCannotFollow() throws {
        #expect(throws: SlotCalendarError.unknownTimeZone("Mars/Olympus")) {
            try slotCalendar("FREQ=DAILY", from: "2026-01-01", at: "10:00", in: "Mars/Olympus")
        }
        #expect(throws: SlotCalendarError.self) {
            try slotCalendar("FREQ=YEARLY", from: "2026-01-01", at: "10:00", in: "UTC")
        }
        #expect(throws: SlotCalendarError.self) {
            try slotCalendar("FREQ=WEEKLY;BYDAY=,", from: "2026-01-01", at: "10:00", in: "UTC")
        }
        #expect(throws: SlotCalendarError.invalidDuration(0)) {
            try slotCalendar("FREQ=DAILY", from: "2026-01-01", at: "10:00", in: "UTC", minutes: 0)
        }
        let error = SlotCalendarError.unsupportedRule("FREQ=YEARLY", problem: "FREQ must be DAILY, WEEKLY or MONTHLY")
        #expect(error.description == "rrule \"FREQ=YEARLY\" FREQ must be DAILY, WEEKLY or MONTHLY")
    }

    @Test func rangesAreCappedAtFiftyYearsAndMayBeEmpty() throws {
        let calendar = try slotCalendar("FREQ=DAILY", from: "2000-01-01", at: "12:00", in: "UTC")
        let slots = calendar.slots(from: utc("2000-01-01T00:00"), through: utc("2200-01-01T00:00"))
        #expect(slots.count == 18_262)
        #expect(slots.last?.localDate == CivilDate(daysSinceEpoch: date("2000-01-01").daysSinceEpoch + 18_261))
        #expect(calendar.slots(from: utc("2001-01-01T00:00"), through: utc("2000-01-01T00:00")).isEmpty)
        #expect(calendar.slots(from: utc("1990-01-01T00:00"), through: utc("1999-12-31T23:59")).isEmpty)
        #expect(calendar.slot(onLocalDate: date("1999-12-31")) == nil)
        let farOut = calendar.slots(from: Timestamp(milliseconds: .max - 5), through: Timestamp(milliseconds: .max))
        #expect(farOut.isEmpty)
    }
}
