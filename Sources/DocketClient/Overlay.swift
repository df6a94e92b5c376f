import DocketCore

/// Optimistic application: what a pending mutation does to the user's view before the server answers.
///
/// Only the mutations the CLI makes are applied (`suggestion.create` with the
/// paper it names, `ballot.set`, `suggestion.volunteer` / `unvolunteer`,
/// `suggestion.withdraw`); others stay pending without a local effect. A rule
/// never throws for bad arguments: it leaves the view alone, and the server's
/// rejection will show in the outbox.
enum Overlay {
    static func apply(_ entry: OutboxEntry, me: PersonID?, to view: ViewEditor) throws {
        let args = entry.args
        switch entry.name {
        case "suggestion.create": try createSuggestion(args, at: entry.at, me: me, view)
        case "ballot.set": try setBallot(args, at: entry.at, me: me, view)
        case "suggestion.volunteer": try volunteer(args, at: entry.at, me: me, adding: true, view)
        case "suggestion.unvolunteer": try volunteer(args, at: entry.at, me: me, adding: false, view)
        case "suggestion.withdraw": try setStatus(args, "withdrawn", at: entry.at, view)
        default: break
        }
    }

    private static func createSuggestion(_ args: JSONValue, at: Timestamp, me: PersonID?, _ view: ViewEditor) throws {
        guard case .string(let id)? = args["id"], case .string(let seriesID)? = args["seriesID"] else { return }
        // The server's state wins: a suggestion already pulled is not overwritten.
        guard try view.value("suggestion", id) == nil else { return }
        guard let (paperID, paperTitle) = try paper(for: args, suggestionID: id, at: at, view) else { return }
        let title = args["title"]?.stringValue ?? paperTitle
        let value: JSONValue = [
            "id": .string(id), "seriesID": .string(seriesID), "paperIDs": [.string(paperID)], "title": .string(title),
            "pitch": args["pitch"] ?? .null, "tags": args["tags"] ?? [], "proposerID": .optional(me?.rawValue),
            "status": "open", "mergedInto": .null, "episodeID": .null, "volunteers": [], "duplicates": [],
            "createdAt": .string(at.rfc3339), "updatedAt": .string(at.rfc3339),
        ]
        try view.put("suggestion", id, value)
    }

    /// The paper a new suggestion names: `paperID`, a paper in the view with the same DOI or arXiv id,
    /// or a provisional paper that shares the suggestion's id until the server's arrives.
    private static func paper(for args: JSONValue, suggestionID: String, at: Timestamp, _ view: ViewEditor) throws
        -> (id: String, title: String)?
    {
        if case .string(let paperID)? = args["paperID"] {
            return (paperID, try view.value("paper", paperID)?["title"]?.stringValue ?? "")
        }
        guard let paper = args["paper"], case .string(let title)? = paper["title"] else { return nil }
        let doi = paper["doi"]?.stringValue.flatMap(PaperIdentity.normalizedDOI)
        let arxivID = paper["arxivID"]?.stringValue.flatMap(PaperIdentity.normalizedArXivID)
        if let doi, let existing = try view.first("paper", where: "doi", is: doi) {
            return (existing.id, existing.value["title"]?.stringValue ?? title)
        }
        if let arxivID, let existing = try view.first("paper", where: "arxivID", is: arxivID) {
            return (existing.id, existing.value["title"]?.stringValue ?? title)
        }
        let value: JSONValue = [
            "id": .string(suggestionID), "title": .string(title), "authors": paper["authors"] ?? [], "venue": paper["venue"] ?? .null,
            "year": paper["year"] ?? .null, "doi": .optional(doi), "arxivID": .optional(arxivID), "url": paper["url"] ?? .null,
            "pdfURL": paper["pdfURL"] ?? .null, "codeURL": paper["codeURL"] ?? .null,
            "createdAt": .string(at.rfc3339), "updatedAt": .string(at.rfc3339),
        ]
        try view.put("paper", suggestionID, value)
        return (suggestionID, title)
    }

    /// Last writer wins by `at`, as on the server; a ballot not yet pulled is kept under its series' id.
    private static func setBallot(_ args: JSONValue, at: Timestamp, me: PersonID?, _ view: ViewEditor) throws {
        guard case .string(let seriesID)? = args["seriesID"], case .array = args["ranking"] else { return }
        var existing = try view.first("ballot", where: "seriesID", is: seriesID)
        if let me, let found = existing, found.value["voterID"]?.stringValue != me.rawValue {
            existing = nil  // an administrator may see others' ballots; ours is the one with our voterID
        }
        if let existing {
            if let stored = existing.value["at"]?.stringValue.flatMap(Timestamp.init(rfc3339:)), stored > at { return }
            let value = existing.value.setting("ranking", args["ranking"] ?? []).setting("at", .string(at.rfc3339))
                .setting("updatedAt", .string(at.rfc3339))
            try view.put("ballot", existing.id, value)
            return
        }
        let value: JSONValue = [
            "id": .string(seriesID), "seriesID": .string(seriesID), "voterID": .optional(me?.rawValue),
            "ranking": args["ranking"] ?? [], "at": .string(at.rfc3339), "receipts": [],
            "createdAt": .string(at.rfc3339), "updatedAt": .string(at.rfc3339),
        ]
        try view.put("ballot", seriesID, value)
    }

    private static func volunteer(_ args: JSONValue, at: Timestamp, me: PersonID?, adding: Bool, _ view: ViewEditor) throws {
        guard case .string(let id)? = args["id"], let suggestion = try view.value("suggestion", id) else { return }
        var volunteers = suggestion["volunteers"]?.arrayValue ?? []
        let mine: JSONValue = .optional(me?.rawValue)
        let entry: JSONValue = ["personID": mine, "note": args["note"] ?? .null]
        if let index = volunteers.firstIndex(where: { $0["personID"] == mine }) {
            if adding { volunteers[index] = entry } else { volunteers.remove(at: index) }
        } else if adding {
            volunteers.append(entry)
        }
        try view.put("suggestion", id, suggestion.setting("volunteers", .array(volunteers)).setting("updatedAt", .string(at.rfc3339)))
    }

    private static func setStatus(_ args: JSONValue, _ status: String, at: Timestamp, _ view: ViewEditor) throws {
        guard case .string(let id)? = args["id"], let suggestion = try view.value("suggestion", id),
            suggestion["status"] == "open"
        else { return }
        try view.put("suggestion", id, suggestion.setting("status", .string(status)).setting("updatedAt", .string(at.rfc3339)))
    }
}
