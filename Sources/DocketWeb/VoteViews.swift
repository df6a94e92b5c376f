import DocketCore

/// An open suggestion, with its place in the standing when results are public.
struct SuggestionView {
    var suggestionTitle: String
    var proposer: String?
    var pitchHTML: String?
    var tagList: String?
    var suggestionPapers: [PaperView]
    var hasPapers: Bool
    var volunteerNote: String?
    /// "1", or "=2" for a shared place; nil when unranked or results are not public.
    var place: String?
    var score: String?
}

/// What the standing says about itself.
struct StandingView {
    var methodName: String
    var methodSummary: String
    var ballots: String
    var standingNote: String?
    var hasScores: Bool
}

/// One row of a closed round's result.
struct RoundRow {
    var rowPlace: String
    var rowTitle: String
    var elected: Bool
}

/// A closed round: its result and how to recount it.
struct RoundView {
    var roundTitle: String
    var closed: String
    var roundMethod: String
    var roundBallots: String
    var seatsNote: String
    var rows: [RoundRow]
    var roundNote: String?
    var ballotsURL: String
    var toiURL: String
    var curlCommand: String
    var tallyCommand: String
}

enum VoteViews {
    /// The open suggestions, in standing order when there is a public standing, else oldest first.
    static func suggestions(_ data: PublicSeries) -> (list: [SuggestionView], standing: StandingView?) {
        let standing = data.standing
        let placeOf = standing.map { places(rankingOf: $0["ranking"]) } ?? [:]
        var scores: [String: String] = [:]
        if case .object(let members)? = standing?["scores"] {
            for (id, value) in members { if let score = value.intValue { scores[id] = "\(score)" } }
        }
        let ordered = data.openSuggestions.enumerated().sorted { a, b in
            let pa = placeOf[a.element.id.rawValue]?.rank ?? Int.max, pb = placeOf[b.element.id.rawValue]?.rank ?? Int.max
            return (pa, a.offset) < (pb, b.offset)
        }.map(\.element)
        let list = ordered.map { suggestion in
            let proposer = data.people[suggestion.proposerID].map { person in
                person.affiliation.map { "\(person.name) (\($0))" } ?? person.name
            }
            let count = suggestion.volunteers.count
            let papers = suggestion.paperIDs.compactMap { data.papers[$0] }.map(PaperView.init)
            return SuggestionView(
                suggestionTitle: suggestion.title, proposer: proposer, pitchHTML: suggestion.pitch.map(Markdown.html),
                tagList: suggestion.tags.isEmpty ? nil : suggestion.tags.joined(separator: ", "),
                suggestionPapers: papers, hasPapers: !papers.isEmpty,
                volunteerNote: count == 0 ? nil : count == 1 ? "1 volunteer to present" : "\(count) volunteers to present",
                place: placeOf[suggestion.id.rawValue]?.text, score: scores[suggestion.id.rawValue])
        }
        guard let standing else { return (list, nil) }
        let method = standing["method"]?.stringValue.flatMap(VotingMethod.init(rawValue:))
        let count = standing["ballotCount"]?.intValue ?? 0
        let view = StandingView(
            methodName: method.map(methodName) ?? "unknown method", methodSummary: method?.summary ?? "",
            ballots: count == 1 ? "1 ballot" : "\(count) ballots", standingNote: standing["note"]?.stringValue,
            hasScores: !scores.isEmpty)
        return (list, view)
    }

    /// The closed rounds, latest first, each with its result and recount instructions.
    static func rounds(_ data: PublicSeries, site: SiteAddress) -> [RoundView] {
        var titles: [String: String] = [:]
        for episode in data.episodes { if let id = episode.suggestionID { titles[id.rawValue] = episode.title } }
        for suggestion in data.openSuggestions { titles[suggestion.id.rawValue] = suggestion.title }
        return data.closedRounds.map { round in
            let result = round.result
            let order = result?["order"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let elected = Set(result?["elected"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            var ranking = result?["ranking"]
            if ranking == nil || ranking == .null {
                let winners = result?["winners"]?.arrayValue?.compactMap(\.stringValue) ?? []
                ranking = .array([.strings(winners)] + order.filter { !winners.contains($0) }.map { .strings([$0]) })
            }
            let placeOf = places(rankingOf: ranking)
            let rows = order.map { id in
                RoundRow(
                    rowPlace: placeOf[id]?.text ?? "–", rowTitle: titles[id] ?? "suggestion \(id.prefix(8))",
                    elected: elected.contains(id))
            }
            let closedAt = ZonedTime(round.closesAt, timeZone: data.series.timeZone)
            let ballots = result?["ballotCount"]?.intValue ?? 0
            let path = "/v1/rounds/\(round.id.rawValue)/ballots"
            return RoundView(
                roundTitle: round.title, closed: "\(closedAt.longDate), \(closedAt.clock)",
                roundMethod: methodName(round.method), roundBallots: ballots == 1 ? "1 ballot" : "\(ballots) ballots",
                seatsNote: round.seats == 1 ? "1 seat" : "\(round.seats) seats", rows: rows,
                roundNote: result?["note"]?.stringValue, ballotsURL: path, toiURL: path + "?format=toi",
                curlCommand: "curl -s \(site.origin.isEmpty ? "$DOCKET" : site.origin)\(path) > ballots.json",
                tallyCommand: "docket tally --method \(round.method.rawValue) --ballots ballots.json --format text")
        }
    }

    /// Each id's place in a ranking of tie groups: rank 1-based, text "=2" when shared.
    static func places(rankingOf ranking: JSONValue?) -> [String: (rank: Int, text: String)] {
        var places: [String: (rank: Int, text: String)] = [:]
        var rank = 1
        for group in ranking?.arrayValue ?? [] {
            let ids = group.arrayValue?.compactMap(\.stringValue) ?? []
            for id in ids { places[id] = (rank, ids.count > 1 ? "=\(rank)" : "\(rank)") }
            rank += ids.count
        }
        return places
    }

    /// The method's name in a sentence: "Schulze", "ranked pairs", "instant runoff".
    static func methodName(_ method: VotingMethod) -> String {
        switch method {
        case .schulze: return "Schulze"
        case .rankedPairs: return "ranked pairs"
        case .copeland: return "Copeland"
        case .borda: return "Borda count"
        case .irv: return "instant runoff"
        case .approval: return "approval"
        }
    }
}
