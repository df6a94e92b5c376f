import DocketCore
import GRDB

/// `person.create` and `membership.set`.
enum PersonMutations {
    static func create(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", PersonKind.self)
        let name = args.string("name")
        let affiliation = args.optionalString("affiliation")
        let email = readEmail(&args)
        let admin = args.has("admin") ? args.bool("admin") ?? false : false
        try args.finish()
        guard let id, let name else { return }
        try requireOrganizerSomewhere(context)
        if admin && !(context.actor.isAdmin && context.actor.personID == nil) {
            throw Problem(.forbidden, "administrators are made on the server with docket person add --admin")
        }
        if try Bool.fetchOne(context.db, cached: "SELECT 1 FROM person WHERE id = ?", arguments: [id.rawValue]) == true {
            throw Problem(.conflict, "a person with id \(id) already exists")
        }
        try insert(id: id, name: name, affiliation: affiliation, email: email, isAdmin: admin, context)
    }

    /// Inserts a person (also used by invite redemption and the admin CLI).
    static func insert(id: PersonID, name: String, affiliation: String?, email: String?, isAdmin: Bool, _ context: MutationContext) throws {
        if let email, try Bool.fetchOne(
            context.db, cached: "SELECT 1 FROM person WHERE lower(email) = lower(?)", arguments: [email]) == true
        {
            throw Problem(.conflict, "a person with this email already exists", errors: [FieldError(field: "args.email", message: "is taken")])
        }
        try context.db.execute(
            cached: "INSERT INTO person (id, name, affiliation, email, is_admin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [id.rawValue, name, affiliation, email, isAdmin, context.now.milliseconds, context.now.milliseconds])
        context.touch(.person, id.rawValue)
    }

    static func setMembership(_ args: inout Args, _ context: MutationContext) throws {
        let seriesID = args.id("seriesID", SeriesKind.self)
        let personID = args.id("personID", PersonKind.self)
        var role: SeriesRole?
        if !args.has("role") {
            args.fail("role", "is required (null removes the person from the series)")
        } else if args.raw("role")?.isNull == false {
            role = args.choice("role", SeriesRole.self)
        }
        try args.finish()
        guard let seriesID, let personID else { return }
        try context.require(.organizer, in: seriesID)
        guard try Bool.fetchOne(context.db, cached: "SELECT 1 FROM person WHERE id = ?", arguments: [personID.rawValue]) == true else {
            throw Problem.invalid("args.personID", "names an unknown person")
        }
        let old = try context.role(of: personID, in: seriesID)
        let isAdmin = try Bool.fetchOne(context.db, cached: "SELECT is_admin FROM person WHERE id = ?", arguments: [personID.rawValue]) ?? false
        let before = role == nil && old == .member && !isAdmin
            ? try Sight.visibleInSeries(seriesID.rawValue, to: personID.rawValue, context.db) : nil
        if let role {
            try context.db.execute(
                cached: """
                    INSERT INTO membership (series_id, person_id, role) VALUES (?, ?, ?)
                    ON CONFLICT (series_id, person_id) DO UPDATE SET role = excluded.role
                    """,
                arguments: [seriesID.rawValue, personID.rawValue, role.rawValue])
        } else {
            try context.db.execute(
                cached: "DELETE FROM membership WHERE series_id = ? AND person_id = ?",
                arguments: [seriesID.rawValue, personID.rawValue])
        }
        context.touch(.person, personID.rawValue)
        if !isAdmin {
            try Sight.membershipChanged(
                person: personID.rawValue, series: seriesID.rawValue, from: old, to: role, before: before, context)
        }
    }

    /// A presenter must belong to the series, or be a guest (a person without any membership).
    ///
    /// Anyone else is reported as unknown: naming a member of another series
    /// would show them, and their email, to this series' organizers.
    static func requirePresentable(_ person: PersonID, in series: SeriesID, field: String, _ context: MutationContext) throws {
        guard try isPresentable(person, in: series, context.db) || context.actor.isAdmin && context.actor.personID == nil else {
            throw Problem.invalid(field, "names an unknown person (presenters are members of the series or guests)")
        }
    }

    /// Whether the person exists and is a member of the series or a guest (member of no series).
    static func isPresentable(_ person: PersonID, in series: SeriesID, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            cached: """
                SELECT EXISTS (SELECT 1 FROM person WHERE id = ?1) AND (
                    EXISTS (SELECT 1 FROM membership WHERE person_id = ?1 AND series_id = ?2)
                    OR NOT EXISTS (SELECT 1 FROM membership WHERE person_id = ?1))
                """,
            arguments: [person.rawValue, series.rawValue]) ?? false
    }

    static func readEmail(_ args: inout Args) -> String? {
        guard let email = args.optionalString("email", maxLength: 254) else { return nil }
        guard Person.isPlausibleEmail(email) else {
            args.fail("email", "must be an email address")
            return nil
        }
        return email
    }

    /// Guests and papers may be created by administrators and by organizers of any series.
    static func requireOrganizerSomewhere(_ context: MutationContext) throws {
        if context.actor.isAdmin { return }
        let person = try context.person()
        guard try Bool.fetchOne(
            context.db, cached: "SELECT 1 FROM membership WHERE person_id = ? AND role = 'organizer'", arguments: [person.rawValue]) == true
        else { throw Problem(.forbidden, "only organizers may do this") }
    }
}
