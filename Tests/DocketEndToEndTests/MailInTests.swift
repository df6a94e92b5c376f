import DocketCore
import DocketStore
import Foundation
import Testing

/// `docket mail-in` run as a mail server runs it: the real binary, a message on stdin, a real database file.
@Suite struct MailInTests {
    static let mailFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Mail")

    static func message(_ name: String) throws -> Data {
        try Data(contentsOf: mailFolder.appendingPathComponent(name))
    }

    /// A fresh database with one series, `ml-seminar`.
    struct Fixture {
        let directory: TemporaryDirectory
        let db: String
        let seriesID: String

        init(_ label: String) throws {
            directory = try TemporaryDirectory(label)
            db = directory.path("docket.db")
            seriesID = expectPrintedID(try docket(["series", "create", "--db", db, "--slug", "ml-seminar", "--title", "ML"]), "series create")
        }

        func mailIn(_ name: String, series: String = "ml-seminar") throws -> DocketBinary.Outcome {
            try DocketBinary.run(["mail-in", "--db", db, "--series", series], stdin: try MailInTests.message(name))
        }

        /// The stored values of a type, as the administrator sees them.
        func values(_ type: EntityType) throws -> [JSONValue] {
            let store = try Store(path: db)
            return try store.values(of: type, actor: .administrator).map { try JSONParser.parse($0) }
        }
    }

    /// Every line of a successful run, checked to hold no email address.
    static func lines(_ outcome: DocketBinary.Outcome, _ what: String) -> [String] {
        let out = expectSuccess(outcome, what)
        #expect(!out.contains("@"), "\(what): an email address in the output: \(out)")
        return out.split(separator: "\n").map(String.init)
    }

    /// The UUID after `prefix` in a line such as "new guest person <id>".
    static func id(after prefix: String, in line: String?) -> String? {
        guard let line, line.hasPrefix(prefix) else { return nil }
        let id = String(line.dropFirst(prefix.count).prefix(36))
        return isLowercaseUUID(id) ? id : nil
    }

    @Test func aMultipartQuotedPrintableMessageFilesOneSuggestionByANewGuest() throws {
        let fixture = try Fixture("mail-qp")
        defer { fixture.directory.remove() }
        let lines = Self.lines(try fixture.mailIn("multipart-qp.eml"), "mail-in")
        #expect(lines.count == 2, "\(lines)")
        let guest = try #require(Self.id(after: "new guest person ", in: lines.first))
        let suggestion = try #require(Self.id(after: "filed suggestion ", in: lines.last))
        #expect(lines.last?.hasSuffix("): arXiv:2002.09405") == true)

        let people = try fixture.values(.person)
        #expect(people.count == 1)
        #expect(people.first?["id"] == .string(guest))
        #expect(people.first?["name"] == "Ada Lövelace", "the encoded-word display name, decoded")
        #expect(people.first?["email"] == "Ada.Lovelace@Example.org")
        #expect(people.first?["roles"] == [], "a guest: no membership")
        let papers = try fixture.values(.paper)
        #expect(papers.count == 1)
        #expect(papers.first?["arxivID"] == "2002.09405", "the link, across a quoted-printable soft break, normalized")
        #expect(papers.first?["title"] == "arXiv:2002.09405")
        #expect(papers.first?["url"] == "https://arxiv.org/abs/2002.09405")
        let suggestions = try fixture.values(.suggestion)
        #expect(suggestions.count == 1)
        #expect(suggestions.first?["id"] == .string(suggestion))
        #expect(suggestions.first?["title"] == "Graph networks für physics", "the Subject, folded and encoded, decoded")
        #expect(suggestions.first?["proposerID"] == .string(guest))
        #expect(suggestions.first?["seriesID"] == .string(fixture.seriesID))
        #expect(suggestions.first?["paperIDs"] == .array([papers.first!["id"]!]))
        #expect(lines.last == "filed suggestion \(suggestion) (paper \(papers.first!["id"]!.stringValue!)): arXiv:2002.09405")
    }

