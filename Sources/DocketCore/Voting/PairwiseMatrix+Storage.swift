/// Growing, shrinking and storing a matrix whose candidates come and go (a series' open suggestions).
extension PairwiseMatrix {
    /// Adds a candidate no counted ballot lists; it ends up below every listed candidate.
    public mutating func appendCandidate() {
        let n = candidateCount
        var grown = [Int64](repeating: 0, count: (n + 1) * (n + 1))
        for a in 0..<n {
            for b in 0..<n { grown[a * (n + 1) + b] = notBelow[a * n + b] }
        }
        notBelow = grown
        listedWeight.append(0)
        candidateCount = n + 1
    }

    /// Drops candidate `index`; the preferences between the others do not change.
    public mutating func removeCandidate(at index: Int) {
        let n = candidateCount
        precondition(index >= 0 && index < n, "no candidate \(index)")
        var shrunk: [Int64] = []
        shrunk.reserveCapacity((n - 1) * (n - 1))
        for a in 0..<n where a != index {
            for b in 0..<n where b != index { shrunk.append(notBelow[a * n + b]) }
        }
        notBelow = shrunk
        listedWeight.remove(at: index)
        candidateCount = n - 1
    }

    /// The matrix as little-endian 64-bit words: the per-candidate weights, then the n×n table.
    public var storedBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity((listedWeight.count + notBelow.count) * 8)
        for word in listedWeight + notBelow {
            withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Reads `storedBytes` back; nil when the length does not fit `candidateCount`.
    public init?(storedBytes bytes: [UInt8], candidateCount n: Int) {
        guard bytes.count == (n + n * n) * 8 else { return nil }
        self.init(candidateCount: n)
        var words: [Int64] = []
        words.reserveCapacity(n + n * n)
        var offset = 0
        while offset < bytes.count {
            var word: UInt64 = 0
            for shift in 0..<8 { word |= UInt64(bytes[offset + shift]) << (8 * UInt64(shift)) }
            words.append(Int64(bitPattern: word))
            offset += 8
        }
        listedWeight = Array(words[0..<n])
        notBelow = Array(words[n...])
    }
}

/// Counts a pairwise method from a matrix kept up to date elsewhere (a series' standing).
///
/// `candidates` name the matrix's indices and decide the tie-break as in
/// `tally(_:method:)`. Nil for methods that need the ballots themselves
/// (borda, irv, approval).
public func tally(candidates: [String], matrix: PairwiseMatrix, method: VotingMethod, limits: TallyLimits = .standard) -> TallyResult? {
    precondition(candidates.count == matrix.candidateCount, "one id per matrix index")
    let input = TallyInput(unchecked: candidates, ballots: [], totalCount: 0)
    switch method {
    case .schulze: return Schulze.tally(input, matrix: matrix)
    case .rankedPairs: return RankedPairs.tally(input, matrix: matrix, limits: limits)
    case .copeland: return Copeland.tally(input, matrix: matrix)
    case .borda, .irv, .approval: return nil
    }
}
