import Foundation
import Testing

// MARK: - Checks shared by the CLI and serve tests

/// Runs the real `docket` binary (see `DocketBinary`).
func docket(_ arguments: [String], environment: [String: String] = [:]) throws -> DocketBinary.Outcome {
    try DocketBinary.run(arguments, environment: environment)
}

/// True for a lowercase, hyphenated UUID such as `01a2144b-4a5a-7fca-b621-0b5d5563b7c4`.
func isLowercaseUUID(_ text: some StringProtocol) -> Bool {
    let groups = text.split(separator: "-", omittingEmptySubsequences: false)
    guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
    return groups.allSatisfy { $0.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) } }
}

/// True for a bearer token: `dkt_` and 43 base64url characters.
func isToken(_ text: some StringProtocol) -> Bool {
    guard text.hasPrefix("dkt_") else { return false }
    let body = text.dropFirst(4)
    return body.count == 43
        && body.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
}

/// The run ended by exit 0, printed nothing on stderr; returns its stdout.
@discardableResult
func expectSuccess(_ outcome: DocketBinary.Outcome, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    #expect(outcome.status == 0 && !outcome.crashed, "\(what): exit \(outcome.status), stderr: \(outcome.stderr)", sourceLocation: sourceLocation)
    #expect(outcome.stderr.isEmpty, "\(what): stderr should be empty, was: \(outcome.stderr)", sourceLocation: sourceLocation)
    return outcome.stdout
}

/// The run succeeded and printed exactly one line, a new lowercase UUID; returns it.
func expectPrintedID(_ outcome: DocketBinary.Outcome, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    let out = expectSuccess(outcome, what, sourceLocation: sourceLocation)
    let id = out.hasSuffix("\n") ? String(out.dropLast()) : out
    #expect(out.hasSuffix("\n") && !id.contains("\n"), "\(what): stdout should be one line, was: \(out)", sourceLocation: sourceLocation)
    #expect(isLowercaseUUID(id), "\(what): expected a lowercase UUID, got: \(out)", sourceLocation: sourceLocation)
    return id
}

/// The run failed the way every docket error must: a non-zero exit (not a signal), nothing on
/// stdout, and exactly one line on stderr that starts with `docket: ` (and names `mentions`, when given).
func expectOneLineFailure(
    _ outcome: DocketBinary.Outcome, _ what: String, mentions: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(outcome.status != 0, "\(what): should fail, exited 0; stdout: \(outcome.stdout)", sourceLocation: sourceLocation)
    #expect(!outcome.crashed, "\(what): ended by signal \(outcome.status); stderr: \(outcome.stderr)", sourceLocation: sourceLocation)
    #expect(outcome.stdout.isEmpty, "\(what): stdout should be empty, was: \(outcome.stdout)", sourceLocation: sourceLocation)
    let body = outcome.stderr.hasSuffix("\n") ? String(outcome.stderr.dropLast()) : outcome.stderr
    #expect(
        outcome.stderr.hasSuffix("\n") && !body.contains("\n") && !body.contains("\r"),
        "\(what): stderr should be exactly one line, was: \(outcome.stderr)", sourceLocation: sourceLocation)
    #expect(body.hasPrefix("docket: "), "\(what): stderr should start with 'docket: ', was: \(outcome.stderr)", sourceLocation: sourceLocation)
    #expect(body.count > "docket: ".count + 3, "\(what): the error line says nothing: \(outcome.stderr)", sourceLocation: sourceLocation)
    if let mentions {
        #expect(body.contains(mentions), "\(what): the error should name \(mentions), was: \(outcome.stderr)", sourceLocation: sourceLocation)
    }
}

/// A database with one series (`taken`), an organizer of it with an email and a token: what most CLI tests start from.
struct CLIFixture {
    let directory: TemporaryDirectory
    let db: String
    let seriesID: String
    let personID: String
    let email: String
    let token: String

    init(_ label: String) throws {
        directory = try TemporaryDirectory(label)
        db = directory.path("docket.db")
        seriesID = expectPrintedID(try docket(["series", "create", "--db", db, "--slug", "taken", "--title", "Taken"]), "series create")
        email = "olga.\(UUID().uuidString.prefix(8).lowercased())@example.org"
        personID = expectPrintedID(
            try docket(["person", "add", "--db", db, "--name", "Olga Organizer", "--email", email, "--series", "taken", "--role", "organizer"]),
            "person add")
        token = try docket(["token", "issue", "--db", db, "--person", personID, "--device", "laptop"]).stdout
            .trimmingCharacters(in: .newlines)
    }

