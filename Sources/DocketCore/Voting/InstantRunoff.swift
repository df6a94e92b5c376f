/// Instant runoff with parallel-universe tie-breaking, for strict (possibly truncated) ballots.
///
/// `order` and `rounds` come from one tie-broken count: among candidates tied
/// for the fewest votes, the one latest in the input list leaves first. The
/// winner set comes from `RunoffSearch`: every candidate left last in some
/// sequence of choices among tied-lowest candidates.
enum InstantRunoff {
    /// Rounds are kept for people to read only up to this many candidates (the table grows as n²).
    static let maxCandidatesForRounds = 1_000

    static func tally(_ input: TallyInput, limits: TallyLimits) throws(TallyError) -> TallyResult {
        let count = try RunoffCount(input)
        let run = tieBrokenCount(count, keepRounds: input.candidateCount <= maxCandidatesForRounds)
        var search = RunoffSearch(count: count, limits: limits)
        for c in run.survivors { search.found.insert(c) }
        search.run()
        return TallyResult(
            method: .irv, candidates: input.candidates, winners: search.found.members, ranking: nil,
            order: run.order, tieBreak: TieBreak.runoff, note: search.hitBound ? boundNote(search) : nil,
            rounds: run.rounds
        )
    }

    /// The one deterministic count: who is left at the end, the order, and (if kept) each round.
    static func tieBrokenCount(_ start: RunoffCount, keepRounds: Bool) -> (survivors: [Int], order: [Int], rounds: [RunoffRound]?) {
        var count = start
        var rounds: [RunoffRound] = []
        var batches: [[Int]] = []
        while true {
            let step = count.step()
            let leaving: [Int]
            switch step {
            case .finished(let survivors):
                if keepRounds { rounds.append(round(count, leaving: [], step: step)) }
                return (survivors, survivors + batches.reversed().flatMap { $0 }, keepRounds ? rounds : nil)
            case .dropZeros(let zeros): leaving = zeros
            case .eliminateOne(let tied): leaving = tied.last.map { [$0] } ?? []
            }
            if keepRounds { rounds.append(round(count, leaving: leaving, step: step)) }
            // `step()` never asks to eliminate no one; stop rather than loop if it ever did.
            guard !leaving.isEmpty else {
                let left = count.alive.members
                return (left, left + batches.reversed().flatMap { $0 }, keepRounds ? rounds : nil)
            }
            batches.append(leaving)
            _ = count.eliminate(leaving)
        }
    }

    private static func round(_ count: RunoffCount, leaving: [Int], step: RunoffCount.Step) -> RunoffRound {
        let remaining = count.alive.members
        var tied = false
        if case .eliminateOne(let lowest) = step { tied = lowest.count > 1 }
        return RunoffRound(
            votes: remaining.map { ($0, count.votes[$0]) }, exhausted: count.exhausted,
            eliminated: leaving, tieBroken: tied
        )
    }

    static func boundNote(_ search: RunoffSearch) -> String {
        "search bound reached (\(search.states) states, \(search.work) work units): winners lists only the "
            + "candidates found in the tie-breaks explored so far, always including the tie-broken winner order[0], "
            + "and may be incomplete"
    }
}
