/// The mutable state of an instant-runoff count: who is still in, and where each ballot's vote sits.
///
/// Each ballot sits on the pile of its first remaining choice. Eliminating
/// candidates moves only their piles, and every move is logged so a search
/// can undo it in reverse: one count serves every branch of the search. An
/// eliminated candidate's pile is left linked through the log, so undoing
/// restores it exactly.
struct RunoffCount {
    private struct Move {
        let ballot: Int32
        let from: Int32
        let to: Int32
        let oldNext: Int32
    }

    private let choices: [Int32]
    private let ends: [Int]
    private let weights: [Int64]
    private var position: [Int32]
    /// Piles as intrusive linked lists: `pileHead[c]` and `nextInPile[b]`, -1 ending a list.
    private var pileHead: [Int32]
    private var nextInPile: [Int32]
    private var log: [Move] = []
    private(set) var votes: [Int64]
    /// Per candidate: the weight of counted ballots listing it, the most votes it can ever hold.
    private let ceiling: [Int64]
    private(set) var alive: Bitset
    private(set) var aliveCount: Int
    /// The weight of ballots whose every choice is out.
    private(set) var exhausted: Int64 = 0

    /// A count with every candidate in; throws when a counted ballot ties candidates.
    init(_ input: TallyInput) throws(TallyError) {
        let n = input.candidateCount
        var choices: [Int32] = [], ends: [Int] = [], weights: [Int64] = []
        for (b, ballot) in input.ballots.enumerated() where ballot.count > 0 && !ballot.listed.isEmpty {
            if let g = ballot.groupEnds.indices.first(where: { ballot.group($0).count > 1 }) {
                throw .runoffNeedsStrictBallots(ballot: b, group: g, size: ballot.group(g).count)
            }
            for c in ballot.listed { choices.append(Int32(c)) }
            ends.append(choices.count)
            weights.append(ballot.count)
        }
        self.choices = choices
        self.ends = ends
        self.weights = weights
        self.position = Array(repeating: 0, count: ends.count)
        self.pileHead = Array(repeating: -1, count: n)
        self.nextInPile = Array(repeating: -1, count: ends.count)
        self.votes = Array(repeating: 0, count: n)
        self.alive = Bitset.full(n)
        self.aliveCount = n
        var ceiling = [Int64](repeating: 0, count: n)
        for (b, end) in ends.enumerated() {
            for p in (b == 0 ? 0 : ends[b - 1])..<end { ceiling[Int(choices[p])] += weights[b] }
        }
        self.ceiling = ceiling
        for b in ends.indices.reversed() {
            let first = b == 0 ? 0 : ends[b - 1]
            position[b] = Int32(first)
            let c = Int(choices[first])
            nextInPile[b] = pileHead[c]
            pileHead[c] = Int32(b)
            votes[c] += weights[b]
        }
    }

    /// The log length now, to undo back to later.
    var mark: Int { log.count }

    /// Takes `batch` out and moves their ballots on; returns the work done (moves and skips).
    mutating func eliminate(_ batch: [Int]) -> Int {
        for c in batch { alive.remove(c) }
        aliveCount -= batch.count
        var work = batch.count
        for c in batch {
            var b32 = pileHead[c]
            while b32 >= 0 {
                let b = Int(b32)
                let following = nextInPile[b]
                let old = position[b]
                var p = Int(old) + 1
                while p < ends[b], !alive.contains(Int(choices[p])) { p += 1 }
                work += p - Int(old)
                position[b] = Int32(p)
                if p < ends[b] {
                    let next = Int(choices[p])
                    nextInPile[b] = pileHead[next]
                    pileHead[next] = b32
                    votes[next] += weights[b]
                    log.append(Move(ballot: b32, from: old, to: Int32(next), oldNext: following))
                } else {
                    exhausted += weights[b]
                    log.append(Move(ballot: b32, from: old, to: -1, oldNext: following))
                }
                b32 = following
            }
        }
        return work
    }

    /// Reverses every move since `mark` and brings `batch` back in.
    mutating func undo(to mark: Int, reviving batch: [Int]) {
        while log.count > mark, let move = log.popLast() {
            let b = Int(move.ballot)
            if move.to >= 0 {
                let to = Int(move.to)
                pileHead[to] = nextInPile[b]
                votes[to] -= weights[b]
            } else {
                exhausted -= weights[b]
            }
            nextInPile[b] = move.oldNext
            position[b] = move.from
        }
        for c in batch { alive.insert(c) }
        aliveCount += batch.count
    }

    /// What the current round calls for, by TALLY.md's irv rules.
    enum Step: Equatable {
        /// One candidate left, or everyone left has 0 votes: they all win.
        case finished([Int])
        /// These have 0 votes and leave together (removing one changes no one else's count).
        case dropZeros([Int])
        /// These tie for the fewest votes (more than 0); any one of them may leave.
        case eliminateOne(of: [Int])
    }

    /// The step for the current round, candidates in input order.
    func step() -> Step {
        var fewest = Int64.max
        var lowest: [Int] = []
        var remaining = 0
        forEachAlive { c in
            remaining += 1
            let v = votes[c]
            if v < fewest {
                fewest = v
                lowest.removeAll(keepingCapacity: true)
            }
            if v == fewest { lowest.append(c) }
        }
        if remaining <= 1 { return .finished(lowest) }
        if fewest == 0 { return lowest.count == remaining ? .finished(lowest) : .dropZeros(lowest) }
        return .eliminateOne(of: lowest)
    }

    /// The candidate holding more than half of all live votes, if any: it wins however ties are broken,
    /// since its votes only grow and the others' share only shrinks.
    func majorityHolder() -> Int? {
        var total: Int64 = 0
        var best = -1
        forEachAlive { c in
            total += votes[c]
            if best < 0 || votes[c] > votes[best] { best = c }
        }
        return best >= 0 && votes[best] > total - votes[best] ? best : nil
    }

    /// Whether some remaining candidate outside `known` might still be the last one left.
    ///
    /// A candidate cannot be if someone else already holds more votes than it
    /// can ever get: while both remain, that one is never lowest, so it never leaves first.
    func hasContender(outside known: Bitset) -> Bool {
        var top: Int64 = -1, second: Int64 = -1, topCandidate = -1
        forEachAlive { c in
            if votes[c] > top {
                second = top
                top = votes[c]
                topCandidate = c
            } else if votes[c] > second {
                second = votes[c]
            }
        }
        var contender = false
        forEachAlive { c in
            if !contender, !known.contains(c), ceiling[c] >= (c == topCandidate ? second : top) { contender = true }
        }
        return contender
    }

    /// The largest set of lowest candidates whose votes together are fewer than anyone else's,
    /// when it holds every one of `tied`: they all leave before anyone else in every order,
    /// and every order ends in the same remaining set, so they may leave as one batch.
    func doomed(containing tied: [Int]) -> [Int]? {
        var live: [(votes: Int64, candidate: Int)] = []
        forEachAlive { live.append((votes[$0], $0)) }
        live.sort { $0.votes != $1.votes ? $0.votes < $1.votes : $0.candidate < $1.candidate }
        var sum: Int64 = 0
        var size = 0
        for k in 0..<(live.count - 1) {
            sum += live[k].votes
            if sum < live[k + 1].votes { size = k + 1 }
        }
        guard size >= tied.count else { return nil }
        return live[0..<size].map(\.candidate).sorted()
    }

    private func forEachAlive(_ body: (Int) -> Void) {
        for (k, word) in alive.words.enumerated() {
            var bits = word
            while bits != 0 {
                body(k << 6 | bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
    }
}
