import Dispatch
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON boolean, however JSONSerialization hands it over.
private func bool(_ value: Any?) -> Bool? {
    if let value = value as? Bool { return value }
    if let value = value as? NSNumber { return value.boolValue }
    return nil
}

/// The slugs in a `GET /v1/series` answer.
private func slugs(_ answer: HTTPAnswer) -> [String] {
    ((answer.json?["series"] as? [[String: Any]]) ?? []).compactMap { $0["slug"] as? String }
}

/// The log (stderr) names no token and no email address; stdout shows a token only on the demo's own line.
private func expectCleanOutput(
    _ server: ServerProcess, secrets: [String], emails: [String], sourceLocation: SourceLocation = #_sourceLocation
) {
    let log = server.stderrText
    #expect(!log.contains("dkt_"), "the server log shows a token:\n\(log)", sourceLocation: sourceLocation)
    for secret in secrets where !secret.isEmpty {
        #expect(!log.contains(secret.dropFirst(4)), "the server log shows a token's secret", sourceLocation: sourceLocation)
    }
    let out = server.stdoutText
    for line in out.split(separator: "\n") where line.contains("dkt_") {
        #expect(line.hasPrefix("organizer token (shown once): dkt_"), "stdout shows a token: \(line)", sourceLocation: sourceLocation)
    }
    for email in emails {
        #expect(!log.contains(email), "the server log shows the address \(email)", sourceLocation: sourceLocation)
        #expect(!out.contains(email), "the server's stdout shows the address \(email)", sourceLocation: sourceLocation)
    }
}

/// The server ended by exit 0 on its signal, in time.
private func expectGracefulStop(_ ended: Termination, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!ended.killed, "\(what): did not stop within 10 s and was killed", sourceLocation: sourceLocation)
    #expect(!ended.crashed, "\(what): ended by signal \(ended.status)", sourceLocation: sourceLocation)
    #expect(ended.status == 0, "\(what): exit \(ended.status)", sourceLocation: sourceLocation)
}

/// `POST /v1/sync/pull` for one client from `cursor` (nil: everything).
private func pull(_ server: ServerProcess, token: String, clientID: String, cursor: String?) throws -> HTTPAnswer {
    try server.request(
        "POST", "/v1/sync/pull", token: token,
        json: ["protocol": 1, "clientID": clientID, "cursor": cursor.map { $0 as Any } ?? NSNull()])
}

/// A new provisioned person with a token, made through the CLI.
private struct Account {
    var id: String
    var token: String
    var email: String
}

private func provision(db: String, name: String, series: String?, role: String?, admin: Bool = false) throws -> Account {
    let email = "\(name.lowercased().replacingOccurrences(of: " ", with: "."))+\(UUID().uuidString.prefix(6).lowercased())@example.org"
    var arguments = ["person", "add", "--db", db, "--name", name, "--email", email]
    if let series, let role { arguments += ["--series", series, "--role", role] }
    if admin { arguments.append("--admin") }
    let id = expectPrintedID(try docket(arguments), "person add \(name)")
    let token = expectSuccess(try docket(["token", "issue", "--db", db, "--person", id, "--device", "laptop"]), "token issue")
        .trimmingCharacters(in: .newlines)
    #expect(isToken(token), "token issue printed \(token)")
    return Account(id: id, token: token, email: email)
}

@Suite struct ServeTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func serveAnnouncesItsPortAnswersAndStopsGracefully(_ signal: Int32) throws {
        let dir = try TemporaryDirectory("serve")
        defer { dir.remove() }
        let db = dir.path("new.db")
        let server = try ServerProcess(database: db)
        defer { server.stop(signal: SIGKILL) }

        #expect(server.startupLines == ["docket listening on http://127.0.0.1:\(server.port) (database \(db))"], "stdout: \(server.stdoutText)")
        #expect(FileManager.default.fileExists(atPath: db), "serve creates the database")

        let health = try server.request("GET", "/healthz")
        #expect(health.status == 200)
        #expect(health.json?["status"] as? String == "ok", "healthz: \(health.text)")
        #expect(health.headers["x-request-id"] != nil)

