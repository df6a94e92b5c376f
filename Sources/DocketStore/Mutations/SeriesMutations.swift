import DocketCore
import Foundation
import GRDB

/// `series.create` and `series.update`.
enum SeriesMutations {
    static let updatableFields = [
        "title", "description", "timeZone", "cadence", "location", "streamURL", "mailingListURL", "visibility",
        "resultsVisibility", "votingMethod",
    ]

    static func create(_ args: inout Args, _ context: MutationContext) throws {
        guard context.actor.isAdmin else { throw Problem(.forbidden, "only an administrator may create a series") }
        let id = args.id("id", SeriesKind.self)
        var slug = args.string("slug", maxLength: 64)
        if let candidate = slug, !Series.isValidSlug(candidate) {
            args.fail("slug", "must be lowercase letters, digits and single hyphens")
            slug = nil
        }
        let title = args.string("title")
        let description = args.optionalString("description", maxLength: 20_000, trim: false)
        let timeZone = readTimeZone(&args) ?? "UTC"
        let cadence = readCadence(&args, required: true)
        let location = args.optionalString("location")
        let streamURL = args.optionalURL("streamURL")
        let mailingListURL = args.optionalURL("mailingListURL")
        let visibility = args.optionalChoice("visibility", SeriesVisibility.self) ?? .members
        let results = args.optionalChoice("resultsVisibility", ResultsVisibility.self) ?? .live
        let method = args.optionalChoice("votingMethod", VotingMethod.self)?.rawValue ?? VotingMethod.schulze.rawValue
        try args.finish()
        guard let id, let slug, let title, let cadence else { return }
        if try Bool.fetchOne(context.db, cached: "SELECT 1 FROM series WHERE id = ?", arguments: [id.rawValue]) == true {
            throw Problem(.conflict, "a series with id \(id) already exists")
        }
        if try Bool.fetchOne(context.db, cached: "SELECT 1 FROM series WHERE slug = ?", arguments: [slug]) == true {
            throw Problem(.conflict, "the slug \(slug) is taken", errors: [FieldError(field: "args.slug", message: "is taken")])
        }
        try context.db.execute(
            cached: """
                INSERT INTO series (id, slug, title, description, time_zone, rrule, start_date, start_time, duration_minutes,
                    location, stream_url, mailing_list_url, visibility, results_visibility, voting_method, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id.rawValue, slug, title, description, timeZone, cadence.rrule, cadence.startDate.iso, cadence.startTime.text,
                cadence.durationMinutes, location, streamURL, mailingListURL, visibility.rawValue, results.rawValue, method,
                context.now.milliseconds, context.now.milliseconds,
            ])
        context.touch(.series, id.rawValue)
    }

    static func update(_ args: inout Args, _ context: MutationContext) throws {
        let id = args.id("id", SeriesKind.self)
        guard let update = Merge.readUpdate(&args), let id else { try args.finish(); return }
        let baseVersion = update.baseVersion
        var values = update.set
        let fields = Merge.fields(in: &values, allowed: updatableFields, raw: args.raw("set"))
        var assignments: [(String, (any DatabaseValueConvertible)?)] = []
        for field in fields {
            switch field {
            case "title": values.string("title").map { assignments.append(("title", $0)) }
            case "description": assignments.append(("description", values.optionalString("description", maxLength: 20_000, trim: false)))
            case "timeZone": readTimeZone(&values).map { assignments.append(("time_zone", $0)) }
            case "cadence":
                if let cadence = readCadence(&values, required: true) {
                    assignments += [
                        ("rrule", cadence.rrule), ("start_date", cadence.startDate.iso), ("start_time", cadence.startTime.text),
                        ("duration_minutes", cadence.durationMinutes),
                    ]
                }
            case "location": assignments.append(("location", values.optionalString("location")))
            case "streamURL": assignments.append(("stream_url", values.optionalURL("streamURL")))
            case "mailingListURL": assignments.append(("mailing_list_url", values.optionalURL("mailingListURL")))
            case "visibility": values.choice("visibility", SeriesVisibility.self).map { assignments.append(("visibility", $0.rawValue)) }
            case "resultsVisibility":
                values.choice("resultsVisibility", ResultsVisibility.self).map { assignments.append(("results_visibility", $0.rawValue)) }
            case "votingMethod": values.choice("votingMethod", VotingMethod.self).map { assignments.append(("voting_method", $0.rawValue)) }
            default: break
            }
        }
        args.absorb(values)
        try args.finish()
        try context.require(.organizer, in: id, field: "args.id")
        try Merge.check(.series, id.rawValue, fields: fields, baseVersion: baseVersion, context)
        let old = try Row.fetchOne(
            context.db, cached: "SELECT visibility, results_visibility FROM series WHERE id = ?", arguments: [id.rawValue])
        try Updates.apply(table: "series", id: id.rawValue, assignments, context)
        context.recordFieldChanges(.series, id.rawValue, fields)
        context.touch(.series, id.rawValue)
        if let old {
            try Sight.seriesSettingsChanged(
                id.rawValue, visibility: old["visibility"], resultsVisibility: old["results_visibility"], context)
        }
    }

    static func readTimeZone(_ args: inout Args) -> String? {
        guard let name = args.optionalString("timeZone", maxLength: 100) else { return nil }
        guard TimeZone(identifier: name) != nil, name.contains("/") || name == "UTC" else {
            args.fail("timeZone", "must be an IANA time zone such as Europe/Berlin")
            return nil
        }
        return name
    }

    static func readCadence(_ args: inout Args, required: Bool) -> Cadence? {
        guard var cadence = args.object("cadence") else {
            if required && (args.raw("cadence")?.isNull ?? true) { args.fail("cadence", "is required") }
            return nil
        }
        defer { args.absorb(cadence) }
        let rrule = cadence.string("rrule", maxLength: 200)
        if let rrule, let problem = Cadence.problem(inRRule: rrule) { cadence.fail("rrule", problem) }
        let date = cadence.string("startDate", maxLength: 10)
        let startDate = date.flatMap(CivilDate.init(iso:))
        if date != nil && startDate == nil { cadence.fail("startDate", "must be a date YYYY-MM-DD") }
        let time = cadence.string("startTime", maxLength: 5)
        let startTime = time.flatMap(LocalTime.init)
        if time != nil && startTime == nil { cadence.fail("startTime", "must be a time HH:MM") }
        let duration = cadence.optionalInt("durationMinutes", in: 1...1440) ?? 60
        guard cadence.isValid, let rrule, let startDate, let startTime else { return nil }
        return Cadence(rrule: rrule.uppercased(), startDate: startDate, startTime: startTime, durationMinutes: Int(duration))
    }
}

/// Writes column assignments of an update and bumps `updated_at`.
enum Updates {
    static func apply(table: String, id: String, _ assignments: [(String, (any DatabaseValueConvertible)?)], _ context: MutationContext) throws {
        var sets = assignments.map { "\($0.0) = ?" }
        sets.append("updated_at = ?")
        var arguments = StatementArguments(assignments.map { $0.1 })
        arguments += [context.now.milliseconds, id]
        try context.db.execute(cached: "UPDATE \(table) SET \(sets.joined(separator: ", ")) WHERE id = ?", arguments: arguments)
    }
}
