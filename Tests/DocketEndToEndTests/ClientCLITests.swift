import Foundation
import Testing

/// `docket client ...` as a user runs it, against `docket serve` over a real socket.
@Suite struct ClientCLITests {
    @Test func offlineSuggestAndRankThenSyncAndTheServerHasThem() throws {
        let fixture = try CLIFixture("client")
        defer { fixture.directory.remove() }
        let home = fixture.directory.path("home")
        func client(_ arguments: [String]) throws -> DocketBinary.Outcome {
            try DocketBinary.runBounded(["client"] + arguments + ["--home", home], timeout: 40).outcome
        }

        // Log in and fetch the series while the server runs.
        var server = try ServerProcess(database: fixture.db)
        defer { server.stop() }
        let port = server.port
        let login = expectSuccess(
            try client(["login", "--server", server.baseURL.absoluteString, "--token", fixture.token, "--person", fixture.personID]), "login")
        #expect(login == "logged in to http://127.0.0.1:\(port)\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: home + "/client.db")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "the replica holds the token: it must be private")
        expectSuccess(try client(["sync"]), "first sync")
        server.stop()

        // Offline: propose two papers, rank them with a tie, volunteer; all queued and shown at once.
        let first = expectPrintedID(
            try client(["suggest", "--series", "taken", "--title", "GraphCast", "--arxiv", "2212.12794", "--pitch", "Weather.", "--tag", "weather", "--tag", "gnn"]),
            "suggest offline")
        let second = expectPrintedID(try client(["suggest", "--series", "taken", "--title", "Attention", "--doi", "10.5555/3295222"]), "suggest offline")
        expectSuccess(try client(["rank", "--series", "taken", "\(String(second.prefix(8))),\(first)"]), "rank offline with a tie")
        expectSuccess(try client(["rank", "--series", "taken", second, String(first.prefix(6))]), "rank offline again")
        expectSuccess(try client(["volunteer", first, "--note", "I know the authors"]), "volunteer offline")
        let pending = expectSuccess(try client(["status"]), "status offline")
        #expect(pending.components(separatedBy: "\n").filter { $0.hasSuffix("  pending") }.count == 5, "status: \(pending)")
        let listed = expectSuccess(try client(["list", "suggestions", "--series", "taken"]), "list offline")
        #expect(listed.contains(first) && listed.contains(second) && listed.contains("[pending]"), "list: \(listed)")
        expectOneLineFailure(try client(["sync"]), "sync without a server", mentions: "cannot reach the server")

        // The server is back (same port): sync sends everything; the outcomes and the server's state arrive.
        server = try ServerProcess(database: fixture.db, arguments: ["--port", String(port)])
        let synced = expectSuccess(try client(["sync"]), "sync")
        #expect(synced.hasPrefix("pushed 5 mutation(s), pulled"), "sync: \(synced)")
        let status = expectSuccess(try client(["status"]), "status after sync")
        #expect(status.components(separatedBy: "\n").filter { $0.hasSuffix("  applied") }.count == 5, "status: \(status)")
        let after = expectSuccess(try client(["list", "suggestions", "--series", "taken"]), "list after sync")
        #expect(!after.contains("[pending]"), "list: \(after)")
        #expect(after.contains("1 volunteer(s)  GraphCast"), "list: \(after)")
        let answer = try server.request("GET", "/v1/series/taken/suggestions", token: fixture.token)
        let onServer = ((answer.json?["suggestions"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        #expect(Set(onServer) == [first, second], "server: \(answer.text.prefix(300))")
        let listedIDs = after.split(separator: "\n").map { String($0.prefix(36)) }
        #expect(Set(listedIDs) == Set(onServer))

        for output in [login, pending, listed, synced, status, after] { #expect(!output.contains(fixture.token), "a token was printed") }
    }

    @Test func mistakesEndInOneLineOnStderr() throws {
        let fixture = try TemporaryDirectory("client-mistakes")
        defer { fixture.remove() }
        let home = fixture.path("home")
        func client(_ arguments: [String]) throws -> DocketBinary.Outcome {
            try DocketBinary.runBounded(["client"] + arguments + ["--home", home], timeout: 20).outcome
        }
        expectOneLineFailure(try client(["bogus"]), "an unknown client command")
        expectOneLineFailure(try client(["login", "--server", "ftp://x", "--token", "dkt_x"]), "a bad server URL", mentions: "--server")
        expectOneLineFailure(try client(["login", "--server", "http://127.0.0.1:1", "--token", "not a token"]), "a bad token", mentions: "--token")
        expectOneLineFailure(try client(["sync"]), "sync before login", mentions: "login")
        expectOneLineFailure(try client(["suggest", "--series", "nope", "--title", "T"]), "an unknown series", mentions: "nope")
        expectOneLineFailure(try client(["suggest", "--series", "nope", "--title", "T", "--doi", "bad"]), "a bad DOI", mentions: "--doi")
        expectOneLineFailure(try client(["list", "everything", "--series", "nope"]), "an unknown list")
        expectOneLineFailure(try client(["volunteer", "\u{0}\n"]), "a control character for an id")
        expectOneLineFailure(try client(["rank", "--series", "nope", "abc"]), "rank in an unknown series")
    }
}
