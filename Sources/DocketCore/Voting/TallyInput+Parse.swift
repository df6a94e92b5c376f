extension TallyInput {
    /// Reads a ballot file's bytes: strict JSON, then every rule of TALLY.md's "Invalid input".
    public static func parse<Bytes: Collection>(json bytes: Bytes) throws(TallyInputError) -> TallyInput
    where Bytes.Element == UInt8 {
        let isBlank = bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard !isBlank else { throw TallyInputError("the ballot file is empty") }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw TallyInputError("invalid JSON: \(error)")
        }
        return try parse(value)
    }

    /// Validates a parsed ballot document: `{"candidates": [...], "ballots": [...]}`.
    ///
    /// Strict: unknown or repeated keys are errors (a misspelt `"cuont"` must
    /// not silently count 1), and so is any count that is not a JSON integer,
    /// including `3.0`, `true` and `"3"`. A ballot may carry a `receipt` (as a
    /// round's export does), which the count ignores.
    public static func parse(_ json: JSONValue) throws(TallyInputError) -> TallyInput {
        guard case .object(let members) = json else {
            throw TallyInputError("expected a JSON object with \"candidates\" and \"ballots\", got \(describe(json))")
        }
        try checkKeys(members, allowed: "candidates", "ballots", path: "")
        guard let candidatesValue = json["candidates"] else { throw TallyInputError("missing \"candidates\"") }
        let candidates = try parseCandidates(candidatesValue)
        guard let ballotsValue = json["ballots"] else { throw TallyInputError("missing \"ballots\"") }
        guard case .array(let ballotValues) = ballotsValue else {
            throw TallyInputError(at: "ballots", "expected a list of ballots, got \(describe(ballotsValue))")
        }
        var reader = BallotReader(candidates: candidates)
        var ballots: [TallyBallot] = []
        ballots.reserveCapacity(ballotValues.count)
        var total: Int64 = 0
        for (b, value) in ballotValues.enumerated() {
            let ballot = try reader.read(value, at: b)
            let (sum, overflow) = total.addingReportingOverflow(ballot.count)
            guard !overflow else {
                throw TallyInputError(at: "ballots[\(b)].count", "the counts add up to more than \(Int64.max)")
            }
            total = sum
            ballots.append(ballot)
        }
        return TallyInput(unchecked: candidates, ballots: ballots, totalCount: total)
    }

    private static func parseCandidates(_ value: JSONValue) throws(TallyInputError) -> [String] {
        guard case .array(let elements) = value else {
            throw TallyInputError(at: "candidates", "expected a list of string ids, got \(describe(value))")
        }
        var ids: [String] = []
        ids.reserveCapacity(elements.count)
        for (i, element) in elements.enumerated() {
            guard case .string(let id) = element else {
                throw TallyInputError(at: "candidates[\(i)]", "expected a string id, got \(describe(element))")
            }
            ids.append(id)
        }
        try checkCandidates(ids)
        return ids
    }

    /// Throws on a key outside `allowed` or a key given twice; keys are compared as bytes.
    static func checkKeys(_ members: [(String, JSONValue)], allowed: String..., path: String) throws(TallyInputError) {
        var seen: UInt64 = 0
        for (key, _) in members {
            guard let slot = allowed.firstIndex(where: { key.utf8.elementsEqual($0.utf8) }) else {
                let expected = allowed.map(quotedID).joined(separator: ", ")
                throw TallyInputError(at: path, "unknown key \(quotedID(key)) (expected \(expected))")
            }
            guard seen & (1 << slot) == 0 else { throw TallyInputError(at: path, "duplicate key \(quotedID(key))") }
            seen |= 1 << slot
        }
    }

    /// A JSON value's type, and the value itself when it is short: `boolean true`, `string "3"`.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return "boolean \(b)"
        case .int(let i): return "number \(i)"
        case .double(let d): return "number \(d)"
        case .string(let s): return s.utf8.count <= 40 ? "string \(quotedID(s))" : "a string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// Turns one ballot's JSON into a `TallyBallot`, resolving ids and catching repeats.
private struct BallotReader {
    let candidates: [String]
    private let index: CandidateIndex
    /// For each candidate, the ballot (and place in it) where it was last seen.
    private var seenBallot: [Int]
    private var seenPlace: [(group: Int, member: Int)]

