/// Looks candidate ids up by exact UTF-8 bytes, not by Swift's canonical-equivalence `==`.
///
/// Buckets by `String` hashing (fast, and equal bytes always share a bucket),
/// then compares bytes, so `"é"` and `"e\u{301}"` are two different ids.
struct CandidateIndex {
    private var buckets: [String: [Int]] = [:]

    /// Adds `id` at `position`; returns the earlier position if the same bytes are already there.
    mutating func insert(_ id: String, at position: Int, in candidates: [String]) -> Int? {
        if let earlier = lookup(id, in: candidates) { return earlier }
        buckets[id, default: []].append(position)
        return nil
    }

    /// The position of the candidate whose id has exactly the bytes of `id`.
    func lookup(_ id: String, in candidates: [String]) -> Int? {
        guard let positions = buckets[id] else { return nil }
        for position in positions where candidates[position].utf8.elementsEqual(id.utf8) {
            return position
        }
        return nil
    }
}

/// Plain ascending byte order of UTF-8 (the same as code point order): `"B" < "a"`, `"p10" < "p2"`.
func idPrecedes(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
