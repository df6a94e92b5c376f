import DocketCore
import GRDB

/// `paper.create` (an addition to the protocol) and the paper identity rules shared with suggestions.
enum PaperMutations {
    static func create(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", PaperKind.self)
        let fields = PaperFields.read(&args)
        try args.finish()
        guard let id, let fields else { return }
        if !context.actor.isAdmin {
            let person = try context.person()
            guard try Bool.fetchOne(context.db, cached: "SELECT 1 FROM membership WHERE person_id = ?", arguments: [person.rawValue]) == true
            else { throw Problem(.forbidden, "only members of a series may add papers") }
        }
        if let existing = try find(fields, context.db) {
            // Name the existing paper only to someone who may see it.
            guard try isUsable(existing, actor: context.actor, context.db) else {
                throw Problem(.conflict, "a paper with this DOI or arXiv id exists already; propose it with suggestion.create and its paper fields")
            }
            throw Problem(
                .conflict, "this paper exists already as \(existing)", extensions: ["paperID": .string(existing.rawValue)])
        }
        if try Bool.fetchOne(context.db, cached: "SELECT 1 FROM paper WHERE id = ?", arguments: [id.rawValue]) == true {
            throw Problem(.conflict, "a paper with id \(id) already exists")
        }
        let paper = try insert(id: id, fields, context)
        // No suggestion or episode names it yet: nobody else sees it.
        context.touch(.paper, id.rawValue, built: ChangeLog.snapshot(of: paper, audiences: []), created: true)
    }

    /// The existing paper with the same normalized DOI or arXiv id, if any.
    static func find(_ fields: PaperFields, _ db: Database) throws -> PaperID? {
        if let doi = fields.doi, let id = try String.fetchOne(db, cached: "SELECT id FROM paper WHERE doi = ?", arguments: [doi]) {
            return PaperID(trusted: id)
        }
        if let arxiv = fields.arxivID,
            let id = try String.fetchOne(db, cached: "SELECT id FROM paper WHERE arxiv_id = ?", arguments: [arxiv])
        {
            return PaperID(trusted: id)
        }
        return nil
    }

    /// Inserts a new paper; returns it as stored (the caller touches it, knowing who sees it).
    static func insert(id: PaperID, _ fields: PaperFields, _ context: MutationContext) throws -> Paper {
        try context.db.run(
            """
            INSERT INTO paper (id, title, authors, venue, year, doi, arxiv_id, url, pdf_url, code_url, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(id.rawValue), .text(fields.title), .text(JSONValue.strings(fields.authors).jsonString), SQLValue(fields.venue),
                SQLValue(fields.year.map(Int64.init)), SQLValue(fields.doi), SQLValue(fields.arxivID), SQLValue(fields.url),
                SQLValue(fields.pdfURL), SQLValue(fields.codeURL), .integer(context.now.milliseconds), .integer(context.now.milliseconds),
            ])
        return Paper(id: id, fields: fields, createdAt: context.now, updatedAt: context.now)
    }

    /// Checks that a paper id names a paper.
    static func requireExists(_ id: PaperID, field: String, actor: Principal, _ db: Database) throws {
        guard try isUsable(id, actor: actor, db) else { throw Problem.invalid(field, "names an unknown paper") }
    }

    /// Whether the actor may refer to the paper by id: it exists and they may see it (or no one sees it yet
    /// and they may add papers; a paper created by `paper.create` is used by nothing until referenced).
    static func isUsable(_ id: PaperID, actor: Principal, _ db: Database) throws -> Bool {
        guard try Bool.fetchOne(db, cached: "SELECT 1 FROM paper WHERE id = ?", arguments: [id.rawValue]) == true else { return false }
        if actor.isAdmin { return true }
        let audiences = try Int.fetchOne(
            db, cached: "SELECT count(*) FROM audience WHERE type = 'paper' AND entity_id = ?", arguments: [id.rawValue]) ?? 0
        if audiences == 0 { return true }
        return try ChangeLog.isVisible(.paper, id.rawValue, to: actor, db)
    }
}
