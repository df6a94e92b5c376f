import DocketCore
import DocketServer
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `GET /series/{slug}/bibliography.bib` and `/series/{slug}/episodes/{number}/bibliography.bib` on a real database file.
@Suite struct BibliographyRoutesTests {
    static let bibTeXType = "application/x-bibtex; charset=utf-8"

    /// Papers by name; `hostile` has every LaTeX special, a capitalized title and non-ASCII authors.
    static let papers: [String: PaperFields] = [
        "gns": PaperFields(
            title: "Learning to Simulate Complex Physics with Graph Networks", authors: ["Alvaro Sanchez-Gonzalez", "Jonathan Godwin"],
            venue: "Proceedings of ICML", year: 2020, arxivID: "2002.09405"),
        "hostile": PaperFields(
            title: "100% of {costs} & $x_1$ #1 ~ ^ \\ in Größe", authors: ["Zoë Ødegård", "Barnes and Noble", "King, Jr."],
            venue: "Journal of \"Things\"", year: 1999, doi: "10.1000/a_b%c#d", url: "https://example.org/a_b?x=1&y=%20"),
        "background": PaperFields(title: "attention is all you need", authors: ["Ashish Vaswani"], arxivID: "1706.03762"),
        "further": PaperFields(title: "A further paper", year: 2021, pdfURL: "https://example.org/f.pdf", codeURL: "https://example.org/code"),
        "cancelled": PaperFields(title: "Only in a cancelled episode", year: 2022),
    ]

    struct Fixture {
        let server: TestServer
        var paperIDs: [String: String] = [:]

        init(visibility: String = "public") throws {
            server = try TestServer(visibility: visibility)
            for (name, paper) in BibliographyRoutesTests.papers.sorted(by: { $0.key < $1.key }) {
                let id = UUID().uuidString.lowercased()
                var args = paper.json
                if case .object(let members) = args { args = .object([("id", .string(id))] + members.filter { $0.1 != .null }) }
                try server.store.run("paper.create", args)
                paperIDs[name] = id
            }
            // Episode 1: roles given out of order; episode 2 repeats gns; episode 3 is cancelled.
            try episode("2026-01-06T14:00:00.000Z", [("further", "further"), ("gns", "main"), ("background", "background")])
            try episode("2026-01-20T14:00:00.000Z", [("hostile", "main"), ("gns", "background")])
            let cancelled = try episode("2026-02-03T14:00:00.000Z", [("cancelled", "main")], status: "scheduled")
            try server.store.run("episode.cancel", ["id": .string(cancelled)])
        }

        @discardableResult
        func episode(_ startsAt: String, _ papers: [(String, String)], status: String = "held") throws -> String {
            let id = UUID().uuidString.lowercased()
            try server.store.run(
                "episode.create",
                [
                    "id": .string(id), "seriesID": .string(server.seriesID), "title": .string("Episode at \(startsAt)"),
                    "startsAt": .string(startsAt), "status": .string(status),
                    "papers": .array(papers.map { ["paperID": .string(paperIDs[$0.0]!), "role": .string($0.1)] }),
                ])
            return id
        }
    }

