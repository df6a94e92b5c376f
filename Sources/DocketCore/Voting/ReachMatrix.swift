/// The transitive closure of a locked edge set, one bit row per candidate.
///
/// Row `x` has bit `y` set when `x` reaches `y` over one or more locked edges.
/// Hashable, so a search can memoise on it.
struct ReachMatrix: Hashable {
    let size: Int
    let wordsPerRow: Int
    private(set) var words: [UInt64]

    /// No edges locked.
    init(size: Int) {
        self.size = size
        self.wordsPerRow = (size + 63) / 64
        self.words = Array(repeating: 0, count: wordsPerRow * size)
    }

    /// True when `x` reaches `y` over locked edges.
    func reaches(_ x: Int, _ y: Int) -> Bool {
        words[x * wordsPerRow + y >> 6] & (1 << UInt64(y & 63)) != 0
    }

    /// Locks `a → b` and closes transitively; the caller ensures `b` does not reach `a`.
    ///
    /// Returns the number of 64-bit row operations, for work accounting.
    @discardableResult
    mutating func lock(_ a: Int, _ b: Int) -> Int {
        let w = wordsPerRow
        let aWord = a >> 6, aBit: UInt64 = 1 << UInt64(a & 63)
        var operations = size
        words.withUnsafeMutableBufferPointer { words in
            let bRow = b * w
            for x in 0..<size where x == a || words[x * w + aWord] & aBit != 0 {
                let xRow = x * w
                for k in 0..<w { words[xRow + k] |= words[bRow + k] }
                words[xRow + b >> 6] |= 1 << UInt64(b & 63)
                operations += w
            }
        }
        return operations
    }

    /// True when some candidate reaches `y`: it has an incoming locked edge.
    func isReached(_ y: Int) -> Bool {
        let word = y >> 6, bit: UInt64 = 1 << UInt64(y & 63)
        for x in 0..<size where words[x * wordsPerRow + word] & bit != 0 { return true }
        return false
    }

    /// Which candidates no one reaches: the sources of the locked graph.
    func sources() -> Bitset {
        var reached = Bitset(size: size)
        for x in 0..<size {
            for k in 0..<wordsPerRow { reached.words[k] |= words[x * wordsPerRow + k] }
        }
        return reached.complement()
    }
}
