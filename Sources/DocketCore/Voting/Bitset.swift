/// A fixed-size set of small integers, one bit each.
struct Bitset: Hashable {
    let size: Int
    var words: [UInt64]

    /// The empty set over `0..<size`.
    init(size: Int) {
        self.size = size
        self.words = Array(repeating: 0, count: (size + 63) / 64)
    }

    /// The full set `0..<size`.
    static func full(_ size: Int) -> Bitset {
        Bitset(size: size).complement()
    }

    func contains(_ i: Int) -> Bool { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }

    mutating func insert(_ i: Int) { words[i >> 6] |= 1 << UInt64(i & 63) }

    mutating func remove(_ i: Int) { words[i >> 6] &= ~(1 << UInt64(i & 63)) }

    /// Every member not in this set, within `0..<size`.
    func complement() -> Bitset {
        var out = self
        for k in out.words.indices { out.words[k] = ~out.words[k] }
        let spare = out.words.count * 64 - size
        if spare > 0 { out.words[out.words.count - 1] &= ~UInt64(0) >> UInt64(spare) }
        return out
    }

    /// True when every member of this set is also in `other`.
    func isSubset(of other: Bitset) -> Bool {
        zip(words, other.words).allSatisfy { $0 & ~$1 == 0 }
    }

    mutating func formUnion(_ other: Bitset) {
        for k in words.indices { words[k] |= other.words[k] }
    }

    /// The members in ascending order.
    var members: [Int] { (0..<size).filter(contains) }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
}
