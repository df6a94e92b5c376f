public import DocketCore
import GRDB

extension Store {
    /// The public series, by title (the site's front page).
    public func publicSeriesList() throws -> [Series] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM series WHERE visibility = 'public' ORDER BY title, id")
                .compactMap { try Loaders.series(db, $0) }
        }
    }

    /// Everything the public pages show of the series with this slug, or nil when there is no
    /// such series or it is members-only. One read transaction, so the parts agree.
    public func publicSeries(slug: String) throws -> PublicSeries? {
        try pool.read { db in
            guard let id = try String.fetchOne(
                db, sql: "SELECT id FROM series WHERE slug = ? AND visibility = 'public'", arguments: [slug]),
                let series = try Loaders.series(db, id)
            else { return nil }
            let episodes = try String.fetchAll(
                db, sql: "SELECT id FROM episode WHERE series_id = ? ORDER BY starts_at, id", arguments: [id]
            ).compactMap { try Loaders.episode(db, $0) }
            let suggestions = try String.fetchAll(
                db, sql: "SELECT id FROM suggestion WHERE series_id = ? AND status = 'open' ORDER BY created_at, id",
                arguments: [id]
            ).compactMap { try Loaders.suggestion(db, $0) }
            // Results (the standing and closed rounds) are public when the series' results are live.
            var rounds: [Round] = []
            var standing: JSONValue?
            if series.resultsVisibility == .live {
                rounds = try String.fetchAll(
                    db, sql: "SELECT id FROM round WHERE series_id = ? AND status = 'closed' ORDER BY closes_at DESC, id",
                    arguments: [id]
                ).compactMap { try Loaders.round(db, $0) }
                standing = try String.fetchOne(
                    db, sql: "SELECT value FROM change WHERE type = 'standing' AND entity_id = ? AND deleted = 0",
                    arguments: [id]
                ).flatMap { try? JSONParser.parse($0) }
            }
            let paperIDs = Set(episodes.flatMap { $0.papers.map(\.paperID) } + suggestions.flatMap(\.paperIDs))
            var papers: [PaperID: Paper] = [:]
            for paperID in paperIDs { papers[paperID] = try Loaders.paper(db, paperID.rawValue) }
            let personIDs = Set(episodes.flatMap { $0.presenters.map(\.personID) } + suggestions.map(\.proposerID))
            var people: [PersonID: PublicSeries.PersonName] = [:]
            for personID in personIDs {
                if let row = try Row.fetchOne(
                    db, sql: "SELECT name, affiliation FROM person WHERE id = ?", arguments: [personID.rawValue])
                {
                    people[personID] = PublicSeries.PersonName(id: personID, name: row["name"], affiliation: row["affiliation"])
                }
            }
            let standingUpdate = standing?["updatedAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:))
            let latest = ([series.updatedAt] + episodes.map(\.updatedAt) + suggestions.map(\.updatedAt)
                + rounds.map(\.updatedAt) + papers.values.map(\.updatedAt) + [standingUpdate].compactMap { $0 }).max()!
            return PublicSeries(
                series: series, episodes: episodes, papers: papers, people: people, openSuggestions: suggestions,
                standing: standing, closedRounds: rounds, updatedAt: latest)
        }
    }
}
