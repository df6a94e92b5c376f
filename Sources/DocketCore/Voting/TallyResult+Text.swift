extension TallyResult {
    /// Candidates beyond which the report leaves out the n×n tables (they stop being readable).
    public static let maxTableCandidates = 40

    /// A report for people: winners, ranking or order, scores, irv rounds, and the pairwise margin table.
    ///
    /// Pass the election's `PairwiseMatrix` to include margins (and, for
    /// schulze, strongest paths); tables are left out past `maxTableCandidates`,
    /// so callers need not build the matrix for larger elections.
    public func textReport(margins matrix: PairwiseMatrix? = nil) -> String {
        var lines: [String] = []
        lines.append("Method: \(method.rawValue) (\(method.summary))")
        lines.append("Candidates: \(candidates.count)")
        lines.append("Winners: " + names(winnerIndices, ", ") + (winnerIndices.count > 1 ? " (tied)" : ""))
        if let rankingIndices {
            lines.append("")
            lines.append("Ranking (best first; = joins tied candidates):")
            for (place, group) in rankingIndices.enumerated() {
                lines.append(pad("\(place + 1).", 6) + " " + names(group, " = "))
            }
        }
        lines.append("")
        lines.append("Order after tie-breaking: " + names(orderIndices, ", "))
        lines.append("Tie-break: \(tieBreak)")
        if let note { lines.append("Note: \(note)") }
        if let scores { lines += scoreLines(scores) }
        if let rounds { lines += roundLines(rounds) }
        if let matrix {
            lines += tableLines(matrix)
        } else if candidates.count > Self.maxTableCandidates {
            lines += ["", "Pairwise tables left out: \(candidates.count) candidates (more than \(Self.maxTableCandidates))."]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private var scoreTitle: String {
        switch method {
        case .copeland: return "Copeland scores (pairwise wins minus losses):"
        case .borda: return "Borda scores (candidates ranked strictly below, summed over ballots):"
        default: return "Approval counts (ballots listing the candidate):"
        }
    }

    private func scoreLines(_ scores: [Int64]) -> [String] {
        let width = orderIndices.map { display(candidates[$0]).count }.max() ?? 0
        var lines = ["", scoreTitle]
        for c in orderIndices { lines.append("  " + padRight(display(candidates[c]), width) + "  " + String(scores[c])) }
        return lines
    }

    private func roundLines(_ rounds: [RunoffRound]) -> [String] {
        var lines = ["", "Rounds of the tie-broken count (first-preference votes):"]
        for (number, round) in rounds.enumerated() {
            let tallies = round.votes.map { "\(display(candidates[$0.candidate])) \($0.votes)" }.joined(separator: ", ")
            var line = "  Round \(number + 1): \(tallies); exhausted \(round.exhausted)"
            if !round.eliminated.isEmpty {
                line += "; out: " + names(round.eliminated, ", ") + (round.tieBroken ? " (tie broken)" : "")
            }
            lines.append(line)
        }
        return lines
    }

    private func tableLines(_ matrix: PairwiseMatrix) -> [String] {
        let n = candidates.count
        guard n <= Self.maxTableCandidates else {
            return ["", "Pairwise tables left out: \(n) candidates (more than \(Self.maxTableCandidates))."]
        }
        var lines = ["", "Pairwise margins (voters preferring row over column, minus the reverse):"]
        lines += table { a, b in signed(matrix.margin(a, b)) }
        if method == .schulze {
            let paths = Schulze.strongestPaths(matrix)
            lines += ["", "Strongest paths (row beats column when its entry is larger than the mirrored one):"]
            lines += table { a, b in String(paths[a * n + b]) }
        }
        return lines
    }

    /// An n×n table in input order: rows `#i id`, columns `#i`, `·` on the diagonal.
    private func table(_ cell: (Int, Int) -> String) -> [String] {
        let n = candidates.count
        let cells = (0..<n).map { a in (0..<n).map { b in a == b ? "·" : cell(a, b) } }
        let width = max(cells.joined().map(\.count).max() ?? 1, "#\(n)".count)
        let labels = (0..<n).map { "#\($0 + 1) " + display(candidates[$0]) }
        let labelWidth = labels.map(\.count).max() ?? 0
        var lines = ["  " + padRight("", labelWidth) + (0..<n).map { " " + pad("#\($0 + 1)", width) }.joined()]
        for a in 0..<n {
            lines.append("  " + padRight(labels[a], labelWidth) + cells[a].map { " " + pad($0, width) }.joined())
        }
        return lines
    }

    private func names(_ indices: [Int], _ separator: String) -> String {
        indices.map { display(candidates[$0]) }.joined(separator: separator)
    }
}

/// An id as people should see it: as is, or JSON-quoted when it holds control characters or spaces at the ends.
private func display(_ id: String) -> String {
    let plain = id.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
        && id.first?.isWhitespace != true && id.last?.isWhitespace != true
    return plain ? id : quotedID(id)
}

private func signed(_ value: Int64) -> String { value > 0 ? "+\(value)" : String(value) }

private func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}

private func padRight(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
}
