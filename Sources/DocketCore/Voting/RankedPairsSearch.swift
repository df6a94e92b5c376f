/// Search for every ranked-pairs winner over all orders of equal-margin edges.
///
/// One depth-first hunt per candidate not yet known to win: does some order
/// leave this target unbeaten? Each hunt memoises on (margin group index,
/// transitive closure of the locked edges), the state TALLY.md names: within
/// a group the closure alone decides which of the group's edges are still
/// open (neither implied nor contradicted), so orders reaching the same
/// closure continue identically. A group whose open edges can all be locked
/// together without a cycle has the same outcome in every order and is
/// settled without branching.
///
/// A hunt drops a state as soon as the target is beaten (locking only adds
/// edges), and drops it when the target cannot stay unbeaten: for every `x`
/// with m(x, target) > 0 there must be a path from the target to `x` of
/// locked edges and open edges of margin ≥ m(x, target), locked before
/// `x → target` comes up; a widest-path pass decides that. Every leaf
/// reached adds all its unbeaten candidates to `found`.
struct RankedPairsSearch {
    private struct Key: Hashable {
        let group: Int
        let reach: ReachMatrix
    }

    private struct Frame {
        let group: Int
        let reach: ReachMatrix
        let choices: [Int]
        var next = 0
    }

    let size: Int
    let edges: [RankedPairs.Edge]
    let groups: [Range<Int>]
    /// Row-major size×size margins, positive entries only (others 0).
    let margins: [Int64]
    let limits: TallyLimits
    /// Winners found so far (indices into `0..<size`).
    var found: Bitset
    private(set) var states = 0
    private(set) var work = 0
    private(set) var hitBound = false
    private var visited: Set<Key> = []

    init(size: Int, edges: [RankedPairs.Edge], margins: [Int64], groups: [Range<Int>], limits: TallyLimits) {
        self.size = size
        self.edges = edges
        self.margins = margins
        self.groups = groups
        self.limits = limits
        self.found = Bitset(size: size)
    }

    /// Hunts for every candidate not yet found, or stops at a bound with `hitBound` set.
    ///
    /// A first pass gives each hunt at most `firstPassStates` states, so one
    /// hard candidate cannot starve the easy ones; a second pass gives the
    /// undecided the rest of the budget. `undecided` lists who is left.
    mutating func run() {
        let paths = Schulze.strongestPaths(margins: margins, size: size)
        var pending = (0..<size).filter { !found.contains($0) && couldEverStayUnbeaten($0, paths) }
        for budget in [Self.firstPassStates, Int.max] where !pending.isEmpty {
            var undecided: [Int] = []
            for target in pending where !found.contains(target) {
                if hitBound || !hunt(target, maxStates: budget) { undecided.append(target) }
            }
            pending = undecided
        }
        undecided = pending.filter { !found.contains($0) }
    }

    /// The root test of `canStayUnbeaten`, for every candidate at once from the strongest paths:
    /// with nothing locked yet, the widest path from `t` to `x` is the Schulze strength p[t][x].
    private func couldEverStayUnbeaten(_ t: Int, _ paths: [Int64]) -> Bool {
        (0..<size).allSatisfy { x in margins[x * size + t] <= 0 || paths[t * size + x] >= margins[x * size + t] }
    }

    /// States per hunt in the first pass.
    static let firstPassStates = 500
    /// Candidates whose hunt was cut short by a bound.
    private(set) var undecided: [Int] = []

    /// Searches for an order that leaves `target` unbeaten; false when cut short before deciding.
    private mutating func hunt(_ target: Int, maxStates: Int) -> Bool {
        visited.removeAll(keepingCapacity: true)
        huntStates = 0
        huntCap = maxStates
        huntCut = false
        var frames: [Frame] = []
        if let root = explore(from: 0, ReachMatrix(size: size), target: target) { frames.append(root) }
        while !hitBound, !huntCut, !found.contains(target), let top = frames.last {
            guard top.next < top.choices.count else {
                frames.removeLast()
                continue
            }
            frames[frames.count - 1].next += 1
            let edge = edges[top.choices[top.next]]
            var child = top.reach
            work += child.lock(edge.winner, edge.loser)
            if let frame = explore(from: top.group, child, target: target) { frames.append(frame) }
        }
        return found.contains(target) || !(hitBound || huntCut)
    }

