import DocketCore
import DocketWeb
import Foundation
import Testing

@Suite struct SeminarPagesTests {
    let pages = SeminarPages()
    let site = SiteAddress(host: "docket.example.org", scheme: "https")
    typealias F = PageFixture

    /// Three held episodes, one cancelled, one upcoming; episode 3 returns to episode 1.
    func sample() -> PublicSeries {
        let papers = [
            F.paper(51, "Main one", authors: ["Raissi, M."], year: 2020), F.paper(52, "Background one"),
            F.paper(53, "Further one", arxiv: "2002.09405"),
        ]
        let people = [F.person(61, "Tobias Weigel", "DKRZ"), F.person(62, "Linda von Garderen"), F.person(63, "Declined Dora")]
        let episodes = [
            F.episode(
                1, 1, "Hidden Fluid Mechanics", "2020-03-24T14:00:00.000Z", abstract: "We discuss *physics*.",
                papers: [
                    EpisodePaper(paperID: F.id(53), role: .further), EpisodePaper(paperID: F.id(51), role: .main),
                    EpisodePaper(paperID: F.id(52), role: .background),
                ],
                presenters: [
                    Presenter(personID: F.id(61), role: .shortTalk, status: .confirmed),
                    Presenter(personID: F.id(62), role: .presenter, status: .confirmed),
                    Presenter(personID: F.id(63), role: .presenter, status: .declined),
                ],
                links: [Link(label: "pdf", url: "https://example.org/p.pdf"), Link(label: "code", url: "https://github.com/x/y")]),
            F.episode(2, 2, "Don’t Fear the Sphere", "2020-03-31T13:00:00.000Z"),
            F.episode(4, nil, "Storm Day", "2020-04-14T13:00:00.000Z", status: .cancelled),
            F.episode(3, 3, "Return of the Fluids", "2020-04-21T13:00:00.000Z", related: [1, 4]),
            F.episode(5, 4, "Smooth Criminals", "2020-09-22T13:00:00.000Z", status: .scheduled),
        ]
        return F.page(episodes: episodes, papers: papers, people: people)
    }

    @Test func theCadenceSentenceComesFromTheRule() {
        #expect(SeminarPages.cadenceSentence(F.series()) == "every second Tuesday at 15:00 (Europe/Berlin)")
        #expect(SeminarPages.cadenceSentence(F.series(rrule: "FREQ=WEEKLY;BYDAY=MO,TH")) == "every Monday and Thursday at 15:00 (Europe/Berlin)")
        #expect(SeminarPages.cadenceSentence(F.series(rrule: "FREQ=YEARLY")) == "FREQ=YEARLY at 15:00 (Europe/Berlin)")
        let html = pages.series(sample(), now: F.now, site: site)
        #expect(html.contains("Meets every second Tuesday at 15:00 (Europe/Berlin) · HZG, Geesthacht"))
    }

