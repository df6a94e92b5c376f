import DocketCore
import Testing

extension CadenceSlotTests {
    /// The seed seminar's next free slot after 2020-09-01 with `skipped` and `occupied`.
    func nextFree(
        after now: String = "2020-09-01T00:00", count: Int = 1, skipped: [String] = [], occupied: [String] = []
    ) -> [String] {
        let slots = seed.nextFreeSlots(
            after: utc(now), count: count, skipped: Set(skipped.map(date)), occupied: occupied.map(utc)
        )
        return slots.map(minute)
    }

    @Test func theNextFreeSlotIsTheNextCadenceSlot() {
        #expect(nextFree() == ["2020-09-08T13:00"])
    }

    @Test func skippedDatesArePassedOver() {
        #expect(nextFree(skipped: ["2020-09-08"]) == ["2020-09-22T13:00"])
        #expect(nextFree(skipped: ["2020-09-08", "2020-09-22"]) == ["2020-10-06T13:00"])
    }

    @Test(arguments: [
        ("2020-09-08T13:00", "2020-09-22T13:00"),  // an episode in the slot
        ("2020-09-08T13:30", "2020-09-22T13:00"),  // one moved to half past, still inside the slot
        ("2020-09-08T16:00", "2020-09-08T13:00"),  // an extra session at 18:00 that day
        ("2020-09-08T14:00", "2020-09-08T13:00"),  // one starting as the slot ends
        ("2020-09-08T12:30", "2020-09-08T13:00"),  // one starting before the slot
        ("2020-09-10T13:00", "2020-09-08T13:00"),  // an extra session on another day
    ])
    func occupiedMeansAnEpisodeStartsWithinTheSlot(episode: String, next: String) {
        #expect(nextFree(occupied: [episode]) == [next])
    }

    @Test func afterNowExcludesASlotStartingAtNow() {
        #expect(nextFree(after: "2020-09-08T13:00") == ["2020-09-22T13:00"])
        #expect(nextFree(after: "2020-09-08T13:30") == ["2020-09-22T13:00"])
        let justBefore = seed.nextFreeSlots(
            after: utc("2020-09-08T13:00").adding(milliseconds: -1), count: 1, skipped: [], occupied: []
        )
        #expect(justBefore.map(minute) == ["2020-09-08T13:00"])
    }

    @Test func severalFreeSlotsInOrder() {
        let free = nextFree(count: 4, skipped: ["2020-09-22"], occupied: ["2020-10-06T13:00", "2020-08-25T13:00"])
        #expect(free == ["2020-09-08T13:00", "2020-10-20T13:00", "2020-11-03T14:00", "2020-11-17T14:00"])
        #expect(nextFree(count: 0).isEmpty)
        #expect(nextFree(count: -3).isEmpty)
    }

    @Test func slotsBeforeTheFirstCadenceDateAreNotOffered() {
        #expect(nextFree(after: "2019-01-01T00:00") == ["2020-03-24T14:00"])
    }

    @Test func theSearchEndsWhenEveryDateIsSkippedForYears() {
        let every = seed.slots(from: utc("2020-09-01T00:00"), through: utc("2040-01-01T00:00")).map(\.localDate)
        #expect(nextFree(count: 2, skipped: every.map(\.iso)).isEmpty)
        let open = ["2024-06-11", "2029-03-13", "2031-01-14"]  // the last lies past the ten-year horizon
        let skipped = every.map(\.iso).filter { !open.contains($0) }
        #expect(nextFree(count: 5, skipped: skipped) == ["2024-06-11T13:00", "2029-03-13T14:00"])
    }

    @Test func theSearchEndsAtTheEdgesOfTime() {
        for now in [Int64.max, .max - 1, .min, 253_402_300_799_000] {
            #expect(seed.nextFreeSlots(after: Timestamp(milliseconds: now), count: 3, skipped: [], occupied: []).isEmpty)
        }
    }
}
