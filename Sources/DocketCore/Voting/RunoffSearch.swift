/// Depth-first search for every instant-runoff winner over all choices among tied-lowest candidates.
///
/// Memoises on the set of remaining candidates (what decides everything
/// after). Zero-vote candidates leave in one batch, so k of them cost one
/// step, not k! orders. Four cuts keep the union exact: a state is pruned
/// when every remaining candidate not yet known to win is outvoted by
/// someone already holding more votes than it could ever get (its ballots'
/// total), so winners from it are known ones; a candidate with more than half the live votes wins in every
/// continuation; and when the tied-lowest candidates belong to a set of lowest
/// candidates whose votes together are fewer than anyone else's, that whole
/// set leaves first in every order and ends in one state, so it leaves as a batch.
struct RunoffSearch {
    private struct Frame {
        let mark: Int
        let batch: [Int]
        let choices: [[Int]]
        var next = 0
    }

    private var count: RunoffCount
    let limits: TallyLimits
    /// Winners found so far.
    var found: Bitset
    private(set) var states = 0
    private(set) var work = 0
    private(set) var hitBound = false
    private var visited: Set<Bitset> = []

    init(count: RunoffCount, limits: TallyLimits) {
        self.count = count
        self.limits = limits
        self.found = Bitset(size: count.alive.size)
    }

    /// Explores every choice, or stops at a bound with `hitBound` set.
    mutating func run() {
        var frames: [Frame] = []
        if let choices = expand() { frames.append(Frame(mark: count.mark, batch: [], choices: choices)) }
        while !hitBound, let top = frames.last {
            guard top.next < top.choices.count else {
                count.undo(to: top.mark, reviving: top.batch)
                frames.removeLast()
                continue
            }
            frames[frames.count - 1].next += 1
            let batch = top.choices[top.next]
            let mark = count.mark
            work += count.eliminate(batch)
            if let choices = expand() {
                frames.append(Frame(mark: mark, batch: batch, choices: choices))
            } else {
                count.undo(to: mark, reviving: batch)
            }
        }
    }

    /// The eliminations to try from the current state; nil at a winner, a prune, a repeat or a bound.
    private mutating func expand() -> [[Int]]? {
        let remaining = count.alive
        if remaining.isSubset(of: found) || visited.contains(remaining) || !count.hasContender(outside: found) {
            return nil
        }
        guard states < limits.runoffStates, work < limits.runoffWork else {
            hitBound = true
            return nil
        }
        visited.insert(remaining)
        states += 1
        work += remaining.size
        if let holder = count.majorityHolder() {
            found.insert(holder)
            return nil
        }
        switch count.step() {
        case .finished(let winners):
            for c in winners { found.insert(c) }
            return nil
        case .dropZeros(let zeros):
            return [zeros]
        case .eliminateOne(let tied) where tied.count == 1:
            return [tied]
        case .eliminateOne(let tied):
            work += remaining.size * 8
            if let doomed = count.doomed(containing: tied) { return [doomed] }
            return tied.reversed().map { [$0] }
        }
    }
}