    @Test func headingsReadLikeTheSeedWithPastTopicsLatestFirst() throws {
        let text = Page.text(pages.series(sample(), now: F.now, site: site))
        let future = try #require(text.range(of: "Future Topics")), past = try #require(text.range(of: "Past Topics"))
        #expect(text[future.upperBound..<past.lowerBound].contains("4. “Smooth Criminals” 22.09.20"))
        let headings = ["3. “Return of the Fluids” 21.04.20", "“Storm Day” 14.04.20 cancelled", "2. “Don’t Fear the Sphere” 31.03.20",
                        "1. “Hidden Fluid Mechanics” 24.03.20"]
        let positions = try headings.map { try #require(text.range(of: $0), "\($0)").lowerBound }
        #expect(positions.allSatisfy { $0 > past.upperBound })
        #expect(positions == positions.sorted())
    }

    @Test func aCancelledEpisodeIsMarkedAndHasNoNumberOrPage() {
        let html = pages.series(sample(), now: F.now, site: site)
        #expect(html.contains(#"<article class="episode cancelled" id="episode-\#(F.id(4) as EpisodeID)">"#))
        #expect(html.contains(#"<span class="title">“Storm Day”</span> <time datetime="2020-04-14T15:00+02:00">14.04.20</time> <span class="badge">cancelled</span>"#))
        #expect(pages.episode(sample(), number: 5, now: F.now, site: site) == nil)
    }

    @Test func papersAreGroupedByRoleAsReferences() throws {
        let html = pages.series(sample(), now: F.now, site: site)
        let article = try #require(Page.section(of: html, id: "episode-1"))
        let main = try #require(article.range(of: "<h4>Main paper</h4>")), background = try #require(article.range(of: "<h4>Background</h4>"))
        let further = try #require(article.range(of: "<h4>Further reading</h4>"))
        #expect(main.lowerBound < background.lowerBound && background.lowerBound < further.lowerBound)
        #expect(article[main.upperBound..<background.lowerBound].contains("<cite>Raissi, M. (2020). Main one.</cite>"))
        #expect(article[background.upperBound..<further.lowerBound].contains("<cite>Background one.</cite>"))
        #expect(article[further.upperBound...].contains(#"<cite>Further one.</cite> <a class="chip" href="https://arxiv.org/abs/2002.09405">arXiv</a>"#))
    }

    @Test func presentersShowAffiliationAndRoleButNotDeclines() throws {
        let article = try #require(Page.section(of: pages.series(sample(), now: F.now, site: site), id: "episode-1"))
        #expect(Page.text(article).contains("Tobias Weigel (DKRZ) short talk, Linda von Garderen"))
        #expect(!article.contains("Dora"))
    }

    @Test func crossReferencesAndBacklinksLinkTheEpisodes() throws {
        let data = sample()
        let html = pages.series(data, now: F.now, site: site)
        let third = try #require(Page.section(of: html, id: "episode-3"))
        #expect(third.contains(##"See also <a class="xref" href="#episode-1">1. “Hidden Fluid Mechanics”</a> and <a class="xref" href="#episode-\##(F.id(4) as EpisodeID)">“Storm Day” (cancelled)</a>."##))
        let first = try #require(Page.section(of: html, id: "episode-1"))
        #expect(first.contains(##"Discussed again in <a class="xref" href="#episode-3">episode 3</a>."##))
        let page = try #require(pages.episode(data, number: 1, now: F.now, site: site))
        #expect(page.contains(#"Discussed again in <a class="xref" href="/series/ml/episodes/3">episode 3</a>."#))
        #expect(page.contains(#"<a rel="next" href="/series/ml/episodes/2">2. “Don’t Fear the Sphere” →</a>"#))
    }

    @Test func theEpisodeLinksAndTheSeriesLinksArePresent() throws {
        let html = pages.series(sample(), now: F.now, site: site)
        let first = try #require(Page.section(of: html, id: "episode-1"))
        #expect(first.contains(#"<li><a href="https://example.org/p.pdf">pdf</a></li>"#))
        #expect(html.contains(#"<link rel="alternate" type="application/atom+xml" title="Model-driven Machine Learning" href="/series/ml/feed.atom">"#))
        #expect(html.contains(#"href="webcal://docket.example.org/series/ml/calendar.ics""#))
        #expect(html.contains(#"href="/series/ml/bibliography.bib""#))
        let upcoming = try #require(Page.section(of: html, id: "episode-4"))
        #expect(upcoming.contains(#"href="/series/ml/episodes/4/calendar.ics""#))
        #expect(upcoming.contains(#"href="/series/ml/episodes/4/bibliography.bib""#))
        #expect(upcoming.contains(#"<a href="https://stream.example.org/live">live stream</a>"#))
    }

    @Test func aPhoneAndAPrinterAreCatered() {
        let html = pages.series(sample(), now: F.now, site: site)
        #expect(html.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
        #expect(html.contains("@media print"))
        #expect(html.contains("@media (max-width: 560px)"))
        #expect(!html.lowercased().contains("<script"))
    }

    @Test func scriptInEveryUserFieldStaysText() throws {
        let evil = "<script>alert(1)</script>"
        var series = F.series(title: "Evil \(evil)", description: "Intro \(evil) <img src=x onerror=alert(2)> [x](javascript:alert(3))")
        series.location = evil
        let episodes = [
            F.episode(1, 1, "Title \(evil)", "2020-03-24T14:00:00.000Z", abstract: "Abstract \(evil)\n\n<iframe src=\"https://evil.example\"></iframe>",
                      papers: [EpisodePaper(paperID: F.id(51), role: .main)],
                      presenters: [Presenter(personID: F.id(61), role: .guest, status: .confirmed)],
                      links: [Link(label: evil, url: "javascript:alert(4)")]),
        ]
        let data = F.page(
            series: series, episodes: episodes, papers: [F.paper(51, "Paper \(evil)", authors: [evil])], people: [F.person(61, evil, evil)],
            suggestions: [F.suggestion(71, "Suggestion \(evil)", proposer: 61, pitch: "Pitch \(evil)")])
        for html in [pages.series(data, now: F.now, site: site), try #require(pages.episode(data, number: 1, now: F.now, site: site)),
                     pages.index([series]), pages.notFound(evil)] {
            #expect(!html.lowercased().contains("<script"))
            // Escaped text may say anything; the tags the browser sees must be the page's own.
            for tag in Page.tags(html) {
                #expect(!["<iframe", "<img", "<script", "<div onclick"].contains { tag.hasPrefix($0) }, "\(tag)")
                #expect(!tag.contains("javascript:") && !tag.split(separator: " ").contains { $0.hasPrefix("on") && $0.contains("=") }, "\(tag)")
            }
        }
        let html = pages.series(data, now: F.now, site: site)
        #expect(html.contains("<h1>Evil &lt;script&gt;alert(1)&lt;/script&gt;</h1>"))
        #expect(html.contains("<p>Abstract &lt;script&gt;alert(1)&lt;/script&gt;</p>"))
    }

    @Test func theStandingOrdersSuggestionsWhenResultsArePublic() throws {
        let suggestions = [F.suggestion(71, "First made", proposer: 61), F.suggestion(72, "Second made", proposer: 62)]
        let standing: JSONValue = [
            "method": "borda", "ballotCount": 3, "ranking": [[.string(F.id(72, SuggestionKind.self).rawValue)], [.string(F.id(71, SuggestionKind.self).rawValue)]],
            "scores": .object([(F.id(71, SuggestionKind.self).rawValue, .int(2)), (F.id(72, SuggestionKind.self).rawValue, .int(5))]),
        ]
        let people = [F.person(61, "Alex"), F.person(62, "Sam", "UHH")]
        let ranked = Page.text(pages.series(F.page(episodes: [], people: people, suggestions: suggestions, standing: standing), now: F.now, site: site))
        #expect(ranked.contains("current standing by Borda count"))
        #expect(ranked.contains("from 3 ballots"))
        let second = try #require(ranked.range(of: "1 Second made Suggested by Sam (UHH) · score 5"))
        let first = try #require(ranked.range(of: "2 First made Suggested by Alex · score 2"))
        #expect(second.lowerBound < first.lowerBound)
        let hidden = Page.text(pages.series(
            F.page(series: F.series(visibility: .organizers), episodes: [], people: people, suggestions: suggestions), now: F.now, site: site))
        #expect(hidden.contains("the standing is for the organizers"))
        #expect(try #require(hidden.range(of: "First made")).lowerBound < #require(hidden.range(of: "Second made")).lowerBound)
    }

    @Test func aClosedRoundShowsItsResultAndHowToRecountIt() throws {
        let a = F.id(71, SuggestionKind.self).rawValue, b = F.id(72, SuggestionKind.self).rawValue
        let round = Round(
            id: F.id(81), seriesID: F.seriesID, title: "Autumn topics", opensAt: F.created, closesAt: Timestamp(rfc3339: "2020-09-01T10:00:00.000Z")!,
            seats: 1, method: .rankedPairs, status: .closed,
            result: ["method": "ranked-pairs", "winners": [.string(b)], "elected": [.string(b)], "ranking": .null,
                     "order": [.string(b), .string(a)], "ballotCount": 4],
            createdAt: F.created, updatedAt: F.created)
        let data = F.page(episodes: [], suggestions: [F.suggestion(71, "Open one", proposer: 61)], rounds: [round])
        let html = pages.series(data, now: F.now, site: site)
        let text = Page.text(html)
        #expect(text.contains("Autumn topics Closed Tuesday 1 September 2020, 12:00 · ranked pairs · 4 ballots · 1 seat"))
        #expect(text.contains("1 suggestion 00000000 elected 2 Open one"))
        #expect(html.contains(#"<a href="/v1/rounds/\#(round.id.rawValue)/ballots"><code>/v1/rounds/\#(round.id.rawValue)/ballots</code></a>"#))
        #expect(text.contains("curl -s https://docket.example.org/v1/rounds/\(round.id.rawValue)/ballots > ballots.json"))
        #expect(text.contains("docket tally --method ranked-pairs --ballots ballots.json --format text"))
        #expect(!text.contains("token"), "the public ballots need no token")
    }

    @Test func datesFollowTheSeriesZoneNotUTC() {
        let late = F.episode(1, 1, "Late", "2020-09-08T22:30:00.000Z")
        let html = pages.series(F.page(episodes: [late]), now: F.now, site: site)
        #expect(html.contains(#"<time datetime="2020-09-09T00:30+02:00">09.09.20</time>"#))
        #expect(html.contains("Wednesday 9 September 2020, 00:30–01:30 (Europe/Berlin)"))
        #expect(httpDate(Timestamp(rfc3339: "2020-09-08T13:00:05.000Z")!) == "Tue, 08 Sep 2020 13:00:05 GMT")
    }

    @Test func theIndexListsSeriesAndAnOddHostIsNotEchoed() {
        let html = pages.index([F.series()])
        #expect(html.contains(#"<a href="/series/ml">Model-driven Machine Learning</a>"#))
        #expect(pages.index([]).contains("No public series yet."))
        #expect(SiteAddress(host: "evil\"><script>", scheme: "https").host == nil)
        #expect(SiteAddress(host: "127.0.0.1:8080", scheme: "http").host == "127.0.0.1:8080")
        let odd = pages.series(sample(), now: F.now, site: SiteAddress(host: "a b", scheme: "https"))
        #expect(!odd.contains("webcal://"))
    }
}

/// Reading rendered pages back in tests.
enum Page {
    /// The page's text: tags dropped, the common entities decoded, whitespace runs made one space.
    static func text(_ source: some StringProtocol) -> String {
        let html = String(source)
        var out = ""
        var inTag = false
        var inStyle = false
        var index = html.startIndex
        while index < html.endIndex {
            let rest = html[index...]
            if rest.hasPrefix("<style") { inStyle = true }
            if rest.hasPrefix("</style") { inStyle = false }
            let c = html[index]
            if c == "<" { inTag = true; out += " " } else if c == ">" { inTag = false } else if !inTag && !inStyle { out.append(c) }
            index = html.index(after: index)
        }
        for (entity, plain) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#91;", "["), ("&#95;", "_"), ("&amp;", "&")] {
            out = out.replacingOccurrences(of: entity, with: plain)
        }
        return out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .replacingOccurrences(of: " .", with: ".").replacingOccurrences(of: " ,", with: ",")
    }

    /// Every tag of the page, lower-cased, from `<` to before `>`.
    static func tags(_ html: String) -> [String] {
        html.split(separator: "<", omittingEmptySubsequences: false).dropFirst().map { "<" + $0.prefix { $0 != ">" }.lowercased() }
    }

    /// The HTML of the `<article>` with this id.
    static func section(of html: String, id: String) -> Substring? {
        guard let start = html.range(of: #"id="\#(id)""#) else { return nil }
        let end = html[start.upperBound...].range(of: "</article>")?.upperBound ?? html.endIndex
        return html[start.lowerBound..<end]
    }
}
