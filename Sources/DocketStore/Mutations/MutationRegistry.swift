import DocketCore

/// One handler per mutation name: the only code that changes Docket's state.
enum MutationRegistry {
    typealias Handler = @Sendable (inout Args, MutationContext) throws -> Void

    static let handlers: [String: Handler] = [
        "series.create": SeriesMutations.create,
        "series.update": SeriesMutations.update,
        "person.create": PersonMutations.create,
        "membership.set": PersonMutations.setMembership,
        "paper.create": PaperMutations.create,
        "suggestion.create": SuggestionMutations.create,
        "suggestion.update": SuggestionMutations.update,
        "suggestion.withdraw": SuggestionMutations.withdraw,
        "suggestion.decline": SuggestionMutations.decline,
        "suggestion.merge": SuggestionMutations.merge,
        "suggestion.volunteer": SuggestionMutations.volunteer,
        "suggestion.unvolunteer": SuggestionMutations.unvolunteer,
        "ballot.set": BallotMutations.set,
        "episode.create": EpisodeMutations.create,
        "episode.update": EpisodeMutations.update,
        "episode.cancel": EpisodeMutations.cancel,
        "episode.reschedule": CalendarMutations.reschedule,
        "suggestion.promote": PromoteMutations.promote,
        "round.open": RoundMutations.open,
        "round.close": RoundMutations.close,
        "round.promote": RoundMutations.promote,
        "series.skip": CalendarMutations.skip,
        "series.unskip": CalendarMutations.unskip,
        "presenter.assign": CalendarMutations.assign,
        "presenter.unassign": CalendarMutations.unassign,
        "presenter.respond": CalendarMutations.respond,
    ]

    typealias Preparer = @Sendable (JSONValue, Principal, Timestamp, Environment) -> any Sendable

    /// Work a handler can do from its arguments alone, done by `Store.push` before the push waits for SQLite's one
    /// writer, on another core; the handler finds it in `MutationContext.prepared` (and does it itself without).
    static let preparers: [String: Preparer] = [
        "suggestion.create": SuggestionMutations.prepare,
    ]

    /// The mutations that may run while a push holds rows back (`HeldWrites`): they change no series and no
    /// membership, and flush the held rows themselves where they read the change log.
    static let runBesideHeldRows: Set<String> = ["suggestion.create"]

    /// The names the server applies, sorted.
    static var names: [String] { handlers.keys.sorted() }
}

extension Store {
    /// Every mutation name the server knows, sorted (bounded labels for metrics and docs).
    public static var mutationNames: [String] { MutationRegistry.names }
}
