import DocketCore

/// Slow, literal implementations of TALLY.md, to check the fast ones on small elections.
enum Oracle {
    /// Schulze winners: p[a][b] = the largest μ such that b is reachable from a over margins ≥ μ.
    static func schulzeBeats(_ input: TallyInput) -> [[Bool]] {
        let m = naiveMargins(input)
        let n = input.candidateCount
        var p = [[Int64]](repeating: [Int64](repeating: 0, count: n), count: n)
        let levels = Set(m.flatMap { $0 }.filter { $0 > 0 })
        for level in levels {
            for a in 0..<n {
                var seen = Set([a]), queue = [a]
                while let x = queue.popLast() {
                    for y in 0..<n where m[x][y] >= level && !seen.contains(y) {
                        seen.insert(y)
                        queue.append(y)
                    }
                }
                for b in seen where b != a { p[a][b] = max(p[a][b], level) }
            }
        }
        return (0..<n).map { a in (0..<n).map { b in p[a][b] > p[b][a] } }
    }

    /// Schulze layering, computed from the beats relation by the contract's words.
    static func schulzeRanking(_ input: TallyInput) -> [Set<Int>] {
        let beats = schulzeBeats(input)
        var left = Set(0..<input.candidateCount)
        var groups: [Set<Int>] = []
        while !left.isEmpty {
            let group = left.filter { b in !left.contains { a in beats[a][b] } }
            guard !group.isEmpty else { return groups + [left] }
            groups.append(group)
            left.subtract(group)
        }
        return groups
    }

    /// Ranked-pairs winners over every order of equal margins, by a characterisation instead of a search:
    /// some tie-break yields a locked graph with topological order π exactly when, for every pair with
    /// `a` above `b` in π and m(b, a) > 0, π has a descending path from `a` to `b` of margins ≥ m(b, a)
    /// (process π's forward edges first within each margin; conversely, a skipped edge had such a path).
    /// So the winners are the first candidates of such orders. Tries all n! orders: keep n ≤ 7.
    static func rankedPairsWinners(_ input: TallyInput) -> Set<Int> {
        let m = naiveMargins(input)
        let n = input.candidateCount
        var winners = Set<Int>()
        for order in permutations(Array(0..<n)) where !winners.contains(order[0]) {
            if isRankedPairsOrder(order, m) { winners.insert(order[0]) }
        }
        return winners
    }

    private static func isRankedPairsOrder(_ order: [Int], _ m: [[Int64]]) -> Bool {
        let n = order.count
        for i in 0..<n {
            for j in (i + 1)..<n {
                let (a, b) = (order[i], order[j])
                let needed = m[b][a]
                guard needed > 0 else { continue }
                // Descending paths from position i over forward edges of margin ≥ needed.
                var reached = Set([i])
                for k in (i + 1)...j where (i..<k).contains(where: { reached.contains($0) && m[order[$0]][order[k]] >= needed }) {
                    reached.insert(k)
                }
                if !reached.contains(j) { return false }
            }
        }
        return true
    }

    static func permutations(_ items: [Int]) -> [[Int]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { i in
            var rest = items
            let first = rest.remove(at: i)
            return permutations(rest).map { [first] + $0 }
        }
    }

    /// IRV winners over every single elimination among the tied-lowest, zero-vote candidates one at a time.
    static func runoffWinners(_ input: TallyInput) -> Set<Int> {
        let ballots = input.ballots.filter { $0.count > 0 }
        var winners = Set<Int>()
        var seen = Set<Set<Int>>()

        func visit(_ left: Set<Int>) {
            guard seen.insert(left).inserted else { return }
            if left.count == 1 { winners.formUnion(left); return }
            var votes = Dictionary(uniqueKeysWithValues: left.map { ($0, Int64(0)) })
            for ballot in ballots {
                if let top = ballot.listed.first(where: left.contains) { votes[top, default: 0] += ballot.count }
            }
            let fewest = votes.values.min() ?? 0
            if fewest == 0 && votes.values.allSatisfy({ $0 == 0 }) { winners.formUnion(left); return }
            for (c, v) in votes where v == fewest { visit(left.subtracting([c])) }
        }
        visit(Set(0..<input.candidateCount))
        return winners
    }
}