        let anonymous = try server.request("GET", "/v1/series")
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["www-authenticate"] == "Bearer")
        #expect(anonymous.json?["code"] as? String == "unauthenticated")
        let forged = try server.request("GET", "/v1/series", token: "dkt_" + String(repeating: "A", count: 43))
        #expect(forged.status == 401)

        expectGracefulStop(server.stop(signal: signal), "serve on signal \(signal)")
        #expect(!server.isRunning)
        expectCleanOutput(server, secrets: [], emails: [])
    }

    @Test func aTokenIssuedByTheCLIWorksAgainstTheRunningServer() throws {
        let dir = try TemporaryDirectory("provision")
        defer { dir.remove() }
        let db = dir.path("docket.db")
        // One series before the server starts, the rest while it runs on the same file.
        let hidden = expectPrintedID(try docket(["series", "create", "--db", db, "--slug", "before-start", "--title", "Before start"]), "series create")
        let server = try ServerProcess(database: db)
        defer { server.stop(signal: SIGKILL) }

        let seriesID = expectPrintedID(
            try docket([
                "series", "create", "--db", db, "--slug", "reading-group", "--title", "Reading group", "--time-zone", "America/New_York",
                "--rrule", "FREQ=WEEKLY;INTERVAL=1;BYDAY=TH", "--start-date", "2026-01-08", "--start-time", "16:30", "--duration", "90",
                "--visibility", "public",
            ]), "series create while serving")
        let club = expectPrintedID(
            try docket(["series", "create", "--db", db, "--slug", "private-club", "--title", "Private club", "--visibility", "members"]),
            "series create while serving")
        let organizer = try provision(db: db, name: "Olga Organizer", series: "reading-group", role: "organizer")
        let member = try provision(db: db, name: "Max Member", series: "private-club", role: "member")
        let outsider = try provision(db: db, name: "Otto Outsider", series: nil, role: nil)
        let admin = try provision(db: db, name: "Ada Admin", series: nil, role: nil, admin: true)

        let list = try server.request("GET", "/v1/series", token: organizer.token)
        #expect(list.status == 200, "GET /v1/series: \(list.status) \(list.text)")
        let all = (list.json?["series"] as? [[String: Any]]) ?? []
        let series = try #require(all.first { $0["slug"] as? String == "reading-group" }, "the organizer sees the series: \(list.text)")
        #expect(series["id"] as? String == seriesID)
        #expect(series["title"] as? String == "Reading group")
        #expect(series["timeZone"] as? String == "America/New_York")
        #expect(series["visibility"] as? String == "public")
        let cadence = series["cadence"] as? [String: Any]
        #expect(cadence?["rrule"] as? String == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TH")
        #expect(cadence?["startDate"] as? String == "2026-01-08")
        #expect(cadence?["startTime"] as? String == "16:30")
        #expect((cadence?["durationMinutes"] as? NSNumber)?.intValue == 90)
        #expect(!slugs(list).contains("private-club") && !slugs(list).contains("before-start"), "members-only series stay hidden: \(slugs(list))")

        let bySlug = try server.request("GET", "/v1/series/reading-group", token: organizer.token)
        #expect(bySlug.status == 200)
        #expect(bySlug.json?["id"] as? String == seriesID)

        #expect(Set(slugs(try server.request("GET", "/v1/series", token: member.token))) == ["reading-group", "private-club"])
        #expect(slugs(try server.request("GET", "/v1/series", token: outsider.token)) == ["reading-group"], "public only")
        let everything = try server.request("GET", "/v1/series", token: admin.token)
        #expect(Set(slugs(everything)) == ["before-start", "reading-group", "private-club"], "--admin sees every series")
        let ids = Set(((everything.json?["series"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
        #expect(ids == [hidden, seriesID, club])

        let tokens = try server.request("GET", "/v1/auth/tokens", token: organizer.token)
        #expect(tokens.status == 200)
        #expect(!tokens.text.contains("dkt_"), "GET /v1/auth/tokens shows a secret")
        let listed = (tokens.json?["tokens"] as? [[String: Any]]) ?? []
        #expect(listed.count == 1 && listed.first?["device"] as? String == "laptop", "\(tokens.text)")

        let first = try pull(server, token: organizer.token, clientID: UUID().uuidString.lowercased(), cursor: nil)
        #expect(first.status == 200, "pull: \(first.text)")
        #expect(bool(first.json?["reset"]) == false)
        let changes = (first.json?["changes"] as? [[String: Any]]) ?? []
        #expect(changes.contains { $0["type"] as? String == "series" && $0["id"] as? String == seriesID }, "pull has the series")

        expectGracefulStop(server.stop(), "serve")
        expectCleanOutput(
            server, secrets: [organizer.token, member.token, outsider.token, admin.token],
            emails: [organizer.email, member.email, outsider.email, admin.email])
    }

    @Test func aRevokedTokenFailsAtOnceOnTheRunningServer() throws {
        let dir = try TemporaryDirectory("revoke")
        defer { dir.remove() }
        let db = dir.path("docket.db")
        let server = try ServerProcess(database: db)
        defer { server.stop(signal: SIGKILL) }
        _ = expectPrintedID(try docket(["series", "create", "--db", db, "--slug", "journal-club", "--title", "Journal club"]), "series create")
        let person = try provision(db: db, name: "Rita Revoker", series: "journal-club", role: "organizer")
        let phone = expectSuccess(try docket(["token", "issue", "--db", db, "--person", person.id, "--device", "phone"]), "token issue")
            .trimmingCharacters(in: .newlines)

        #expect(try server.request("GET", "/v1/series", token: person.token).status == 200)
        #expect(try server.request("GET", "/v1/series", token: phone).status == 200)

        let list = expectSuccess(try docket(["token", "list", "--db", db, "--person", person.id]), "token list while serving")
        #expect(!list.contains("dkt_"))
        let rows: [[String]] = list.split(separator: "\n").map { line in line.split(separator: "\t").map(String.init) }
        let laptopRow: [String]? = rows.first { row in row.count > 2 && row[2] == "laptop" }
        let laptopID = try #require(laptopRow?.first, "token list shows the laptop token: \(list)")
        expectSuccess(try docket(["token", "revoke", "--db", db, "--id", laptopID]), "token revoke while serving")

        let refused = try server.request("GET", "/v1/series", token: person.token)
        #expect(refused.status == 401, "a revoked token must fail at once, got \(refused.status) \(refused.text)")
        #expect(refused.headers["www-authenticate"] == "Bearer")
        #expect(refused.json?["code"] as? String == "unauthenticated")
        let refusedPull = try pull(server, token: person.token, clientID: UUID().uuidString.lowercased(), cursor: nil)
        #expect(refusedPull.status == 401)

        // The person's other device is not affected.
        #expect(try server.request("GET", "/v1/series", token: phone).status == 200)
        let remaining = try server.request("GET", "/v1/auth/tokens", token: phone)
        let devices = ((remaining.json?["tokens"] as? [[String: Any]]) ?? []).compactMap { $0["device"] as? String }
        #expect(devices == ["phone"], "only the live token is listed: \(remaining.text)")

        expectGracefulStop(server.stop(), "serve")
        expectCleanOutput(server, secrets: [person.token, phone], emails: [person.email])
    }

    @Test func demoLoadsOnceAndEachStartPrintsANewToken() throws {
        let dir = try TemporaryDirectory("demo")
        defer { dir.remove() }
        let db = dir.path("demo.db")
        var tokens: [String] = []
        for (round, signal) in [(1, SIGTERM), (2, SIGINT)] {
            let server = try ServerProcess(database: db, arguments: ["--demo"])
            defer { server.stop(signal: SIGKILL) }
            let token = try #require(server.demoToken, "start \(round): no token line before the listening line: \(server.stdoutText)")
            #expect(isToken(token), "start \(round): \(token)")
            let tokenLine = server.startupLines.firstIndex { $0.hasPrefix("organizer token (shown once): ") }
            #expect(tokenLine != nil && tokenLine! < server.startupLines.count - 1, "the token line comes before the listening line")
            #expect(server.listeningLine == "docket listening on http://127.0.0.1:\(server.port) (database \(db))")
            #expect(server.stdoutText.components(separatedBy: "dkt_").count == 2, "the token is shown once")
            tokens.append(token)

            let episodes = try server.request("GET", "/v1/series/ml-seminar/episodes", token: token)
            #expect(episodes.status == 200, "start \(round): \(episodes.status) \(episodes.text.prefix(300))")
            #expect((episodes.json?["episodes"] as? [Any])?.count == 15, "start \(round): 15 demo episodes")
            let series = try server.request("GET", "/v1/series", token: token)
            #expect(slugs(series).filter { $0 == "ml-seminar" }.count == 1, "start \(round): one demo series: \(slugs(series))")

            expectGracefulStop(server.stop(signal: signal), "serve --demo, start \(round), signal \(signal)")
            expectCleanOutput(server, secrets: tokens, emails: [])
        }
        #expect(Set(tokens).count == 2, "the second start prints a new token")
        let list = expectSuccess(try docket(["token", "list", "--db", db]), "token list")
        #expect(!list.contains("dkt_"))
        #expect(list.split(separator: "\n").count == 2, "one token per start: \(list)")
    }

    @Test func jsonLogsGiveOneObjectPerRequestWithItsIDAndMetricsCountIt() throws {
        let dir = try TemporaryDirectory("json-log")
        defer { dir.remove() }
        let server = try ServerProcess(database: dir.path("docket.db"), arguments: ["--demo", "--log-format", "json"])
        defer { server.stop(signal: SIGKILL) }
        let token = try #require(server.demoToken)
        let episodes = try server.request("GET", "/v1/series/ml-seminar/episodes", token: token)
        #expect(episodes.status == 200)
        let requestID = try #require(episodes.headers["x-request-id"])
        let metrics = try server.request("GET", "/metrics")
        #expect(metrics.status == 200)
        #expect(
            metrics.text.contains(#"docket_http_requests_total{method="GET",route="/v1/series/{idOrSlug}/episodes",status="200"} 1"#),
            "\(metrics.text.prefix(2000))")
        expectGracefulStop(server.stop(), "serve --log-format json")
        let records = server.stderrText.split(separator: "\n").map { line -> [String: Any] in
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            #expect(object != nil, "not one JSON object: \(line)")
            return object ?? [:]
        }
        let line = try #require(records.first { $0["id"] as? String == requestID }, "no log record for request \(requestID)")
        #expect(line["message"] as? String == "request")
        #expect(line["level"] as? String == "info")
        #expect(line["route"] as? String == "/v1/series/{idOrSlug}/episodes")
        #expect(line["status"] as? String == "200")
        #expect(line["time"] is String && line["ms"] is String)
        expectCleanOutput(server, secrets: [token], emails: [])
    }

    @Test func anUnknownLogFormatIsRefusedWithOneLine() throws {
        let result = try docket(["serve", "--db", "/tmp/unused.db", "--log-format", "xml"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("log-format"), "\(result.stderr)")
    }

    @Test func serveRefusesABusyPortWithOneLine() throws {
        let dir = try TemporaryDirectory("busy")
        defer { dir.remove() }
        let db = dir.path("docket.db")
        let server = try ServerProcess(database: db)
        defer { server.stop(signal: SIGKILL) }
        let (outcome, timedOut) = try DocketBinary.runBounded(
            ["serve", "--db", dir.path("second.db"), "--host", "127.0.0.1", "--port", String(server.port)])
        #expect(!timedOut, "a second server on a busy port must fail, not run")
        expectOneLineFailure(outcome, "serve on a busy port")
        #expect(try server.request("GET", "/healthz").status == 200, "the first server still answers")
        expectGracefulStop(server.stop(), "serve")
    }

    @Test func serveWithoutADatabaseFailsWithOneLine() throws {
        let dir = try TemporaryDirectory("serve-fail")
        defer { dir.remove() }
        let (missing, timedOut) = try DocketBinary.runBounded(["serve", "--port", "0"], environment: ["DOCKET_DB": ""])
        #expect(!timedOut)
        expectOneLineFailure(missing, "serve without --db", mentions: "--db")
        let (folder, timedOut2) = try DocketBinary.runBounded(["serve", "--db", dir.path("no/such/folder/docket.db"), "--port", "0"])
        #expect(!timedOut2)
        expectOneLineFailure(folder, "serve with a database in a missing folder")
    }

    @Test func backupWhileServingAndWritingThenRestoreResetsOldCursors() throws {
        let dir = try TemporaryDirectory("backup")
        defer { dir.remove() }
        let db = dir.path("live.db")
        let server = try ServerProcess(database: db)
        defer { server.stop(signal: SIGKILL) }

        for i in 1...3 {
            _ = expectPrintedID(try docket(["series", "create", "--db", db, "--slug", "before-\(i)", "--title", "Before \(i)"]), "series create")
        }
        let admin = try provision(db: db, name: "Ada Admin", series: "before-1", role: "organizer", admin: true)
        let clientID = UUID().uuidString.lowercased()
        let initial = try pull(server, token: admin.token, clientID: clientID, cursor: nil)
        #expect(initial.status == 200, "pull: \(initial.text)")
        let oldCursor = try #require(initial.json?["cursor"] as? String, "pull returns a cursor: \(initial.text)")

        // Writers keep going while the backup runs: the CLI on the same file, and the API through the server.
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var created: [String] = []
            var failures: [String] = []
            func add(_ slug: String, _ ok: Bool, _ detail: String) {
                lock.lock()
                if ok { created.append(slug) } else { failures.append("\(slug): \(detail)") }
                lock.unlock()
            }
        }
        let log = Log()
        let writers = DispatchGroup()
        DispatchQueue.global().async(group: writers) {
            for i in 1...6 {
                let slug = "during-cli-\(i)"
                let outcome = try? DocketBinary.run(["series", "create", "--db", db, "--slug", slug, "--title", "During \(i)"])
                log.add(slug, outcome?.status == 0, outcome?.stderr ?? "did not run")
            }
        }
        let adminToken = admin.token
        DispatchQueue.global().async(group: writers) {
            for i in 1...6 {
                let slug = "during-api-\(i)"
                let args: [String: Any] = [
                    "id": UUID().uuidString.lowercased(), "slug": slug, "title": "During API \(i)", "timeZone": "Europe/Berlin",
                    "cadence": ["rrule": "FREQ=WEEKLY;BYDAY=MO", "startDate": "2026-02-02", "startTime": "10:00"],
                ]
                let answer = try? server.request("POST", "/v1/mutations", token: adminToken, json: ["name": "series.create", "args": args])
                log.add(slug, answer?.status == 200, answer.map { "\($0.status) \($0.text)" } ?? "no answer")
            }
        }
        let backup = dir.path("live-backup.db")
        let backedUp = try docket(["backup", "--db", db, "--to", backup])
        let writersDone = writers.wait(timeout: .now() + 120)
        #expect(writersDone == .success, "the writers did not finish within 120 s")
        expectSuccess(backedUp, "backup while the server runs and is written to")
        log.lock.lock()
        let created = log.created, failures = log.failures
        log.lock.unlock()
        #expect(failures.isEmpty, "writes during the backup failed: \(failures)")

        _ = expectPrintedID(try docket(["series", "create", "--db", db, "--slug", "after-backup", "--title", "After"]), "series create")
        let live = Set(slugs(try server.request("GET", "/v1/series", token: admin.token)))
        let known = Set(["before-1", "before-2", "before-3", "after-backup"] + created)
        #expect(live == known, "the live server has every write")
        expectGracefulStop(server.stop(), "serve")
        expectCleanOutput(server, secrets: [admin.token], emails: [admin.email])

        // The copy is a sound database with everything written before the backup began.
        #expect(FileManager.default.fileExists(atPath: backup))
        if let check = try SQLiteShell.query(backup, "PRAGMA integrity_check;") { #expect(check == "ok", "backup integrity: \(check)") }
        let restored = dir.path("restored.db")
        let restoreOut = expectSuccess(try docket(["restore", "--db", restored, "--from", backup]), "restore into a new file")
        #expect(!restoreOut.contains("dkt_"))
        if let check = try SQLiteShell.query(restored, "PRAGMA integrity_check;") { #expect(check == "ok", "restored integrity: \(check)") }
        expectSuccess(try docket(["migrate", "--db", restored]), "migrate on the restored file")

        let again = try ServerProcess(database: restored)
        defer { again.stop(signal: SIGKILL) }
        let health = try again.request("GET", "/healthz")
        #expect(health.status == 200 && health.json?["status"] as? String == "ok")
        let copied = try again.request("GET", "/v1/series", token: admin.token)
        #expect(copied.status == 200, "the token made before the backup works on the restored copy: \(copied.status)")
        let copiedSlugs = Set(slugs(copied))
        #expect(copiedSlugs.isSuperset(of: ["before-1", "before-2", "before-3"]), "the copy has the data: \(copiedSlugs.sorted())")
        #expect(copiedSlugs.isSubset(of: known), "the copy holds only what was written: \(copiedSlugs.sorted())")
        #expect(!copiedSlugs.contains("after-backup"), "the copy does not have what came after it")

        // A cursor from before the restore belongs to another database now: reset, with a full state.
        let afterRestore = try pull(again, token: admin.token, clientID: clientID, cursor: oldCursor)
        #expect(afterRestore.status == 200, "pull with the old cursor: \(afterRestore.status) \(afterRestore.text.prefix(300))")
        #expect(bool(afterRestore.json?["reset"]) == true, "an old cursor after a restore must get reset: true")
        let changes = (afterRestore.json?["changes"] as? [[String: Any]]) ?? []
        let pulledSlugs = Set(changes.compactMap { ($0["value"] as? [String: Any])?["slug"] as? String })
        #expect(pulledSlugs.isSuperset(of: ["before-1", "before-2", "before-3"]), "the reset carries the full state: \(pulledSlugs.sorted())")
        if bool(afterRestore.json?["hasMore"]) == false, let next = afterRestore.json?["cursor"] as? String {
            let steady = try pull(again, token: admin.token, clientID: clientID, cursor: next)
            #expect(steady.status == 200 && bool(steady.json?["reset"]) == false, "the new cursor does not reset again")
        }
        expectGracefulStop(again.stop(), "serve on the restored file")
        expectCleanOutput(again, secrets: [admin.token], emails: [admin.email])
    }

    @Test func restoreOverTheServedFileResetsCursorsTakenBeforeTheBackup() throws {
        let dir = try TemporaryDirectory("restore-in-place")
        defer { dir.remove() }
        let db = dir.path("docket.db")
        _ = expectPrintedID(try docket(["series", "create", "--db", db, "--slug", "kept", "--title", "Kept"]), "series create")
        let organizer = try provision(db: db, name: "Olga Organizer", series: "kept", role: "organizer")
        let clientID = UUID().uuidString.lowercased()

        let first = try ServerProcess(database: db)
        defer { first.stop(signal: SIGKILL) }
        let initial = try pull(first, token: organizer.token, clientID: clientID, cursor: nil)
        let cursor = try #require(initial.json?["cursor"] as? String, "pull: \(initial.text)")
        let backup = dir.path("backup.db")
        expectSuccess(try docket(["backup", "--db", db, "--to", backup]), "backup while serving")
        _ = expectPrintedID(try docket(["series", "create", "--db", db, "--slug", "lost", "--title", "Lost"]), "series create")
        expectGracefulStop(first.stop(), "serve")

        expectSuccess(try docket(["restore", "--db", db, "--from", backup]), "restore over the stopped server's file")

        let second = try ServerProcess(database: db)
        defer { second.stop(signal: SIGKILL) }
        let series = try second.request("GET", "/v1/series", token: organizer.token)
        #expect(series.status == 200)
        #expect(Set(slugs(series)) == ["kept"], "the restored file is the backup: \(slugs(series))")
        let afterRestore = try pull(second, token: organizer.token, clientID: clientID, cursor: cursor)
        #expect(afterRestore.status == 200, "pull: \(afterRestore.text.prefix(300))")
        #expect(bool(afterRestore.json?["reset"]) == true, "a cursor from before the restore must get reset: true")
        expectGracefulStop(second.stop(), "serve after restore")
        expectCleanOutput(second, secrets: [organizer.token], emails: [organizer.email])
    }
}
