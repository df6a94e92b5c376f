/// One meeting of a series' cadence: its local date and its instants.
///
/// `endsAt` is `startsAt` plus the cadence's duration in elapsed time, so a
/// session that spans a clock change still lasts its full duration.
public struct Slot: Hashable, Sendable {
    /// The cadence date in the series' time zone (stays the same when a gap moves the start).
    public var localDate: CivilDate
    /// When the slot begins.
    public var startsAt: Timestamp
    /// When the slot ends (exclusive).
    public var endsAt: Timestamp

    /// A slot from its parts.
    public init(localDate: CivilDate, startsAt: Timestamp, endsAt: Timestamp) {
        self.localDate = localDate
        self.startsAt = startsAt
        self.endsAt = endsAt
    }
}
