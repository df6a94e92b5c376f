import DocketCore
import DocketTestSupport
import DocketWeb
import Foundation
import Testing

@Suite struct AtomFeedTests {
    static let base = "https://docket.example.org"

    @Test func hostileTextStaysWellFormedAndReadsBackUnchanged() throws {
        let hostile = "<script>alert('x')</script> & ]]> \"quoted\" &amp; <![CDATA[ x ]]>"
        var episode = WebFixture.episode(1, "2020-06-02T13:00:00.000Z", title: hostile + "\u{1}\u{FFFE}")
        episode.abstract = "Abstract ]]> with <b>tags</b> & ampersands"
        episode.location = "Room <1> & \"2\""
        var page = WebFixture.series(episodes: [episode])
        page.series.title = "R&D <Seminar> ]]>"
        page.series.description = "Tom & Jerry's"
        let text = AtomFeed.feed(of: page, baseURL: Self.base)
        #expect(!text.contains("<script") && !text.contains("]]>") && !text.contains("<![CDATA["))
        let feed = try XMLTree.parse(text)
        #expect(feed.name == "feed")
        #expect(feed.attributes["xmlns"] == "http://www.w3.org/2005/Atom")
        #expect(feed.child("title")?.text == "R&D <Seminar> ]]>")
        #expect(feed.child("subtitle")?.text == "Tom & Jerry's")
        #expect(feed.child("author")?.child("name")?.text == "R&D <Seminar> ]]>")
        let entry = try #require(feed.children("entry").first)
        #expect(entry.child("title")?.text == "#1: \(hostile) (scheduled)")
        let content = try #require(entry.child("content"))
        #expect(content.attributes["type"] == "html")
        // The entry's HTML, read once from the XML, still has the hostile text escaped for HTML.
        #expect(content.text.contains("Abstract ]]&gt; with &lt;b&gt;tags&lt;/b&gt; &amp; ampersands"))
        #expect(content.text.contains("Where: Room &lt;1&gt; &amp; &quot;2&quot;"))
        #expect(!content.text.contains("<b>"))
    }