    private var huntStates = 0
    private var huntCap = 0
    private var huntCut = false

    /// Settles forced groups from `group` on; returns a new branching state, or nil at a leaf, prune or bound.
    private mutating func explore(from group: Int, _ start: ReachMatrix, target: Int) -> Frame? {
        var g = group
        var reach = start
        while true {
            guard work < limits.rankedPairsWork else {
                hitBound = true
                return nil
            }
            work += size * reach.wordsPerRow
            if reach.isReached(target) { return nil }
            guard g < groups.count else {
                found.formUnion(reach.sources())
                return nil
            }
            let open = groups[g].filter { isOpen(edges[$0], reach) }
            work += groups[g].count
            if let settled = settle(open, reach) {
                reach = settled
                g += 1
                continue
            }
            return branch(g, reach, open, target: target)
        }
    }

    /// The closure after locking all of `open`, when no order can close a cycle; nil otherwise.
    private mutating func settle(_ open: [Int], _ reach: ReachMatrix) -> ReachMatrix? {
        var trial = reach
        for index in open {
            let edge = edges[index]
            if trial.reaches(edge.loser, edge.winner) { return nil }
            if !trial.reaches(edge.winner, edge.loser) { work += trial.lock(edge.winner, edge.loser) }
        }
        return trial
    }

    /// A new branching state: its open edges to try, those extending the target's reach first.
    ///
    /// Locking an edge into the target would beat it, so those are not tried.
    private mutating func branch(_ g: Int, _ reach: ReachMatrix, _ open: [Int], target: Int) -> Frame? {
        let key = Key(group: g, reach: reach)
        if visited.contains(key) || !canStayUnbeaten(target, reach) { return nil }
        let bytes = (visited.count + 1) * reach.words.count * 8
        guard states < limits.rankedPairsStates, bytes <= limits.rankedPairsMemoBytes else {
            hitBound = true
            return nil
        }
        guard huntStates < huntCap else {
            huntCut = true
            return nil
        }
        visited.insert(key)
        states += 1
        huntStates += 1
        work += reach.words.count
        let useful = open.filter { edges[$0].loser != target }
        let helps = useful.filter { edges[$0].winner == target || reach.reaches(target, edges[$0].winner) }
        let rest = useful.filter { edges[$0].winner != target && !reach.reaches(target, edges[$0].winner) }
        return Frame(group: g, reach: reach, choices: helps + rest)
    }

    /// Whether `s` has, for every `x` that beats it, a path to `x` that could be locked in time.
    private mutating func canStayUnbeaten(_ s: Int, _ reach: ReachMatrix) -> Bool {
        work += size * size
        // widest[y]: the best, over paths s → y of locked (unbounded) and open edges, of the smallest margin.
        var widest = [Int64](repeating: -1, count: size)
        var settled = [Bool](repeating: false, count: size)
        widest[s] = .max
        for _ in 0..<size {
            var y = -1
            for z in 0..<size where !settled[z] && widest[z] >= 0 && (y < 0 || widest[z] > widest[y]) { y = z }
            guard y >= 0 else { break }
            settled[y] = true
            for z in 0..<size where !settled[z] {
                let edge: Int64
                if reach.reaches(y, z) {
                    edge = .max
                } else if margins[y * size + z] > 0 && !reach.reaches(z, y) {
                    edge = margins[y * size + z]
                } else {
                    continue
                }
                widest[z] = max(widest[z], min(widest[y], edge))
            }
        }
        return (0..<size).allSatisfy { x in margins[x * size + s] <= 0 || widest[x] >= margins[x * size + s] }
    }

    private func isOpen(_ edge: RankedPairs.Edge, _ reach: ReachMatrix) -> Bool {
        !reach.reaches(edge.winner, edge.loser) && !reach.reaches(edge.loser, edge.winner)
    }
}
