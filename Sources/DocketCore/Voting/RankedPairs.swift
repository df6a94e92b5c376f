/// Ranked pairs (Tideman) with the union of winners over every order of equal margins.
///
/// `order` comes from one deterministic run: equal margins lock by the
/// winner's input position, then the loser's, and the locked graph is listed
/// topologically, earlier input position first where free. The winner set
/// comes from `RankedPairsSearch`, restricted to the Smith set: a candidate
/// outside it is always beaten in the locked graph, and locked paths between
/// Smith members never leave the set, so the restriction changes nothing.
enum RankedPairs {
    /// A positive-margin pair `winner → loser`.
    struct Edge: Equatable {
        var winner: Int
        var loser: Int
    }

    static func tally(_ input: TallyInput, matrix: PairwiseMatrix, limits: TallyLimits) -> TallyResult {
        let n = matrix.candidateCount
        let margins = matrix.margins()
        let order = tieBrokenOrder(margins, n: n)
        let smith = smithSet(margins, n: n)
        var search = searchOverSmithSet(smith, margins, n: n, limits: limits)
        if let first = order.first, let seed = smith.firstIndex(of: first) { search.found.insert(seed) }
        search.run()
        let undecided = search.undecided.map { smith[$0] }
        return TallyResult(
            method: .rankedPairs, candidates: input.candidates, winners: search.found.members.map { smith[$0] },
            ranking: nil, order: order, tieBreak: TieBreak.rankedPairs,
            note: undecided.isEmpty ? nil : boundNote(search, undecided: undecided, input)
        )
    }

    /// The one deterministic run: lock every edge in `sortedEdges` order unless it closes a cycle.
    static func tieBrokenOrder(_ margins: [Int64], n: Int) -> [Int] {
        var locked = ReachMatrix(size: n)
        for edge in sortedEdges(margins, n: n, among: Array(0..<n)).edges
        where !locked.reaches(edge.loser, edge.winner) && !locked.reaches(edge.winner, edge.loser) {
            locked.lock(edge.winner, edge.loser)
        }
        return topologicalOrder(locked)
    }

    /// A search over the Smith set only, renumbered `0..<smith.count` in input order.
    static func searchOverSmithSet(_ smith: [Int], _ margins: [Int64], n: Int, limits: TallyLimits) -> RankedPairsSearch {
        let k = smith.count
        let (edges, groups) = sortedEdges(margins, n: n, among: smith)
        var local = [Int](repeating: -1, count: n)
        for (i, c) in smith.enumerated() { local[c] = i }
        var localMargins = [Int64](repeating: 0, count: k * k)
        for edge in edges {
            localMargins[local[edge.winner] * k + local[edge.loser]] = margins[edge.winner * n + edge.loser]
        }
        let localEdges = edges.map { Edge(winner: local[$0.winner], loser: local[$0.loser]) }
        return RankedPairsSearch(size: k, edges: localEdges, margins: localMargins, groups: groups, limits: limits)
    }

    static func boundNote(_ search: RankedPairsSearch, undecided: [Int], _ input: TallyInput) -> String {
        let names = TallyResult.sortedByID(undecided, input.candidates).map { quotedID(input.candidates[$0]) }
        let shown = names.count <= 10 ? names.joined(separator: ", ")
            : names.prefix(10).joined(separator: ", ") + " and \(names.count - 10) more"
        return "search bound reached (\(search.states) states, \(search.work) work units) before deciding whether "
            + shown + " can also win: winners lists the candidates proven to win "
            + "(always including order[0]) and may be incomplete"
    }

    /// Positive-margin edges among `members`, largest margin first, equal margins by (winner, loser) position,
    /// with the index ranges of each equal-margin group.
    static func sortedEdges(_ margins: [Int64], n: Int, among members: [Int]) -> (edges: [Edge], groups: [Range<Int>]) {
        var edges: [Edge] = []
        for a in members {
            for b in members where margins[a * n + b] > 0 { edges.append(Edge(winner: a, loser: b)) }
        }
        func margin(_ e: Edge) -> Int64 { margins[e.winner * n + e.loser] }
        edges.sort { x, y in
            let mx = margin(x), my = margin(y)
            if mx != my { return mx > my }
            return x.winner != y.winner ? x.winner < y.winner : x.loser < y.loser
        }
        var groups: [Range<Int>] = []
        var start = 0
        for i in edges.indices where i + 1 == edges.count || margin(edges[i + 1]) != margin(edges[i]) {
            groups.append(start..<(i + 1))
            start = i + 1
        }
        return (edges, groups)
    }

    /// The Smith set in input order: candidates that reach everyone over "not beaten by" edges (m ≥ 0).
    static func smithSet(_ margins: [Int64], n: Int) -> [Int] {
        var rows = [Bitset](repeating: Bitset(size: n), count: n)
        for a in 0..<n {
            rows[a].insert(a)
            for b in 0..<n where margins[a * n + b] >= 0 { rows[a].insert(b) }
        }
        for k in 0..<n {
            for i in 0..<n where i != k && rows[i].contains(k) { rows[i].formUnion(rows[k]) }
        }
        let everyone = Bitset.full(n)
        return (0..<n).filter { everyone.isSubset(of: rows[$0]) }
    }

    /// A topological order of the locked graph, taking the earliest input position among the free.
    static func topologicalOrder(_ locked: ReachMatrix) -> [Int] {
        let n = locked.size
        var reachedBy = [Int](repeating: 0, count: n)
        for x in 0..<n {
            for y in 0..<n where locked.reaches(x, y) { reachedBy[y] += 1 }
        }
        var placed = [Bool](repeating: false, count: n)
        var order: [Int] = []
        order.reserveCapacity(n)
        while order.count < n {
            // The closure is acyclic, so some unplaced candidate is always free.
            guard let next = (0..<n).first(where: { !placed[$0] && reachedBy[$0] == 0 }) else { break }
            placed[next] = true
            order.append(next)
            for y in 0..<n where locked.reaches(next, y) { reachedBy[y] -= 1 }
        }
        return order
    }
}