    @Test func theSameMessageAgainIsReportedNotFiledAgain() throws {
        let fixture = try Fixture("mail-again")
        defer { fixture.directory.remove() }
        let first = Self.lines(try fixture.mailIn("multipart-qp.eml"), "first mail-in")
        let guest = try #require(Self.id(after: "new guest person ", in: first.first))
        let suggestion = try #require(Self.id(after: "filed suggestion ", in: first.last))
        let second = Self.lines(try fixture.mailIn("multipart-qp.eml"), "second mail-in")
        #expect(second == [
            "sender matched to person \(guest)", "already suggested as suggestion \(suggestion): arXiv:2002.09405",
        ])
        #expect(try fixture.values(.person).count == 1)
        #expect(try fixture.values(.paper).count == 1)
        #expect(try fixture.values(.suggestion).count == 1)
    }

    @Test func theSenderIsMatchedByEmailWhateverItsCase() throws {
        let fixture = try Fixture("mail-match")
        defer { fixture.directory.remove() }
        let olga = expectPrintedID(
            try docket([
                "person", "add", "--db", fixture.db, "--name", "Olga Organizer", "--email", "Olga.Organizer@example.org",
                "--series", "ml-seminar", "--role", "organizer",
            ]), "person add")
        let lines = Self.lines(try fixture.mailIn("organizer-mixed.eml"), "mail-in")
        #expect(lines.first == "sender matched to person \(olga)")
        #expect(lines.count == 3, "two papers in one base64 Latin-1 part; the attachment's link is not filed: \(lines)")
        #expect(lines[1].hasSuffix("): doi:10.1126/science.adi2336"))
        #expect(lines[2].hasSuffix("): OpenReview:rJ4km2R5t7"))
        #expect(try fixture.values(.person).count == 1, "no guest made")
        let suggestions = try fixture.values(.suggestion)
        #expect(Set(suggestions.compactMap { $0["proposerID"] }) == [.string(olga)])
        #expect(Set(suggestions.compactMap { $0["title"]?.stringValue }) == [
            "Two for the next round (doi:10.1126/science.adi2336)", "Two for the next round (OpenReview:rJ4km2R5t7)",
        ])
        let papers = try fixture.values(.paper)
        #expect(papers.count == 2)
        #expect(papers.contains { $0["url"] == "https://openreview.net/forum?id=rJ4km2R5t7" && $0["doi"] == .null && $0["arxivID"] == .null })
        // OpenReview has no identity field: the second mail finds the paper by its URL.
        let again = Self.lines(try fixture.mailIn("organizer-mixed.eml"), "mail-in again")
        #expect(again.count == 3 && again.dropFirst().allSatisfy { $0.hasPrefix("already suggested as suggestion ") }, "\(again)")
        #expect(try fixture.values(.paper).count == 2)
        #expect(try fixture.values(.suggestion).count == 2)
    }

    @Test func aMessageWithoutLinksExitsNonZeroWithTheReason() throws {
        let fixture = try Fixture("mail-nolinks")
        defer { fixture.directory.remove() }
        let outcome = try fixture.mailIn("no-links.eml")
        expectOneLineFailure(outcome, "mail-in", mentions: "no arXiv, DOI or OpenReview link found in the message")
        #expect(outcome.status == 65, "EX_DATAERR: the mail server bounces it")
        #expect(!outcome.stderr.contains("@"), "no email address in the reason: \(outcome.stderr)")
        #expect(try fixture.values(.person).isEmpty, "no guest made for nothing")
    }

    @Test func anUnknownSeriesExitsNonZero() throws {
        let fixture = try Fixture("mail-noseries")
        defer { fixture.directory.remove() }
        let outcome = try fixture.mailIn("multipart-qp.eml", series: "no-such-series")
        expectOneLineFailure(outcome, "mail-in", mentions: "no series has the slug no-such-series")
        #expect(outcome.status == 67, "EX_NOUSER")
        #expect(try fixture.values(.person).isEmpty)
        #expect(try fixture.values(.paper).isEmpty)
    }

    @Test func aMessageWithoutSenderExitsNonZero() throws {
        let fixture = try Fixture("mail-nosender")
        defer { fixture.directory.remove() }
        let outcome = try fixture.mailIn("no-sender.eml")
        expectOneLineFailure(outcome, "mail-in", mentions: "no usable sender address")
        #expect(outcome.status == 65)
        #expect(try fixture.values(.paper).isEmpty)
    }

    @Test func inputThatIsNotAMessageExitsNonZero() throws {
        let fixture = try Fixture("mail-garbage")
        defer { fixture.directory.remove() }
        for input in [Data(), Data("\r\n\r\narXiv:2002.09405\r\n".utf8), Data([0xFF, 0xFE, 0x00, 0x01])] {
            let outcome = try DocketBinary.run(["mail-in", "--db", fixture.db, "--series", "ml-seminar"], stdin: input)
            expectOneLineFailure(outcome, "mail-in", mentions: "not a mail message")
            #expect(outcome.status == 65)
        }
        #expect(try fixture.values(.paper).isEmpty)
    }
}