    /// The entries of a bibliography, each read back into paper fields.
    static func entries(_ text: String) throws -> [PaperFields] {
        var chunks: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("@") { chunks.append("") }
            if !chunks.isEmpty { chunks[chunks.count - 1] += line + "\n" }
        }
        return try chunks.map { try BibTeXParser.entry($0).paperFields() }
    }

    static func get(_ client: some TestClientProtocol, _ path: String) async throws -> (HTTPResponse.Status, HTTPFields, String) {
        try await client.execute(uri: path, method: .get) { response in
            (response.status, response.headers, String(buffer: response.body))
        }
    }

    @Test func theSeriesBibliographyListsEveryPaperOnceInEpisodeOrder() async throws {
        let fixture = try Fixture()
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.router) { client in
            let (status, headers, text) = try await Self.get(client, "/series/reading-group/bibliography.bib")
            #expect(status == .ok)
            #expect(headers[.contentType] == Self.bibTeXType)
            let expected = ["gns", "background", "further", "hostile"].map { Self.papers[$0]! }
            #expect(try Self.entries(text) == expected, "episode order, by role within one, each paper once, no cancelled episode")
            #expect(text.contains("@inproceedings{sanchezgonzalez2020learning,"))
            #expect(text.contains("@misc{vaswanindattention,"), "no year: nd")
            #expect(text.contains("  eprint = {1706.03762},\n  archivePrefix = {arXiv}"))
            #expect(text.contains(#"\&"#) && text.contains("Größe") && text.contains("Zoë Ødegård"))
        }
    }

    @Test func anEpisodesBibliographyIsItsReadingListByRole() async throws {
        let fixture = try Fixture()
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.router) { client in
            let (status, headers, text) = try await Self.get(client, "/series/reading-group/episodes/1/bibliography.bib")
            #expect(status == .ok)
            #expect(headers[.contentType] == Self.bibTeXType)
            #expect(try Self.entries(text) == ["gns", "background", "further"].map { Self.papers[$0]! })
            let two = try await Self.get(client, "/series/reading-group/episodes/2/bibliography.bib")
            #expect(try Self.entries(two.2) == ["hostile", "gns"].map { Self.papers[$0]! })
            // A cancelled episode loses its number, so it has no reading list of its own.
            let three = try await Self.get(client, "/series/reading-group/episodes/3/bibliography.bib")
            #expect(three.0 == .notFound)
        }
    }

    @Test func aSeriesWithoutEpisodesHasAnEmptyBibliography() async throws {
        let server = try TestServer(visibility: "public")
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let (status, headers, text) = try await Self.get(client, "/series/reading-group/bibliography.bib")
            #expect(status == .ok)
            #expect(headers[.contentType] == Self.bibTeXType)
            #expect(text.isEmpty)
        }
    }

    @Test(arguments: [
        "/series/no-such-series/bibliography.bib", "/series/NOT-A-SLUG/bibliography.bib",
        "/series/reading-group/episodes/3/bibliography.bib", "/series/reading-group/episodes/0/bibliography.bib",
        "/series/reading-group/episodes/-1/bibliography.bib", "/series/reading-group/episodes/one/bibliography.bib",
        "/series/reading-group/episodes/99999999999999999999999/bibliography.bib",
    ])
    func unknownSeriesAndEpisodesAreNotFoundProblems(path: String) async throws {
        let fixture = try Fixture()
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.router) { client in
            let (status, headers, text) = try await Self.get(client, path)
            #expect(status == .notFound)
            #expect(headers[.contentType] == "application/problem+json")
            #expect(text.contains("\"code\":\"not_found\""))
        }
    }

    @Test func aMembersOnlySeriesIsNotFoundEvenWithAMembersToken() async throws {
        let fixture = try Fixture(visibility: "members")
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.router) { client in
            for path in ["/series/reading-group/bibliography.bib", "/series/reading-group/episodes/1/bibliography.bib"] {
                let answer = try await client.execute(
                    uri: path, method: .get, headers: [.authorization: "Bearer \(fixture.server.memberToken)"]
                ) { ($0.status, $0.headers[.contentType], String(buffer: $0.body)) }
                #expect(answer.0 == .notFound)
                #expect(answer.1 == "application/problem+json")
                #expect(!answer.2.contains("Sanchez"), "nothing of the series leaks")
            }
        }
    }

    @Test func otherMethodsAreNotAllowed() async throws {
        let fixture = try Fixture()
        defer { fixture.server.remove() }
        try await fixture.server.application.test(.router) { client in
            let status = try await client.execute(uri: "/series/reading-group/bibliography.bib", method: .post) { $0.status }
            #expect(status == .methodNotAllowed)
        }
    }
}