    /// What the database holds, seen from outside: the token list, and with `sqlite3` the row counts and change version.
    func state() throws -> String {
        let tokens = try docket(["token", "list", "--db", db]).stdout
        let rows = try SQLiteShell.query(
            db, "SELECT (SELECT count(*) FROM series), (SELECT count(*) FROM person), (SELECT count(*) FROM token), (SELECT version FROM clock);")
        return tokens + "\n" + (rows ?? "(no sqlite3)")
    }
}

// MARK: - CLI tests (no server)

@Suite struct CLITests {
    @Test func migrateCreatesANewDatabaseAndIsRepeatable() throws {
        let dir = try TemporaryDirectory("migrate")
        defer { dir.remove() }
        let db = dir.path("fresh.db")
        #expect(!FileManager.default.fileExists(atPath: db))

        let first = expectSuccess(try docket(["migrate", "--db", db]), "migrate on a new file")
        #expect(FileManager.default.fileExists(atPath: db), "migrate should create the database file")
        #expect(first.hasSuffix("\n") && !first.dropLast().contains("\n"), "migrate prints one line, printed: \(first)")
        #expect(first.contains(db), "migrate names the database: \(first)")

        let again = expectSuccess(try docket(["migrate", "--db", db]), "migrate on an existing, current file")
        #expect(again == first, "a second migrate reports the same schema")

        // An existing database with data keeps it.
        _ = expectPrintedID(try docket(["series", "create", "--db", db, "--slug", "kept", "--title", "Kept"]), "series create")
        expectSuccess(try docket(["migrate", "--db", db]), "migrate on a database with data")
        expectOneLineFailure(
            try docket(["series", "create", "--db", db, "--slug", "kept", "--title", "Again"]), "the series survived migrate", mentions: "kept")
        if let check = try SQLiteShell.query(db, "PRAGMA integrity_check;") { #expect(check == "ok") }
        if let mode = try SQLiteShell.query(db, "PRAGMA journal_mode;") { #expect(mode == "wal") }
    }

    @Test func seriesCreatePrintsOnlyTheNewID() throws {
        let dir = try TemporaryDirectory("series")
        defer { dir.remove() }
        let db = dir.path("docket.db")
        let plain = expectPrintedID(
            try docket(["series", "create", "--db", db, "--slug", "reading-group", "--title", "Reading group"]), "series create (defaults)")
        let full = expectPrintedID(
            try docket([
                "series", "create", "--db", db, "--slug", "ml-2", "--title", "Machine learning, take 2", "--time-zone", "America/New_York",
                "--rrule", "FREQ=WEEKLY;INTERVAL=1;BYDAY=TH", "--start-date", "2026-01-08", "--start-time", "16:30", "--duration", "90",
                "--visibility", "public",
            ]), "series create (every option)")
        let members = expectPrintedID(
            try docket(["series", "create", "--db", db, "--slug", "m3", "--title", "Members", "--visibility", "members"]), "series create --visibility members")
        #expect(Set([plain, full, members]).count == 3, "each series gets its own id")
    }

    @Test func personAddPrintsOnlyTheNewID() throws {
        let fixture = try CLIFixture("person")
        defer { fixture.directory.remove() }
        let db = fixture.db
        let plain = expectPrintedID(try docket(["person", "add", "--db", db, "--name", "Guest Speaker"]), "person add (name only)")
        let detailed = expectPrintedID(
            try docket(["person", "add", "--db", db, "--name", "Ada Lovelace", "--email", "ada@example.org", "--affiliation", "Analytical Engines"]),
            "person add (email, affiliation)")
        let member = expectPrintedID(
            try docket(["person", "add", "--db", db, "--name", "Mia Member", "--series", "taken", "--role", "member"]), "person add --role member")
        let organizer = expectPrintedID(
            try docket(["person", "add", "--db", db, "--name", "Otto Organizer", "--series", "taken", "--role", "organizer"]),
            "person add --role organizer")
        let admin = expectPrintedID(try docket(["person", "add", "--db", db, "--name", "Root Admin", "--admin"]), "person add --admin")
        #expect(Set([plain, detailed, member, organizer, admin, fixture.personID]).count == 6, "each person gets its own id")
    }

    @Test func tokenIssuePrintsOnlyTheToken() throws {
        let fixture = try CLIFixture("issue")
        defer { fixture.directory.remove() }
        #expect(isToken(fixture.token), "token issue printed \(fixture.token)")
        let outcome = try docket(["token", "issue", "--db", fixture.db, "--person", fixture.personID, "--device", "phone"])
        let out = expectSuccess(outcome, "token issue")
        #expect(out.hasSuffix("\n") && !out.dropLast().contains("\n"), "token issue prints one line: \(out)")
        let second = out.trimmingCharacters(in: .newlines)
        #expect(isToken(second), "token issue printed \(out)")
        #expect(second != fixture.token, "every token is new")
    }

    @Test func tokenListNeverShowsASecretAndRevokeMarksTheToken() throws {
        let fixture = try CLIFixture("tokens")
        defer { fixture.directory.remove() }
        let db = fixture.db
        let other = expectPrintedID(try docket(["person", "add", "--db", db, "--name", "Bea Other"]), "person add")
        let phone = try docket(["token", "issue", "--db", db, "--person", fixture.personID, "--device", "phone"]).stdout
        let tablet = try docket(["token", "issue", "--db", db, "--person", other, "--device", "tablet"]).stdout
        let secrets = [fixture.token, phone, tablet].map { $0.trimmingCharacters(in: .newlines) }
        #expect(secrets.allSatisfy { isToken($0) })

        func lines(_ out: String) -> [[String]] {
            out.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        }
        func expectNoSecret(_ out: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(!out.contains("dkt_"), "\(what) shows a token: \(out)", sourceLocation: sourceLocation)
            for secret in secrets {
                #expect(!out.contains(secret.dropFirst(4).prefix(16)), "\(what) shows part of a secret", sourceLocation: sourceLocation)
            }
        }

        let all = expectSuccess(try docket(["token", "list", "--db", db]), "token list")
        expectNoSecret(all, "token list")
        let rows = lines(all)
        #expect(rows.count == 3, "three tokens listed: \(all)")
        #expect(rows.allSatisfy { $0.count >= 3 && isLowercaseUUID($0[0]) }, "each line starts with the token id: \(all)")
        #expect(Set(rows.compactMap { $0.first }).count == 3, "token ids differ")
        #expect(Set(rows.compactMap { $0.count > 1 ? $0[1] : nil }) == [fixture.personID, other], "lines name the owners: \(all)")
        #expect(Set(rows.compactMap { $0.count > 2 ? $0[2] : nil }) == ["laptop", "phone", "tablet"], "lines name the devices: \(all)")
        #expect(rows.allSatisfy { $0.contains("active") }, "new tokens are active: \(all)")

        let mine = expectSuccess(try docket(["token", "list", "--db", db, "--person", fixture.personID]), "token list --person")
        expectNoSecret(mine, "token list --person")
        #expect(lines(mine).count == 2 && lines(mine).allSatisfy { $0.count > 1 && $0[1] == fixture.personID }, "only Olga's tokens: \(mine)")

        let nobody = expectPrintedID(try docket(["person", "add", "--db", db, "--name", "No Tokens"]), "person add")
        let none = expectSuccess(try docket(["token", "list", "--db", db, "--person", nobody]), "token list for a person without tokens")
        #expect(none.isEmpty)

        let phoneID = try #require(rows.first { $0.count > 2 && $0[2] == "phone" }?.first)
        expectSuccess(try docket(["token", "revoke", "--db", db, "--id", phoneID]), "token revoke")
        let after = expectSuccess(try docket(["token", "list", "--db", db]), "token list after revoke")
        expectNoSecret(after, "token list after revoke")
        let afterRows = lines(after)
        #expect(afterRows.count == 3, "a revoked token is still listed: \(after)")
        #expect(afterRows.first { $0.first == phoneID }?.contains("revoked") == true, "the revoked token says so: \(after)")
        #expect(afterRows.filter { $0.first != phoneID }.allSatisfy { $0.contains("active") && !$0.contains("revoked") }, "others stay active")
    }

    @Test func docketDBStandsInForTheDBOption() throws {
        let dir = try TemporaryDirectory("env")
        defer { dir.remove() }
        let db = dir.path("from-env.db")
        let env = ["DOCKET_DB": db]
        expectSuccess(try docket(["migrate"], environment: env), "migrate with DOCKET_DB")
        #expect(FileManager.default.fileExists(atPath: db), "DOCKET_DB names the file migrate creates")
        _ = expectPrintedID(try docket(["series", "create", "--slug", "env-series", "--title", "From env"], environment: env), "series create")
        let person = expectPrintedID(
            try docket(["person", "add", "--name", "Env Person", "--series", "env-series", "--role", "organizer"], environment: env), "person add")
        let token = expectSuccess(try docket(["token", "issue", "--person", person, "--device", "laptop"], environment: env), "token issue")
        #expect(isToken(token.trimmingCharacters(in: .newlines)))
        let list = expectSuccess(try docket(["token", "list", "--person", person], environment: env), "token list")
        let tokenID = try #require(list.split(separator: "\t").first.map(String.init))
        #expect(isLowercaseUUID(tokenID))
        // The same data is in the file when named by --db.
        #expect(try docket(["token", "list", "--db", db]).stdout == list)
        expectSuccess(try docket(["token", "revoke", "--id", tokenID], environment: env), "token revoke")
        let backup = dir.path("env-backup.db")
        expectSuccess(try docket(["backup", "--to", backup], environment: env), "backup")
        #expect(FileManager.default.fileExists(atPath: backup))
        let restored = dir.path("env-restored.db")
        expectSuccess(try docket(["restore", "--from", backup], environment: ["DOCKET_DB": restored]), "restore")
        #expect(try docket(["token", "list", "--db", restored]).stdout.contains(tokenID), "the restored file has the token")

        // --db wins over DOCKET_DB.
        let other = dir.path("other.db")
        _ = expectPrintedID(try docket(["series", "create", "--db", other, "--slug", "where", "--title", "Where"], environment: env), "--db and DOCKET_DB")
        expectOneLineFailure(try docket(["series", "create", "--db", other, "--slug", "where", "--title", "Again"]), "in --db's file", mentions: "where")
        _ = expectPrintedID(try docket(["series", "create", "--slug", "where", "--title", "Where"], environment: env), "not in DOCKET_DB's file")
    }

    @Test func backupAndRestoreWhileNothingRuns() throws {
        let fixture = try CLIFixture("offline-backup")
        defer { fixture.directory.remove() }
        let backup = fixture.directory.path("copy.db")
        expectSuccess(try docket(["backup", "--db", fixture.db, "--to", backup]), "backup")
        #expect(FileManager.default.fileExists(atPath: backup))
        if let check = try SQLiteShell.query(backup, "PRAGMA integrity_check;") { #expect(check == "ok") }

        let restored = fixture.directory.path("restored.db")
        expectSuccess(try docket(["restore", "--db", restored, "--from", backup]), "restore into a new file")
        if let check = try SQLiteShell.query(restored, "PRAGMA integrity_check;") { #expect(check == "ok") }
        expectSuccess(try docket(["migrate", "--db", restored]), "the restored file opens")
        let tokens = expectSuccess(try docket(["token", "list", "--db", restored]), "token list on the restored file")
        #expect(tokens == (try docket(["token", "list", "--db", fixture.db]).stdout), "the restored file has the same tokens")
        expectOneLineFailure(
            try docket(["series", "create", "--db", restored, "--slug", "taken", "--title", "Again"]), "the restored file has the series",
            mentions: "taken")
        _ = expectPrintedID(
            try docket(["person", "add", "--db", restored, "--name", "Late Joiner", "--series", "taken", "--role", "member"]),
            "the restored series can be joined")

        // Restoring over the original file (the usual case, server stopped) brings back the backup's state.
        _ = expectPrintedID(try docket(["series", "create", "--db", fixture.db, "--slug", "after-backup", "--title", "After"]), "series create")
        expectSuccess(try docket(["restore", "--db", fixture.db, "--from", backup]), "restore over the original")
        _ = expectPrintedID(
            try docket(["series", "create", "--db", fixture.db, "--slug", "after-backup", "--title", "After"]),
            "a series made after the backup is gone after the restore")
        if let check = try SQLiteShell.query(fixture.db, "PRAGMA integrity_check;") { #expect(check == "ok") }
    }

    /// A backup file that is empty or not Docket's must be refused before the database is touched.
    @Test func restoreFromAFileThatIsNotADocketBackupLeavesTheDatabaseAlone() throws {
        let fixture = try CLIFixture("bad-restore")
        defer { fixture.directory.remove() }
        let before = try fixture.state()

        let empty = fixture.directory.path("empty.bak")  // e.g. a copy that failed half-way: zero bytes
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        var candidates = [("an empty file", empty)]
        let foreign = fixture.directory.path("foreign.sqlite")
        if try SQLiteShell.query(foreign, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello');") != nil {
            candidates.append(("another program's SQLite file", foreign))
        }
        for (what, file) in candidates {
            expectOneLineFailure(try docket(["restore", "--db", fixture.db, "--from", file]), "restore from \(what)")
            let after = try fixture.state()
            #expect(after == before, "restore from \(what) must leave the database as it was; before:\n\(before)\nafter:\n\(after)")
        }
    }

    // MARK: Failures

    /// One command that must fail; `$DB`, `$DIR`, `$PERSON`, `$EXISTING` and `$JUNK` are filled in from the fixture.
    struct FailureCase: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var environment: [String: String] = [:]
        var mentions: String?
        var testDescription: String { name }
    }

    static let failures: [FailureCase] = [
        // --db missing and DOCKET_DB empty (the variable may be set where the tests run).
        .init(name: "migrate without --db", arguments: ["migrate"], environment: ["DOCKET_DB": ""], mentions: "--db"),
        .init(
            name: "series create without --db", arguments: ["series", "create", "--slug", "fresh", "--title", "Fresh"],
            environment: ["DOCKET_DB": ""], mentions: "--db"),
        .init(name: "person add without --db", arguments: ["person", "add", "--name", "Nobody"], environment: ["DOCKET_DB": ""], mentions: "--db"),
        .init(
            name: "token issue without --db", arguments: ["token", "issue", "--person", "$PERSON", "--device", "x"],
            environment: ["DOCKET_DB": ""], mentions: "--db"),
        .init(name: "token list without --db", arguments: ["token", "list"], environment: ["DOCKET_DB": ""], mentions: "--db"),
        .init(name: "backup without --db", arguments: ["backup", "--to", "$DIR/nowhere.db"], environment: ["DOCKET_DB": ""], mentions: "--db"),
        .init(name: "restore without --db", arguments: ["restore", "--from", "$EXISTING"], environment: ["DOCKET_DB": ""], mentions: "--db"),
        // series create
        .init(name: "bad slug (spaces, punctuation)", arguments: ["series", "create", "--db", "$DB", "--slug", "Not a slug!", "--title", "T"], mentions: "slug"),
        .init(name: "bad slug (upper case)", arguments: ["series", "create", "--db", "$DB", "--slug", "ML-Seminar", "--title", "T"], mentions: "slug"),
        .init(name: "bad slug (double hyphen)", arguments: ["series", "create", "--db", "$DB", "--slug", "a--b", "--title", "T"], mentions: "slug"),
        .init(name: "duplicate slug", arguments: ["series", "create", "--db", "$DB", "--slug", "taken", "--title", "Again"], mentions: "taken"),
        .init(
            name: "bad time zone", arguments: ["series", "create", "--db", "$DB", "--slug", "tz", "--title", "T", "--time-zone", "Mars/Olympus_Mons"]),
        .init(name: "time zone abbreviation", arguments: ["series", "create", "--db", "$DB", "--slug", "tz", "--title", "T", "--time-zone", "CEST"]),
        .init(name: "bad rrule (frequency)", arguments: ["series", "create", "--db", "$DB", "--slug", "rr", "--title", "T", "--rrule", "FREQ=SOMETIMES"]),
        .init(name: "bad rrule (garbage)", arguments: ["series", "create", "--db", "$DB", "--slug", "rr", "--title", "T", "--rrule", "every other tuesday"]),
        .init(name: "bad start date", arguments: ["series", "create", "--db", "$DB", "--slug", "sd", "--title", "T", "--start-date", "2026-13-45"]),
        .init(name: "bad start time", arguments: ["series", "create", "--db", "$DB", "--slug", "st", "--title", "T", "--start-time", "25:00"]),
        .init(name: "duration zero", arguments: ["series", "create", "--db", "$DB", "--slug", "du", "--title", "T", "--duration", "0"]),
        .init(name: "duration not a number", arguments: ["series", "create", "--db", "$DB", "--slug", "du", "--title", "T", "--duration", "long"]),
        .init(name: "bad visibility", arguments: ["series", "create", "--db", "$DB", "--slug", "vi", "--title", "T", "--visibility", "secret"]),
        .init(name: "empty title", arguments: ["series", "create", "--db", "$DB", "--slug", "et", "--title", ""]),
        .init(name: "series create without --slug", arguments: ["series", "create", "--db", "$DB", "--title", "T"], mentions: "--slug"),
        // person add
        .init(
            name: "unknown --series", arguments: ["person", "add", "--db", "$DB", "--name", "Ann", "--series", "no-such-series", "--role", "member"],
            mentions: "no-such-series"),
        .init(name: "--series without --role", arguments: ["person", "add", "--db", "$DB", "--name", "Ann", "--series", "taken"], mentions: "--role"),
        .init(name: "--role without --series", arguments: ["person", "add", "--db", "$DB", "--name", "Ann", "--role", "member"], mentions: "--series"),
        .init(name: "bad --role", arguments: ["person", "add", "--db", "$DB", "--name", "Ann", "--series", "taken", "--role", "boss"]),
        .init(name: "bad --email", arguments: ["person", "add", "--db", "$DB", "--name", "Ann", "--email", "not-an-address"]),
        .init(name: "empty --name", arguments: ["person", "add", "--db", "$DB", "--name", ""]),
        // tokens
        .init(name: "token issue: --person not an id", arguments: ["token", "issue", "--db", "$DB", "--person", "olga", "--device", "x"], mentions: "--person"),
        .init(
            name: "token issue: --person unknown", arguments: ["token", "issue", "--db", "$DB", "--person", "01234567-89ab-7def-8123-456789abcdef", "--device", "x"],
            mentions: "01234567-89ab-7def-8123-456789abcdef"),
        .init(name: "token issue: empty --device", arguments: ["token", "issue", "--db", "$DB", "--person", "$PERSON", "--device", ""]),
        .init(name: "token list: --person not an id", arguments: ["token", "list", "--db", "$DB", "--person", "olga"], mentions: "--person"),
        .init(
            name: "revoke an unknown token id", arguments: ["token", "revoke", "--db", "$DB", "--id", "01234567-89ab-7def-8123-456789abcdef"],
            mentions: "01234567-89ab-7def-8123-456789abcdef"),
        .init(name: "revoke: --id not an id", arguments: ["token", "revoke", "--db", "$DB", "--id", "dkt_nope"], mentions: "--id"),
        // backup and restore
        .init(name: "backup to an existing file", arguments: ["backup", "--db", "$DB", "--to", "$EXISTING"], mentions: "$EXISTING"),
        .init(name: "backup to the database itself", arguments: ["backup", "--db", "$DB", "--to", "$DB"]),
        .init(name: "backup into a missing folder", arguments: ["backup", "--db", "$DB", "--to", "$DIR/no/such/folder/copy.db"]),
        .init(name: "restore from a missing file", arguments: ["restore", "--db", "$DIR/restored.db", "--from", "$DIR/missing.db"], mentions: "$DIR/missing.db"),
        .init(name: "restore from a file that is not SQLite", arguments: ["restore", "--db", "$DIR/restored.db", "--from", "$JUNK"]),
        .init(name: "migrate a file that is not SQLite", arguments: ["migrate", "--db", "$JUNK"]),
        .init(name: "migrate a folder", arguments: ["migrate", "--db", "$DIR"]),
        // the command line itself
        .init(name: "unknown subcommand", arguments: ["frobnicate"], mentions: "frobnicate"),
        .init(name: "unknown nested subcommand", arguments: ["series", "frobnicate"], mentions: "frobnicate"),
        .init(name: "unknown token subcommand", arguments: ["token", "frobnicate"], mentions: "frobnicate"),
        .init(name: "unknown option", arguments: ["series", "create", "--db", "$DB", "--slug", "x", "--title", "T", "--colour", "red"], mentions: "--colour"),
        .init(name: "serve with a bad --port", arguments: ["serve", "--db", "$DB", "--port", "eighty"], mentions: "eighty"),
        .init(name: "serve keeping deletions for no days", arguments: ["serve", "--db", "$DB", "--tombstone-days", "0"], mentions: "--tombstone-days"),
        .init(name: "serve with a rate limit of nothing", arguments: ["serve", "--db", "$DB", "--rate-limit", "0"], mentions: "--rate-limit"),
    ]

    @Test(arguments: failures)
    func failsWithOneLineOnStderr(_ failure: FailureCase) throws {
        let fixture = try CLIFixture("fail")
        defer { fixture.directory.remove() }
        let existing = fixture.directory.path("existing.db")
        let existingBytes = Data("precious: not to be overwritten\n".utf8)
        #expect(FileManager.default.createFile(atPath: existing, contents: existingBytes))
        let junk = fixture.directory.path("junk.db")
        #expect(FileManager.default.createFile(atPath: junk, contents: Data(String(repeating: "not a database\n", count: 300).utf8)))
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "$DB", with: fixture.db).replacingOccurrences(of: "$DIR", with: fixture.directory.url.path)
                .replacingOccurrences(of: "$PERSON", with: fixture.personID).replacingOccurrences(of: "$EXISTING", with: existing)
                .replacingOccurrences(of: "$JUNK", with: junk)
        }
        let before = try fixture.state()
        let entriesBefore = fixture.directory.entries().filter { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }

        // Bounded: a command that wrongly starts a server must not hang the suite.
        let (outcome, timedOut) = try DocketBinary.runBounded(failure.arguments.map(fill), environment: failure.environment)
        #expect(!timedOut, "\(failure.name): still running after 20 s")
        expectOneLineFailure(outcome, failure.name, mentions: failure.mentions.map(fill))

        // A failed command changes nothing.
        #expect(try fixture.state() == before, "\(failure.name) changed the database")
        #expect(
            fixture.directory.entries().filter { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") } == entriesBefore,
            "\(failure.name) left files behind")
        #expect(FileManager.default.contents(atPath: existing) == existingBytes, "\(failure.name) touched an existing file")
    }

    // MARK: Help

    static let commands: [[String]] = [
        [], ["serve"], ["migrate"], ["series"], ["series", "create"], ["person"], ["person", "add"], ["token"], ["token", "issue"],
        ["token", "list"], ["token", "revoke"], ["backup"], ["restore"],
    ]

    @Test(arguments: commands)
    func helpPrintsUsageAndExitsZero(_ command: [String]) throws {
        let name = (["docket"] + command).joined(separator: " ")
        for flag in ["--help", "-h"] {
            let outcome = try docket(command + [flag], environment: ["DOCKET_DB": ""])
            let out = expectSuccess(outcome, "\(name) \(flag)")
            #expect(out.contains("USAGE: \(name)"), "\(name) \(flag) prints its usage: \(out)")
            #expect(out.contains("OVERVIEW:"), "\(name) \(flag) says what it does: \(out)")
            let opensDatabase = !command.isEmpty && !["series", "person", "token"].contains(command.joined(separator: " "))
            if opensDatabase {
                #expect(out.contains("--db"), "\(name) \(flag) documents --db: \(out)")
            }
        }
        if !command.isEmpty {
            let outcome = try docket(["help"] + command, environment: ["DOCKET_DB": ""])
            #expect(expectSuccess(outcome, "docket help \(command.joined(separator: " "))").contains("USAGE: \(name)"))
        }
    }

    @Test func helpListsEverySubcommand() throws {
        let out = expectSuccess(try docket(["--help"]), "docket --help")
        for command in ["serve", "migrate", "series", "person", "token", "backup", "restore"] {
            #expect(out.contains("  \(command) "), "docket --help lists \(command)")
        }
        let tokens = expectSuccess(try docket(["token", "--help"]), "docket token --help")
        for command in ["issue", "list", "revoke"] { #expect(tokens.contains("  \(command) "), "docket token --help lists \(command)") }
        let serve = expectSuccess(try docket(["serve", "--help"]), "docket serve --help")
        for option in ["--host", "--port", "--demo"] { #expect(serve.contains(option), "docket serve --help documents \(option)") }
        let create = expectSuccess(try docket(["series", "create", "--help"]), "docket series create --help")
        for option in ["--slug", "--title", "--time-zone", "--rrule", "--start-date", "--start-time", "--duration", "--visibility"] {
            #expect(create.contains(option), "docket series create --help documents \(option)")
        }
        let add = expectSuccess(try docket(["person", "add", "--help"]), "docket person add --help")
        for option in ["--name", "--email", "--affiliation", "--series", "--role", "--admin"] {
            #expect(add.contains(option), "docket person add --help documents \(option)")
        }
    }
}
