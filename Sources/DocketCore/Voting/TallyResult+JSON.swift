extension TallyResult {
    /// The `docket tally` output: TALLY.md's `method`, `winners`, `ranking`, `order`,
    /// then `scores` (when the method has them, keyed by id in input order),
    /// `tieBreak`, and `note` (only when a search bound was reached).
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("method", .string(method.rawValue)),
            ("winners", .strings(winners)),
            ("ranking", ranking.map { .array($0.map(JSONValue.strings)) } ?? .null),
            ("order", .strings(order)),
        ]
        if let scores {
            members.append(("scores", .object(zip(candidates, scores).map { ($0, .int($1)) })))
        }
        members.append(("tieBreak", .string(tieBreak)))
        if let note { members.append(("note", .string(note))) }
        return .object(members)
    }
}
