extension TallyInput {
    /// A reproducible random election for benchmarks and tests: the same arguments give the same input.
    ///
    /// Ids are `c1` … `cN`; each ballot ranks `ranked` distinct candidates,
    /// chosen uniformly, one per group (so irv accepts it), with count 1.
    /// Arguments are clamped: at least one candidate, `0...candidates` ranked.
    public static func random(candidates: Int, ballots: Int, ranked: Int, seed: UInt64) -> TallyInput {
        let n = max(1, candidates)
        let k = min(max(0, ranked), n)
        var generator = SplitMix64(seed: seed)
        var deck = Array(0..<n)
        var list: [TallyBallot] = []
        list.reserveCapacity(max(0, ballots))
        for _ in 0..<max(0, ballots) {
            for i in 0..<k {
                let j = i + Int(generator.next() % UInt64(n - i))
                deck.swapAt(i, j)
            }
            list.append(TallyBallot(strict: Array(deck[0..<k])))
        }
        let ids = (1...n).map { "c\($0)" }
        return TallyInput(unchecked: ids, ballots: list, totalCount: Int64(list.count))
    }
}

/// SplitMix64 (Steele, Lea and Flood): tiny, fast, and the same on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// The generator whose sequence `seed` fixes.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 pseudo-random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