    init(candidates: [String]) {
        self.candidates = candidates
        var index = CandidateIndex()
        for (i, id) in candidates.enumerated() { _ = index.insert(id, at: i, in: candidates) }
        self.index = index
        self.seenBallot = Array(repeating: -1, count: candidates.count)
        self.seenPlace = Array(repeating: (0, 0), count: candidates.count)
    }

    mutating func read(_ value: JSONValue, at b: Int) throws(TallyInputError) -> TallyBallot {
        // Paths are spelled out only when something is wrong: building them per id costs more than reading.
        guard case .object(let members) = value else {
            let got = TallyInput.describe(value)
            throw TallyInputError(at: "ballots[\(b)]", "expected an object with \"ranking\" and an optional \"count\", got \(got)")
        }
        try TallyInput.checkKeys(members, allowed: "ranking", "count", "receipt", path: "ballots[\(b)]")
        guard let rankingValue = value["ranking"] else { throw TallyInputError(at: "ballots[\(b)]", "missing \"ranking\"") }
        let count = try readCount(value["count"], ballot: b)
        guard case .array(let groups) = rankingValue else {
            let got = TallyInput.describe(rankingValue)
            throw TallyInputError(at: "ballots[\(b)].ranking", "expected a list of tie groups, got \(got)")
        }
        var listed: [Int] = []
        var ends: [Int] = []
        ends.reserveCapacity(groups.count)
        for (g, groupValue) in groups.enumerated() {
            guard case .array(let ids) = groupValue, !ids.isEmpty else { throw badGroup(groupValue, ballot: b, group: g) }
            for (m, idValue) in ids.enumerated() {
                listed.append(try resolve(idValue, ballot: b, group: g, member: m))
            }
            ends.append(listed.count)
        }
        return TallyBallot(listed: listed, groupEnds: ends, count: count)
    }

    private func badGroup(_ value: JSONValue, ballot b: Int, group g: Int) -> TallyInputError {
        let path = "ballots[\(b)].ranking[\(g)]"
        if case .array = value { return TallyInputError(at: path, "empty tie group") }
        let got = TallyInput.describe(value)
        return TallyInputError(at: path, "expected a tie group (a list of ids), got \(got); write [[\"a\"], [\"b\"]], not [\"a\", \"b\"]")
    }

    private mutating func resolve(_ value: JSONValue, ballot b: Int, group g: Int, member m: Int) throws(TallyInputError) -> Int {
        guard case .string(let id) = value else {
            throw TallyInputError(at: "ballots[\(b)].ranking[\(g)][\(m)]", "expected a string id, got \(TallyInput.describe(value))")
        }
        guard let c = index.lookup(id, in: candidates) else {
            throw TallyInputError(at: "ballots[\(b)].ranking[\(g)][\(m)]", "unknown candidate \(quotedID(id))\(hint(for: id))")
        }
        if seenBallot[c] == b {
            let (eg, em) = seenPlace[c]
            throw TallyInputError(
                at: "ballots[\(b)].ranking[\(g)][\(m)]",
                "candidate \(quotedID(id)) appears twice in this ballot (also ranking[\(eg)][\(em)])"
            )
        }
        seenBallot[c] = b
        seenPlace[c] = (g, m)
        return c
    }

    /// Points at a known id that differs only by letter case, since ids are case-sensitive.
    private func hint(for id: String) -> String {
        let folded = id.lowercased()
        guard let match = candidates.first(where: { $0.lowercased() == folded }) else { return "" }
        return " (ids are case-sensitive; did you mean \(quotedID(match))?)"
    }

    private func readCount(_ value: JSONValue?, ballot b: Int) throws(TallyInputError) -> Int64 {
        guard let value else { return 1 }
        if case .int(let count) = value, count >= 0 { return count }
        let path = "ballots[\(b)].count"
        switch value {
        case .int(let count):
            throw TallyInputError(at: path, "must be 0 or more, got \(count)")
        case .double(let d) where d >= 0x1p63:
            throw TallyInputError(at: path, "must be at most \(Int64.max), got \(d)")
        default:
            throw TallyInputError(at: path, "must be an integer of 0 or more, got \(TallyInput.describe(value))")
        }
    }
}
