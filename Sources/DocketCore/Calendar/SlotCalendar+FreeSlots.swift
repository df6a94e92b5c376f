extension SlotCalendar {
    /// How far past `now` `nextFreeSlots` looks: 3,653 days, about ten years.
    public static let freeSlotHorizon: Int64 = 3_653 * 86_400_000

    /// The first `count` free slots starting after `now`, ascending (PROTOCOL.md section 8, "Promotion").
    ///
    /// A slot is free when it starts strictly after `now`, its local date is
    /// not in `skipped`, and no instant of `occupied` (the starts of scheduled
    /// or held episodes) lies in `[startsAt, endsAt)`. So an episode at the
    /// slot's start, or moved a little within it, takes the slot; an extra
    /// session later that day or on another day does not. The search ends
    /// `freeSlotHorizon` after `now`, so it returns fewer than `count` slots
    /// (perhaps none) when that span has too few free ones.
    public func nextFreeSlots(
        after now: Timestamp, count: Int, skipped: Set<CivilDate>, occupied: [Timestamp]
    ) -> [Slot] {
        guard count > 0 else { return [] }
        let taken = occupied.sorted()
        let horizon = Timestamp(milliseconds: DayMath.saturatingAdd(now.milliseconds, Self.freeSlotHorizon))
        var free: [Slot] = []
        var start = Timestamp(milliseconds: DayMath.saturatingAdd(now.milliseconds, 1))
        // A year at a time, so finding the next slot does not lay out ten years of them.
        while free.count < count, start > now, start <= horizon {
            let yearLater = DayMath.saturatingAdd(start.milliseconds, 366 * 86_400_000)
            let end = min(horizon, Timestamp(milliseconds: yearLater))
            let found = slots(from: start, through: end).filter {
                !skipped.contains($0.localDate) && !Self.isOccupied($0, by: taken)
            }
            free += found.prefix(count - free.count)
            if end == horizon { break }
            start = end.adding(milliseconds: 1)
        }
        return free
    }

    /// Whether some instant of `taken` (sorted ascending) lies in `[slot.startsAt, slot.endsAt)`.
    static func isOccupied(_ slot: Slot, by taken: [Timestamp]) -> Bool {
        var low = 0
        var high = taken.count
        while low < high {
            let middle = (low + high) / 2
            if taken[middle] < slot.startsAt { low = middle + 1 } else { high = middle }
        }
        return low < taken.count && taken[low] < slot.endsAt
    }
}
