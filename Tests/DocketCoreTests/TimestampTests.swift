import DocketCore
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2020-09-22T13:00:00.000Z", Int64(1_600_779_600_000)),
        ("1970-01-01T00:00:00.000Z", 0),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2024-02-29T12:34:56.789Z", 1_709_210_096_789),
    ])
    func formatsAndParsesTheWireForm(_ text: String, _ milliseconds: Int64) throws {
        #expect(Timestamp(milliseconds: milliseconds).rfc3339 == text)
        #expect(Timestamp(rfc3339: text)?.milliseconds == milliseconds)
    }

    @Test func readsOffsetsAndOtherPrecisions() {
        #expect(Timestamp(rfc3339: "2020-09-22T15:00:00+02:00")?.rfc3339 == "2020-09-22T13:00:00.000Z")
        #expect(Timestamp(rfc3339: "2020-09-22T13:00:00.1234567Z")?.rfc3339 == "2020-09-22T13:00:00.123Z")
        #expect(Timestamp(rfc3339: "2020-09-22t13:00:00z")?.rfc3339 == "2020-09-22T13:00:00.000Z")
    }

    @Test(arguments: [
        "2020-09-22", "2020-09-22T13:00:00", "2020-13-01T00:00:00Z", "2021-02-29T00:00:00Z", "2020-09-22T24:00:00Z",
        "2020-09-22T13:00:00.Z", "2020-09-22T13:00:00+0200", "yesterday", "2020-09-22T13:00:00Zjunk",
    ])
    func rejectsWhatIsNotRFC3339(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func civilDatesRoundTripAcrossCenturies() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let date = CivilDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            #expect(CivilDate(iso: date.iso) == date || date.year > 9999 || date.year < 0)
        }
    }

    @Test func localTimesAreTwentyFourHour() {
        #expect(LocalTime("15:00")?.text == "15:00")
        #expect(LocalTime("24:00") == nil)
        #expect(LocalTime("9:00") == nil)
    }
}

extension TimestampTests {
    @Test func offsetsCannotCarryAnInstantOutsideFourDigitYears() {
        #expect(Timestamp(rfc3339: "9999-12-31T23:59:59.999-23:59") == nil)
        #expect(Timestamp(rfc3339: "0000-01-01T00:00:00.000+01:00") == nil)
        #expect(Timestamp(rfc3339: "9999-12-31T23:59:59.999Z")?.rfc3339 == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp(rfc3339: "0000-01-01T00:00:00.000Z")?.rfc3339 == "0000-01-01T00:00:00.000Z")
    }
}
