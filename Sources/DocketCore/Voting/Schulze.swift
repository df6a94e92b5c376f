/// The Schulze method: strongest paths over positive margins, ranked by layers of the beats relation.
public enum Schulze {
    /// Row-major n×n strongest-path strengths: p[a][b] is the best, over paths of positive margins
    /// from `a` to `b`, of the path's weakest margin; 0 when there is no path (and on the diagonal).
    public static func strongestPaths(_ matrix: PairwiseMatrix) -> [Int64] {
        strongestPaths(margins: matrix.margins(), size: matrix.candidateCount)
    }

    /// Strongest paths from row-major `size`×`size` margins (only positive entries count).
    static func strongestPaths(margins: [Int64], size n: Int) -> [Int64] {
        var p = margins
        for i in 0..<(n * n) where p[i] < 0 { p[i] = 0 }
        for i in 0..<n { p[i * n + i] = 0 }
        p.withUnsafeMutableBufferPointer { p in
            for k in 0..<n {
                for i in 0..<n where i != k {
                    let ik = p[i * n + k]
                    if ik == 0 { continue }
                    let rowI = i * n, rowK = k * n
                    for j in 0..<n where j != i {
                        let through = min(ik, p[rowK + j])
                        if through > p[rowI + j] { p[rowI + j] = through }
                    }
                }
            }
        }
        return p
    }

    /// Winners are the candidates beaten by nobody; the ranking layers the beats relation (TALLY.md).
    static func tally(_ input: TallyInput, matrix: PairwiseMatrix) -> TallyResult {
        let n = matrix.candidateCount
        let p = strongestPaths(matrix)
        var beatenBy = [Int](repeating: 0, count: n)
        for a in 0..<n {
            for b in 0..<n where p[a * n + b] > p[b * n + a] { beatenBy[b] += 1 }
        }
        var placed = [Bool](repeating: false, count: n)
        var groups: [[Int]] = []
        var left = n
        while left > 0 {
            var group = (0..<n).filter { !placed[$0] && beatenBy[$0] == 0 }
            // The beats relation is a strict partial order, so a layer is never empty; guard anyway.
            if group.isEmpty { group = (0..<n).filter { !placed[$0] } }
            for a in group { placed[a] = true }
            for a in group {
                for b in 0..<n where !placed[b] && p[a * n + b] > p[b * n + a] { beatenBy[b] -= 1 }
            }
            left -= group.count
            groups.append(group)
        }
        return TallyResult(method: .schulze, candidates: input.candidates, groups: groups)
    }
}