    @Test func entriesCarryStableIdsTimesAndLinks() throws {
        var first = WebFixture.episode(1, "2020-03-24T14:00:00.000Z", status: .held)
        first.createdAt = Timestamp(rfc3339: "2020-01-01T10:00:00.000Z")!
        first.updatedAt = Timestamp(rfc3339: "2020-03-25T09:00:00.000Z")!
        var second = WebFixture.episode(2, "2020-03-31T13:00:00.000Z")
        second.createdAt = Timestamp(rfc3339: "2020-01-02T10:00:00.000Z")!
        second.updatedAt = Timestamp(rfc3339: "2020-03-28T12:30:00.125Z")!
        var cancelled = WebFixture.episode(nil, "2020-04-14T13:00:00.000Z", status: .cancelled, title: "Gone")
        cancelled.updatedAt = Timestamp(rfc3339: "2020-03-20T08:00:00.000Z")!
        let page = WebFixture.series(episodes: [first, second, cancelled])
        let feed = try XMLTree.parse(AtomFeed.feed(of: page, baseURL: Self.base))
        #expect(feed.child("id")?.text == "urn:uuid:\(page.series.id.rawValue)")
        #expect(feed.child("updated")?.text == "2020-03-28T12:30:00.125Z")
        let links = feed.children("link").map { ($0.attributes["rel"] ?? "", $0.attributes["href"] ?? "") }
        #expect(links.contains { $0 == ("self", "\(Self.base)/series/seminar/feed.atom") })
        #expect(links.contains { $0 == ("alternate", "\(Self.base)/series/seminar") })
        let entries = feed.children("entry")
        #expect(entries.map { $0.child("id")?.text } == [second, first, cancelled].map { "urn:uuid:\($0.id.rawValue)" })
        #expect(entries.map { $0.child("updated")?.text } == [second, first, cancelled].map(\.updatedAt.rfc3339))
        #expect(entries.map { $0.child("published")?.text } == [second, first, cancelled].map(\.createdAt.rfc3339))
        #expect(entries.map { $0.child("title")?.text } == ["#2: Episode (scheduled)", "#1: Episode (held)", "Gone (cancelled)"])
        #expect(entries.map { $0.child("link")?.attributes["href"] } == [
            "\(Self.base)/series/seminar/episodes/2", "\(Self.base)/series/seminar/episodes/1", "\(Self.base)/series/seminar",
        ])
        #expect(entries[1].child("summary")?.text.hasPrefix("Tuesday, 24 March 2020, 15:00–16:00 (Europe/Berlin)") == true)
        #expect(entries[0].child("summary")?.text.hasPrefix("Tuesday, 31 March 2020, 15:00–16:00 (Europe/Berlin)") == true)
        #expect(entries[2].child("content")?.text.contains("This meeting is cancelled.") == true)
    }

    @Test func contentNamesPresentersAndPapers() throws {
        let ada = PersonID(trusted: UUID().uuidString.lowercased())
        let paper = PaperID(trusted: UUID().uuidString.lowercased())
        var episode = WebFixture.episode(4, "2020-06-02T13:00:00.000Z")
        episode.presenters = [Presenter(personID: ada, role: .guest, status: .proposed)]
        episode.papers = [EpisodePaper(paperID: paper, role: .background)]
        var page = WebFixture.series(episodes: [episode])
        page.people = [ada: .init(id: ada, name: "Ada <Lovelace>", affiliation: "UCL & Co")]
        let fields = PaperFields(title: "A & B", authors: ["Doe, J."], year: 2021)
        page.papers = [paper: Paper(id: paper, fields: fields, createdAt: episode.createdAt, updatedAt: episode.createdAt)]
        let entry = try #require(try XMLTree.parse(AtomFeed.feed(of: page, baseURL: Self.base)).children("entry").first)
        #expect(entry.child("summary")?.text == "Tuesday, 2 June 2020, 15:00–16:00 (Europe/Berlin). Presented by Ada <Lovelace> (UCL & Co), guest")
        let html = try #require(entry.child("content")?.text)
        #expect(html.contains("<p>Presented by Ada &lt;Lovelace&gt; (UCL &amp; Co), guest</p>"))
        #expect(html.contains("<li>Doe, J. (2021). A &amp; B. (background)</li>"))
    }

    @Test func theFeedKeepsTheFiftyMostRecentlyUpdatedEpisodes() throws {
        let start = Timestamp(rfc3339: "2021-01-05T14:00:00.000Z")!
        let episodes = (0..<60).map { index -> Episode in
            var episode = WebFixture.episode(index + 1, start.adding(milliseconds: Int64(index) * 14 * 86_400_000).rfc3339)
            // Updated in an order unlike the start order.
            episode.updatedAt = WebFixture.created.adding(milliseconds: Int64((index * 37) % 60) * 60_000)
            return episode
        }
        let feed = try XMLTree.parse(AtomFeed.feed(of: WebFixture.series(episodes: episodes), baseURL: Self.base))
        let expected = episodes.sorted { $0.updatedAt > $1.updatedAt }.prefix(AtomFeed.entryLimit)
        #expect(AtomFeed.entryLimit == 50)
        #expect(feed.children("entry").map { $0.child("id")?.text } == expected.map { "urn:uuid:\($0.id.rawValue)" })
        #expect(feed.child("updated")?.text == expected.first?.updatedAt.rfc3339)
    }

    @Test func aSeriesWithoutEpisodesIsAValidFeedUpdatedWithTheSeries() throws {
        let page = WebFixture.series(episodes: [])
        let feed = try XMLTree.parse(AtomFeed.feed(of: page, baseURL: Self.base))
        #expect(feed.children("entry").isEmpty)
        #expect(feed.child("updated")?.text == page.series.updatedAt.rfc3339)
        #expect(feed.child("author")?.child("name")?.text == "Seminar")
    }

    @Test func anUnknownZoneDescribesTimesInUTC() throws {
        let page = WebFixture.series(zone: "Nowhere/Special", episodes: [WebFixture.episode(1, "2020-12-31T23:30:00.000Z", duration: 90)])
        let entry = try #require(try XMLTree.parse(AtomFeed.feed(of: page, baseURL: Self.base)).children("entry").first)
        #expect(entry.child("summary")?.text == "Thursday, 31 December 2020, 23:30–2021-01-01 01:00 (UTC)")
    }
}
