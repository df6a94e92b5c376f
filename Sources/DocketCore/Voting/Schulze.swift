/// The Schulze method: strongest paths over positive margins, ranked by layers of the beats relation.
public enum Schulze {
    /// Row-major n×n strongest-path strengths: p[a][b] is the best, over paths of positive margins
    /// from `a` to `b`, of the path's weakest margin; 0 when there is no path (and on the diagonal).
    public static func strongestPaths(_ matrix: PairwiseMatrix) -> [Int64] {
        strongestPaths(margins: matrix.margins(), size: matrix.candidateCount)
    }

    /// Strongest paths from row-major `size`×`size` margins (only positive entries count).
    ///
    /// Strengths only ever meet in `min` and `max`, so only the order of the margins
    /// matters: the search runs on 32-bit levels (the margins themselves when they fit,
    /// else their ranks among the distinct positive margins), eight at a time in
    /// vector registers over rows padded to a multiple of eight, and maps the levels
    /// back at the end.
    static func strongestPaths(margins: [Int64], size n: Int) -> [Int64] {
        let largest = margins.max() ?? 0
        let levels: [Int64]? = largest <= Int64(Int32.max) ? nil : Array(Set(margins.filter { $0 > 0 })).sorted()
        let rank = levels.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, Int32($0 + 1)) }) }
        let stride = (n + 7) & ~7
        var p = [Int32](repeating: 0, count: stride * n)
        for a in 0..<n {
            for b in 0..<n where a != b && margins[a * n + b] > 0 {
                let margin = margins[a * n + b]
                p[a * stride + b] = rank?[margin] ?? Int32(margin)
            }
        }
        p.withUnsafeMutableBytes { bytes in
            let base = bytes.baseAddress!
            let rowBytes = stride * MemoryLayout<Int32>.stride
            for k in 0..<n {
                let rowK = base + k * rowBytes
                for i in 0..<n where i != k {
                    let rowI = base + i * rowBytes
                    let ik = rowI.load(fromByteOffset: k * MemoryLayout<Int32>.stride, as: Int32.self)
                    if ik == 0 { continue }
                    // p[i][j] = max(p[i][j], min(p[i][k], p[k][j])) for all j. Writing the diagonal too
                    // keeps the loop branch-free; a diagonal entry never raises another
                    // (min(p[i][k], p[k][k]) ≤ p[i][k]), and it is cleared below.
                    let through = SIMD8<Int32>(repeating: ik)
                    for offset in Swift.stride(from: 0, to: rowBytes, by: MemoryLayout<SIMD8<Int32>>.stride) {
                        let current = rowI.loadUnaligned(fromByteOffset: offset, as: SIMD8<Int32>.self)
                        let viaK = pointwiseMin(through, rowK.loadUnaligned(fromByteOffset: offset, as: SIMD8<Int32>.self))
                        rowI.storeBytes(of: pointwiseMax(current, viaK), toByteOffset: offset, as: SIMD8<Int32>.self)
                    }
                }
            }
        }
        var out = [Int64](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in 0..<n where a != b {
                let level = p[a * stride + b]
                out[a * n + b] = level == 0 ? 0 : levels.map { $0[Int(level) - 1] } ?? Int64(level)
            }
        }
        return out
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
