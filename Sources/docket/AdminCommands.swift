import ArgumentParser
import DocketCore
import DocketStore
import Foundation

struct SeriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "series", abstract: "Manage series.", subcommands: [SeriesCreate.self])
}

struct SeriesCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a series; prints its id.")

    @OptionGroup var database: DatabaseOption
    @Option(help: "Short name used in URLs: lowercase letters, digits, hyphens.") var slug: String
    @Option(help: "Title.") var title: String
    @Option(name: .customLong("time-zone"), help: "IANA time zone of the meetings.") var timeZone = "Europe/Berlin"
    @Option(help: "Recurrence rule of the meetings.") var rrule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    @Option(name: .customLong("start-date"), help: "First meeting's local date, YYYY-MM-DD (default: today).") var startDate: String?
    @Option(name: .customLong("start-time"), help: "Local start time, HH:MM.") var startTime = "15:00"
    @Option(help: "Length of a meeting in minutes.") var duration = 60
    @Option(help: "public (anyone may read the schedule) or members.") var visibility = "members"

    func run() throws {
        let store = try Store(path: try database.path())
        let id = store.environment.newID()
        let date = startDate ?? CivilDate(daysSinceEpoch: store.environment.now().milliseconds / 86_400_000).iso
        try store.run(
            "series.create",
            [
                "id": .string(id), "slug": .string(slug), "title": .string(title), "timeZone": .string(timeZone),
                "cadence": [
                    "rrule": .string(rrule), "startDate": .string(date), "startTime": .string(startTime),
                    "durationMinutes": .int(Int64(duration)),
                ],
                "visibility": .string(visibility),
            ])
        print(id)
    }
}

struct PersonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person", abstract: "Manage people.", subcommands: [PersonAdd.self])
}

struct PersonAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a person; prints the new id.")

    @OptionGroup var database: DatabaseOption
    @Option(help: "Full name.") var name: String
    @Option(help: "Email address.") var email: String?
    @Option(help: "Affiliation.") var affiliation: String?
    @Option(help: "Slug of a series to join (with --role).") var series: String?
    @Option(help: "member or organizer (with --series).") var role: String?
    @Flag(help: "Make the person an administrator of the whole server.") var admin = false

    func validate() throws {
        if (series == nil) != (role == nil) { throw ValidationError("--series and --role go together") }
    }

    func run() throws {
        let store = try Store(path: try database.path())
        let id = store.environment.newID()
        var batch = [
            BatchMutation(
                name: "person.create",
                args: [
                    "id": .string(id), "name": .string(name), "email": .optional(email), "affiliation": .optional(affiliation),
                    "admin": .bool(admin),
                ],
                actor: .administrator)
        ]
        if let series, let role {
            guard let seriesID = try store.resolveSeries(series, actor: .administrator) else {
                throw ValidationError("no series has the slug \(series)")
            }
            batch.append(
                BatchMutation(
                    name: "membership.set",
                    args: ["seriesID": .string(seriesID.rawValue), "personID": .string(id), "role": .string(role)],
                    actor: .administrator))
        }
        try store.runBatch(batch)
        print(id)
    }
}

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Issue, list and revoke bearer tokens.",
        subcommands: [TokenIssue.self, TokenList.self, TokenRevoke.self])
}

struct TokenIssue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue", abstract: "Issue a token for a person's device; prints the token only (shown once).")

    @OptionGroup var database: DatabaseOption
    @Option(help: "The person's id.") var person: String
    @Option(help: "A name for the device, e.g. laptop.") var device: String

    func run() throws {
        guard let id = PersonID(person) else { throw ValidationError("--person must be a person id (a lowercase UUID)") }
        let store = try Store(path: try database.path())
        print(try store.issueToken(person: id, device: device).secret)
    }
}

struct TokenList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (never their secrets).")

    @OptionGroup var database: DatabaseOption
    @Option(help: "Only this person's tokens.") var person: String?

    func run() throws {
        var id: PersonID?
        if let person {
            guard let parsed = PersonID(person) else { throw ValidationError("--person must be a person id (a lowercase UUID)") }
            id = parsed
        }
        let store = try Store(path: try database.path())
        for token in try store.tokens(of: id) {
            let state = token.revoked ? "revoked" : "active"
            print("\(token.id)\t\(token.personID)\t\(token.device)\t\(state)\tcreated \(token.createdAt)\tlast used \(token.lastUsedAt?.rfc3339 ?? "never")")
        }
    }
}

struct TokenRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token at once.")

    @OptionGroup var database: DatabaseOption
    @Option(help: "The token's id (from token list).") var id: String

    func run() throws {
        guard let tokenID = TokenID(id) else { throw ValidationError("--id must be a token id (a lowercase UUID)") }
        let store = try Store(path: try database.path())
        try store.revokeToken(tokenID, owner: nil)
        print("revoked \(tokenID)")
    }
}
