import DocketCore
import DocketServer
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// The public pages through the router, on the demo seminar (`docket serve --demo`'s fixture).
@Suite struct PublicPageTests {
    /// 15 September 2020, 14:00 in Berlin: after episode 14, before 15, as when the seed page was saved.
    static let seedDay = Timestamp(rfc3339: "2020-09-15T12:00:00.000Z")!

    @Test func theDemoPageMatchesTheSeedLineByLine() async throws {
        let site = try DemoSite(now: Self.seedDay)
        defer { site.remove() }
        try await site.application.test(.router) { client in
            let page = try await client.page("/series/ml-seminar")
            #expect(page.status == .ok)
            let text = PageText.of(page.body)
            let seed = SeedPage.episodes()
            try #require(seed.count == 15)
            // Every heading of the seed (number, curly-quoted title, DD.MM.YY), in the seed's order.
            let positions = try seed.map { episode in
                try #require(text.range(of: episode.heading), "missing heading \(episode.heading)").lowerBound
            }
            #expect(positions == positions.sorted())
            let future = try #require(text.range(of: "Future Topics")), past = try #require(text.range(of: "Past Topics"))
            #expect(future.upperBound <= positions[0] && positions[0] < past.lowerBound, "15 is the future topic")
            #expect(positions[1...].allSatisfy { $0 > past.upperBound })
            let end = text.range(of: "Suggested Topics")?.lowerBound ?? text.endIndex
            for (index, episode) in seed.enumerated() {
                let section = String(text[positions[index]..<(index + 1 < positions.count ? positions[index + 1] : end)])
                // Each quoted title in the seed's text (the papers, the episodes referred to) is under its episode…
                for quote in episode.quotations {
                    #expect(section.contains(quote), "episode \(episode.number): “\(quote)” is missing")
                }
                // …and so is every paragraph, word for word in order (the seed lost link targets and lists, not words).
                let words = PageText.words(section)
                for paragraph in episode.paragraphs {
                    #expect(PageText.isSubsequence(PageText.words(paragraph), of: words), "episode \(episode.number): \(paragraph.prefix(60))…")
                }
            }
        }
    }

    @Test func theDemoPageIsHTMLWithFifteenEpisodesAndNoAddresses() async throws {
        let site = try DemoSite(now: Timestamp(rfc3339: "2030-01-01T00:00:00.000Z")!)
        defer { site.remove() }
        try await site.application.test(.router) { client in
            let page = try await client.page("/series/ml-seminar")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.cacheControl] == "public, max-age=60")
            #expect(page.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'; style-src 'unsafe-inline';") == true)
            #expect(page.body.components(separatedBy: "<article class=\"episode").count - 1 == 15)
            // Years later all fifteen are past topics, latest first, and nothing is scheduled.
            let past = try #require(page.body.range(of: #"<section id="past""#))
            #expect(page.body[..<past.lowerBound].contains("Nothing is scheduled yet."))
            let articles = try (1...15).reversed().map { number in
                try #require(page.body.range(of: #"<article class="episode" id="episode-\#(number)">"#), "episode \(number)").lowerBound
            }
            #expect(articles.allSatisfy { $0 > past.upperBound })
            #expect(articles == articles.sorted())
            #expect(page.body.contains(#"<link rel="alternate" type="application/atom+xml" title="Model-driven Machine Learning" href="/series/ml-seminar/feed.atom">"#))
            #expect(page.body.contains("Meets every second Tuesday at 15:00 (Europe/Berlin)"))
            #expect(page.body.contains("Suggested Topics"))
            #expect(page.body.contains("current standing by Schulze"))
            var pages = [page.body, try await client.page("/").body]
            for number in 1...15 { pages.append(try await client.page("/series/ml-seminar/episodes/\(number)").body) }
            for body in pages {
                #expect(!body.contains("@example.org"), "an email address is on a public page")
                #expect(!body.lowercased().contains("<script"))
            }
        }
    }

    @Test func anEpisodePageLinksItsCrossReferencesBothWays() async throws {
        let site = try DemoSite(now: Self.seedDay)
        defer { site.remove() }
        try await site.application.test(.router) { client in
            let twelve = try await client.page("/series/ml-seminar/episodes/12")
            #expect(twelve.status == .ok)
            #expect(twelve.body.contains(#"<a class="xref" href="/series/ml-seminar/episodes/5">5. “Real Fake Clouds”</a> and <a class="xref" href="/series/ml-seminar/episodes/8">8. “Uncharted History”</a>"#))
            #expect(twelve.body.contains(#"<a rel="prev" href="/series/ml-seminar/episodes/11">"#))
            let five = try await client.page("/series/ml-seminar/episodes/5")
            #expect(five.body.contains(#"Discussed again in <a class="xref" href="/series/ml-seminar/episodes/6">episode 6</a> and <a class="xref" href="/series/ml-seminar/episodes/12">episode 12</a>."#))
            let series = try await client.page("/series/ml-seminar")
            #expect(series.body.contains(##"<a class="xref" href="#episode-5">5. “Real Fake Clouds”</a>"##))
            #expect(series.body.contains(#"id="episode-5""#))
            let upcoming = try await client.page("/series/ml-seminar/episodes/15")
            #expect(upcoming.body.contains(#"href="/series/ml-seminar/episodes/15/calendar.ics""#))
            #expect(upcoming.body.contains(#"href="/series/ml-seminar/episodes/15/bibliography.bib""#))
        }
    }

    @Test func membersOnlyAndUnknownPagesAreTheSameHTML404() async throws {
        let site = try DemoSite(now: Self.seedDay)
        defer { site.remove() }
        try site.store.run("series.create", [
            "id": "0193f1c2-0000-7000-8000-0000000000aa", "slug": "secret-club", "title": "Secret Club", "timeZone": "Europe/Berlin",
            "cadence": ["rrule": "FREQ=WEEKLY", "startDate": "2020-01-07", "startTime": "18:00"], "visibility": "members",
        ])
        try await site.application.test(.router) { client in
            for path in ["/series/secret-club", "/series/secret-club/episodes/1", "/series/no-such-series", "/series/ml-seminar/episodes/99",
                         "/series/ml-seminar/episodes/abc", "/series/ml-seminar/episodes/-1", "/series/NOT_A_SLUG"] {
                let page = try await client.page(path)
                #expect(page.status == .notFound, "\(path)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                #expect(page.body.contains("<h1>Not found</h1>"), "\(path)")
                #expect(!page.body.contains("Secret Club"))
            }
            let index = try await client.page("/")
            #expect(index.status == .ok)
            #expect(index.body.contains(#"<a href="/series/ml-seminar">Model-driven Machine Learning</a>"#))
            #expect(!index.body.contains("Secret Club"))
        }
    }

    @Test func aRepeatedRequestWithTheETagIsA304() async throws {
        let site = try DemoSite(now: Self.seedDay)
        defer { site.remove() }
        try await site.application.test(.router) { client in
            let first = try await client.page("/series/ml-seminar")
            let tag = try #require(first.headers[.eTag])
            #expect(first.headers[.lastModified]?.hasSuffix(" GMT") == true)
            let again = try await client.page("/series/ml-seminar", headers: [.ifNoneMatch: tag])
            #expect(again.status == .notModified)
            #expect(again.body.isEmpty)
            #expect(again.headers[.eTag] == tag)
            let other = try await client.page("/series/ml-seminar", headers: [.ifNoneMatch: "\"0000000000000000\", W/\"1\""])
            #expect(other.status == .ok)
            // A change to the series is a new page and a new tag.
            try site.update("series", DemoSite.seriesID, ["location": "Hereon, Geesthacht"])
            let changed = try await client.page("/series/ml-seminar", headers: [.ifNoneMatch: tag])
            #expect(changed.status == .ok)
            #expect(changed.headers[.eTag] != tag)
            #expect(changed.body.contains("Hereon, Geesthacht"))
        }
    }

    @Test func aKeptPageGivesWayAtOnceToAChangeFromAnotherProcess() async throws {
        let site = try DemoSite(now: Self.seedDay)
        defer { site.remove() }
        try await site.application.test(.router) { client in
            let first = try await client.page("/series/ml-seminar/episodes/12")
            #expect(try await client.page("/series/ml-seminar/episodes/12").body == first.body)
            // Another Store on the same file: its own connections, as the command line would have.
            let elsewhere = try Store(path: site.store.path)
            try elsewhere.run(
                "series.update",
                ["id": .string(DemoSite.seriesID), "baseVersion": .int(try elsewhere.clock().version), "set": ["title": "Renamed seminar"]])
            let changed = try await client.page("/series/ml-seminar/episodes/12")
            #expect(changed.body != first.body)
            #expect(changed.body.contains("Renamed seminar"))
        }
    }

    @Test func scriptInATitleDescriptionOrAbstractStaysText() async throws {
        let site = try DemoSite(now: Self.seedDay)
        defer { site.remove() }
        let evil = "<script>alert(1)</script>"
        try site.update("series", DemoSite.seriesID, ["title": .string("ML \(evil)"), "description": .string("Hi \(evil)")])
        try site.update("episode", "40ea5489-ec15-5b40-8102-6ac2b1970ec1", [
            "title": .string("Smooth \(evil)"), "abstract": .string("Abstract \(evil) [x](javascript:alert(2))"),
        ])
        try await site.application.test(.router) { client in
            for path in ["/", "/series/ml-seminar", "/series/ml-seminar/episodes/15"] {
                let body = try await client.page(path).body
                #expect(!body.lowercased().contains("<script"), "\(path)")
                #expect(!body.contains("javascript:"), "\(path)")
            }
            let body = try await client.page("/series/ml-seminar").body
            #expect(body.contains("<h1>ML &lt;script&gt;alert(1)&lt;/script&gt;</h1>"))
            #expect(body.contains("<p>Abstract &lt;script&gt;alert(1)&lt;/script&gt; <a>x</a></p>"))
            #expect(body.contains("“Smooth &lt;script&gt;alert(1)&lt;/script&gt;”"))
        }
    }

    @Test func aClosedRoundShowsItsResultAndTheRecountThatWorks() async throws {
        let site = try DemoSite(now: Self.seedDay)
        defer { site.remove() }
        let round = "0193f1c2-0000-7000-8000-0000000000bb"
        try site.store.run("round.open", ["id": .string(round), "seriesID": .string(DemoSite.seriesID), "title": "Autumn 2020",
                                          "closesAt": "2020-09-16T10:00:00.000Z", "seats": 2])
        try site.store.run("round.close", ["id": .string(round)])
        try await site.application.test(.router) { client in
            let body = try await client.page("/series/ml-seminar").body
            let text = PageText.of(body)
            #expect(text.contains("Voting Results Autumn 2020 Closed"))
            #expect(text.contains("· Schulze · 6 ballots · 2 seats"))
            #expect(text.contains("1 GraphCast: medium-range forecasting with graph networks elected"))
            #expect(body.contains(#"<a href="/v1/rounds/\#(round)/ballots"><code>/v1/rounds/\#(round)/ballots</code></a>"#))
            #expect(text.contains("docket tally --method schulze --ballots ballots.json --format text"))
            // The demo's results are live, so the ballots the instructions name need no token: the same file
            // a member gets; a wrong token is still refused.
            let (anonymous, published, _) = try await client.send(.get, "/v1/rounds/\(round)/ballots")
            #expect(anonymous == .ok)
            let (status, ballots, _) = try await client.send(.get, "/v1/rounds/\(round)/ballots", token: site.token)
            #expect(status == .ok)
            #expect(ballots["ballots"]?.arrayValue?.isEmpty == false)
            #expect(published["ballots"]?.arrayValue?.count == ballots["ballots"]?.arrayValue?.count)
            #expect(published["candidates"] == ballots["candidates"])
            let (refused, _, _) = try await client.send(.get, "/v1/rounds/\(round)/ballots", token: "dkt_" + String(repeating: "x", count: 43))
            #expect(refused == .unauthorized)
        }
    }
}

/// A fresh database with the demo seminar loaded at a fixed instant, and the app around it.
struct DemoSite {
    static let seriesID = "08a369ca-eb23-5faa-8e5e-752df4f70fd7"
    let directory: URL
    let store: Store
    let token: String

    init(now: Timestamp) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-pages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let live = Environment.live
        store = try Store(path: directory.appendingPathComponent("docket.db").path, environment: Environment(now: { now }, randomBytes: live.randomBytes))
        token = try store.loadDemo().token
        try store.refreshStandingsNow()
    }

    /// Runs `<type>.update` on `id` as the administrator, based on the current version.
    func update(_ type: String, _ id: String, _ set: JSONValue) throws {
        try store.run("\(type).update", ["id": .string(id), "baseVersion": .int(try store.clock().version), "set": set])
    }

    var application: some ApplicationProtocol { testApplication(store) }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

extension TestClientProtocol {
    /// GETs a page: status, headers and the body as text.
    func page(_ uri: String, headers: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
        try await execute(uri: uri, method: .get, headers: headers) { response in
            (response.status, response.headers, String(buffer: response.body))
        }
    }
}

/// A rendered page read as a person reads it.
enum PageText {
    /// The visible text: inline tags dropped, block tags a space, entities decoded, whitespace runs one space.
    static func of(_ html: String) -> String {
        var out = ""
        var index = html.startIndex
        let inline: Set<String> = ["a", "em", "strong", "span", "code", "cite", "time", "b", "i", "sup", "sub", "del", "s"]
        while index < html.endIndex {
            if html[index] == "<", let close = html[index...].firstIndex(of: ">") {
                let tag = html[html.index(after: index)..<close]
                let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
                if name == "style", let end = html[close...].range(of: "</style>") {
                    index = end.upperBound
                    continue
                }
                if !inline.contains(name) { out += " " }
                index = html.index(after: close)
            } else {
                out.append(html[index])
                index = html.index(after: index)
            }
        }
        return decode(out).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Decodes `&name;` (the few the pages use) and numeric references.
    static func decode(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        let named = ["lt": "<", "gt": ">", "amp": "&", "quot": "\"", "apos": "'"]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(12).firstIndex(of: ";") {
                let name = after[..<semi]
                var decoded: String?
                if name.hasPrefix("#x") { decoded = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) } }
                else if name.hasPrefix("#") { decoded = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) } }
                else { decoded = named[String(name)] }
                if let decoded {
                    out += decoded
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        return out + rest
    }

    /// Lower-cased runs of letters and digits.
    static func words(_ text: String) -> [Substring] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }
    }

    static func isSubsequence(_ needle: [Substring], of haystack: [Substring]) -> Bool {
        var iterator = haystack.makeIterator()
        return needle.allSatisfy { word in
            while let next = iterator.next() { if next == word { return true } }
            return false
        }
    }
}

/// The seed page (DESIGN.md's `seed/seminar-page.txt`): what the demo must show.
enum SeedPage {
    struct Episode {
        var number: Int
        var title: String
        var date: String
        var paragraphs: [String]
        /// How the page writes the heading: `14. “When are we?” 08.09.20`.
        var heading: String { "\(number). “\(title)” \(date)" }
        /// The curly-quoted titles in the seed's text of the episode.
        var quotations: [String] {
            paragraphs.flatMap { paragraph in
                paragraph.split(separator: "“", omittingEmptySubsequences: false).dropFirst().compactMap { part in
                    part.firstIndex(of: "”").map { String(part[..<$0]).trimmingCharacters(in: CharacterSet(charactersIn: ",. ")) }
                }
            }
        }
    }

    /// The seed's episodes in its order (15, then 14 down to 1), each with the paragraphs under it.
    ///
    /// Headings come as `14. “When are we?” 08.09.20`, `7. “Compressed Pressure”, 02.06.20`, or, under
    /// Future Topics, `“Smooth Criminals” 15. 22.09.20`.
    static func episodes() -> [Episode] {
        var episodes: [Episode] = []
        var started = false
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty {
            if line == "Future Topics" { started = true; continue }
            guard started, line != "Past Topics" else { continue }
            if let episode = heading(line) {
                episodes.append(episode)
            } else if !episodes.isEmpty {
                episodes[episodes.count - 1].paragraphs.append(line)
            }
        }
        return episodes
    }

    private static func heading(_ line: String) -> Episode? {
        let words = line.split(separator: " ")
        guard let date = words.last, date.count == 8, date.split(separator: ".").count == 3,
            let open = line.firstIndex(of: "“"), let close = line.firstIndex(of: "”"), open < close
        else { return nil }
        let title = String(line[line.index(after: open)..<close])
        let number = line.split(whereSeparator: { !$0.isNumber }).first.flatMap { Int($0) }
        guard let number, line.hasPrefix("\(number). ") || line.hasSuffix(" \(number). \(date)") else { return nil }
        return Episode(number: number, title: title, date: String(date), paragraphs: [])
    }

    /// The seed page's text, as saved.
    static let text = #"""
Model-driven Machine Learning    Home    Research    People    ML Seminar    Github    Internal


We organize a biweekly seminar on machine learning, every second Tuesday at 3pm (GMT+2). We discuss papers on ML, often (but not always) with connections to Earth science, climate and weather and materials science.

The seminar also allows members of the Hamburg machine learning community to connect and present their ongoing work. We meet in person at HZG, but we also welcome remote online participants and stream the meeting live on our YouTube channel.

To get updates about each meeting or suggest a topic, please join our mailing list.

Future Topics

“Smooth Criminals” 15. 22.09.20

This week we discuss “Learning Temporal Coherence via Self-Supervision for GAN-based Video Generation” by Chu et al. 2020. pdf [15]

They address the issue of GANs for video editing tasks usually would induce flickering or other artifacts. Thanks to the spatio-temporal discriminator together with their “Ping-Pong loss” they outperform many previous approaches.

The results are presented on the tasks of unpaired video translation, as well as video super resolution. In our seminar we will discuss how these techniques can be used in GANs for Earth-Science tasks.

[15] Chu, M., Xie, Y., Mayer, J., Leal-Taixé, L., & Thuerey, N. (2020). Learning temporal coherence via self-supervision for GAN-based video generation. ACM Transactions on Graphics (TOG), 39(4), 75-1.

Past Topics

14. “When are we?” 08.09.20

We discuss “Viewing Forced Climate Patterns Through an AI Lens,” Barnes et al. 2019 pdf

This paper takes up the task of finding features of meteorological fields (in this case temperature and precipitation) that be used to identify climate forcing (such as anthropogenic carbon emissions, or natural forcing due to volcanoes etc.).

The paper uses extremely small and simple feedforward neural networks, but with a clever trick – it trains these networks to predict the year of a climate simulation with simulated anthropogenic forcing from the meteorological fields. Remarkably, when trained in the right way these same networks then perform well at identifying the year from these same fields in historical observational datasets! The simple neural networks are then analyzed to determine which features they have learned.

13. “Model Data for the Data Models” 25.08.20

We discuss “Purely data-driven medium-range weather forecasting achieves comparable skill to physical models at similar resolution,” Rasp et al. 2020. This recent work builds machine learning tools for weather prediction to compete with physics based approaches. Stephan Rasp will return to the seminar to discuss his recent work on predicting temperature, geopotential and precipitation up to 5 days in the future, published just today on arXiv!

The Weatherbench benchmark for evaluating these techniques was proposed early this year, also by Rasp et al. A key contributor to the performance increases in the current work was expanding the training available data beyond the weather that has actually occurred in the recorded past, by including other hypothetical situations realized through global climate modeling.

We discuss many conceptual and practical questions that arise when attempting to predict weather in this way, and consider what the future might hold for data-driven weather prediction.

12. “The Big Picture” 11.08.20

We discuss “Adversarial Super-resolution of Climatological Wind and Solar Data” [1], a recent study using Generative Adversarial Networks (GANs) with convolutional layers to increase the resolution of wind and irradiance fields output by climate models. This study uses high-resolution data to train a neural network to generate high-res from low-res data.

This week’s topic is related to several previous themes: we covered GANs in episode 5 (“Real Fake Clouds”), and addressed a related problem of filling in missing data using convolutional networks in episode 8 (“Uncharted History”).

We’ll discuss the approach taken in this paper, describe the Machine Learning tool SRGAN which it uses [2], and debate the conceptual issues that arise when using ML to “invent” new pixel outputs for your model. We’ll also mention how GAN-based superresolution can introduce bias into results [3], and what this could mean for climate and earth science applications.

Main paper: [1] Stengel et al., “Adversarial super-resolution of climatological wind and solar data,” PNAS July, 2020.

Technical Background: [2] Ledi et al., “Photo-Realistic Single Image Super-Resolution Using a Generative Adversarial Network”, arXiv 2016.

Blog post on bias in GANs for SR: [3]

11. “Teach Yourself Physics in 2 Million Easy Steps” 28.07.20

In this episode we discuss “Learning to Simulate Complex Physics with Graph Networks” [1], a recent study using deep learning to emulate physical dynamical systems.

We have already encountered several approaches to predicting physical systems in previous seminars (episodes 3, 4, 7 & 9). Typically, a machine learning model is trained on data generated with a numerical solver to predict a (partial) system state many time steps ahead, using the current (partial) system state as input. The network solves the task in a way that bears little, if any resemblance to the numerical solver used to generate its training data.

Here, the authors follow another approach [2], where the machine learning model is trained explicitly to reproduce or “emulate” the behavior of the numerical solver over individual numerical integration steps. We will discuss how learning to carry out single-time-step updates offers certain advantages over learning to predict the future directly from the present as the learning problem is very well posed conceptually and mathematically. However, a critical concern is whether the solutions of this ‘learned simulation’ stay realistic over many integration steps when using the emulator network instead of the numerical solver.

Another twist for the upcoming session will be that the dynamical systems studied are multi-body systems, i.e. they consist of a fixed number of discrete interacting objects. To learn state predictions on this kind of data, the authors designed their own Interaction Network [3], which is a subclass of so-called Graph Neural Networks. GNNs [4] have become a very active and vast topic of research over the past years that we can only briefly touch upon in our session.

Main paper: [1] A. Sanchez-Gonzalez, J. Godwin, T. Pfaff, R. Ying, J. Leskovec, and P. W. Battaglia, “Learning to Simulate Complex Physics with Graph Networks,” arXiv:2002.09405 [physics, stat], Feb. 2020, Accessed: Jun. 27, 2020.

Additional Background: [2] R. Grzeszczuk, D. Terzopoulos, and G. E. Hinton, “Fast Neural Network Emulation of Dynamical Systems for Computer Animation,” in Advances in Neural Information Processing Systems 11, M. J. Kearns, S. A. Solla, and D. A. Cohn, Eds. MIT Press, 1999, pp. 882–888.

[3] P. W. Battaglia, R. Pascanu, M. Lai, D. Rezende, and K. Kavukcuoglu, “Interaction Networks for Learning about Objects, Relations and Physics,” arXiv:1612.00222 [cs], Dec. 2016, Accessed: Jul. 16, 2020. [Online]. Available:

Further reading: [4] J. Zhou et al., “Graph Neural Networks: A Review of Methods and Applications,” arXiv:1812.08434 [cs, stat], Jul. 2019, Accessed: Jul. 16, 2020. [Online]. Available:

10. “Try to look like a little black cloud” 14.07.20

In light of recent meteorological events in Hamburg, the next ML@HZG seminar will focus on clouds.

We will begin with a well-written 3-page review[1] that discusses how cloud resolving models (CRMs) can play an important role in our understanding of our climate and its potential changes in the future, but impose immense computational demands.

We’ll then discuss how small-scale CRMs can be used as cloud parameterizations for large-scale climate models, focusing on the Superparameterized Community Atmosphere Model (SPCAM) [2]. This approach aims to capture the two-way interactions between cloud physics and coarser-scale meteorological variables without paying the cost of a huge CRM simulation, but instead embedding a small CRM into each grid cell. Further work[3] showed how the embedded CRMs can be simplified without compromising accuracy.

Finally, we’ll discuss how machine learning can be used to imitate the effect of the miniature CRMs used in SPCAM, which in turn aims to imitate what a large-scale CRM might look like. Recent work[4] has shown the neural networks can be trained reproduce the feedback between coarse-scale climate model variables and each grid cell’s CRM, with a considerable reduction of computational.

As we’ll discuss, often the true test of these techniques is their ability to match observed phenomena in large, long simulations!

Postscript: as discussed in the seminar, it’s not totally clear why the MJO moves east, but there are some interesting theories as to why[5] (thanks to Eduardo Zorita for the reference).

[1] T. Schneider et al., “Climate goals and computing the future of clouds,” Nature Clim Change, vol. 7, no. 1, pp. 3–5, Jan. 2017, doi: 10.1038/nclimate3190.

[2] M. Khairoutdinov, D. Randall, and C. DeMott, “Simulations of the Atmospheric General Circulation Using a Cloud-Resolving Model as a Superparameterization of Physical Processes,” J. Atmos. Sci., vol. 62, no. 7, pp. 2136–2154, Jul. 2005, doi: 10.1175/JAS3453.1.

[3] M. S. Pritchard, C. S. Bretherton, and C. A. DeMott, “Restricting 32–128 km horizontal scales hardly affects the MJO in the Superparameterized Community Atmosphere Model v.3.0 but the number of cloud-resolving grid columns constrains vertical mixing,” Journal of Advances in Modeling Earth Systems, vol. 6, no. 3, pp. 723–739, 2014, doi: 10.1002/2014MS000340.

[4] S. Rasp, M. S. Pritchard, and P. Gentine, “Deep learning to represent subgrid processes in climate models,” PNAS, vol. 115, no. 39, pp. 9684–9689, Sep. 2018, doi: 10.1073/pnas.1810286115.

[5] B. Wang, F. Liu, and G. Chen, “A trio-interaction theory for Madden–Julian oscillation,” Geosci. Lett., vol. 3, no. 1, p. 34, Dec. 2016, doi: 10.1186/s40562-016-0066-z.

9. “The Best of All Possible Worlds” 30.06.20

We consider the critically important and monstrously difficult problem of tuning climate model parameters to match observations (reviewed in Hourdin et al., 2017).

This process is quite challenging, because:

We discuss several approaches to this problem:

8. “Uncharted History” 16.06.20

We discuss the paper “Artificial intelligence reconstructs missing climate information”, Kadow et al. 2020, Nat. Geosci. pdf code

We are very happy to have the first-author of the paper with us to present the study!

The computer vision field of image inpainting paper uses several techniques to reconstruct broken images, paintings, etc. In recent years, more and more diverse machine learning techniques have boosted the field. A major step was taken by Liu et al. 2018 paper video in using partial convolutions in a CNN. The study shown here will transfer the technology to climate research. The presentation will show the journey of changing and applying the NVIDIA technique to one of the big obstacles in climate research: missing climate information of the past. Therefore a transfer learning approach is set up using climate model data. After evaluating test-suites, a reconstruction of HadCRUT4 - one of the most important climate data sets - is shown and analyzed.

7. “Compressed Pressure”, 02.06.20

The main paper for this session will be Latent Space Physics: Towards Learning the Temporal Evolution of Fluid Flow, Wiewel et al, 2019. Also see their blog post.

We will also briefly discuss a follow-up from Wiewel et al. 2020, and a related paper on generative fluid modelling from the same group, Kim et al. 2019. The latter is nicely summarized in this video.

For those interested in the underlying ML methods, this session will be about autoencoders and sequence-to-sequence models:

6. “Minimalist Chaos”, 19.05.20

We’ll discus the Lorenz `96 model (L96) and its myriad uses. In “Predictability - a problem partly solved”, Edward Lorenz introduced a simple mathematical model exhibiting many of Earth science’s core computational challenges.

Challenging features of L96 include chaotic dynamics, nonlinearity, combination of dissipative and conservative aspects and coupling of vastly differing scales in space and time. Chaos means that small perturbations in the model state due to numerical errors or observation noise will, over time, lead to large deviations in the future model state.

L96 is a frequent test case for algorithms tackling many fundamental problems. We consider two of these: parameter tuning, and parameterizing sub-grid processes:

Finally, we’ll revisit the original paper and the issue of predictability, nearly 25 years later.

5. “Real Fake Clouds” 05.05.20

We discuss the paper “Modeling Cloud Reflectance Fields using Conditional Generative Adversarial Networks,” Schmidt et al. 2020, arXiv. pdf code

This paper uses generative adversarial networks, or GANs. In the GAN framework, a generator network learns to generate “fake” data points while a second discriminator network learns to tell real from fake data. Schmidt et al. use GANs to predict cloud reflectance fields from meteorological variables such as temperature and wind speed. Given these meteorological variables, it can produce multiple realistic output patterns instead of an ensemble average. That is, the network attempts to learn the conditional probability distribution of reflectance given the input variables.

We start with a very brief introduction of GANs. More background can be found in Diego Gomez Mosquera’s high accessible blog post or Ian Goodfellow’s extensive tutorial.

Importantly, this paper wasn’t able to get good results just by applying the GAN framework out of the box, and had to use some of the latest specialized tricks as well. So we’ll briefly go through some of these tricks:

Additional links from the discussion: Variational Dropout and and the Local Reparameterization Trick pdf Dropout as a Bayesian Approximation: Representing Model Uncertainty in Deep Learning pdf

4. “Far into the Future”, 21.04.20

Lennard Schmidt from UFZ present on his work. He applies machine learning to do quality control for hydrological measurement data. He also uses a sophisticated convLSTM architecture to predict hydrological dynamics in an Elbe catchment basin. Code for a convLSTM layer in tensorflow/keras can be found here.

Eduardo Zorita presents “Deep learning for multi-year ENSO forecasts,” Ham et al. 2019, Nature. link This paper uses machine learning algorithms to predict the El Niño/Southern Oscillation 1.5 years into the future, farther than previous methods have achieved. Notably, it trains on a combination of simulations and historical data.

Additional references on the predictability paradox in climate science: “Do seasonal‐to‐decadal climate predictions underestimate the predictability of the real world?” Eade et al. 2014, Geophys. Research Letters. link

“Skilful predictions of the winter North Atlantic Oscillation one year ahead.” Dunstone et al. 2016, Nature. link

3. “MetNet, Convolutional-Recurrent Nets, and the Self-Attention Principle” 07.04.20

Linda von Garderen presents on her work.

We cover Google Research’s recent work on weather prediction: “MetNet: A Neural Weather Model for Precipitation Forecasting,” Sønderby et al., 2020, arXiv. paper, blog post

To understand the ML tools that went into this work, we briefly review some concepts from earlier works:

With these concepts in mind, we examine how MetNet combines them, and consider their results from the perspectives of both ML and weather prediction.

Relevant discussion links:

2. “Don’t Fear the Sphere” 31.03.20

We cover “Spherical CNNs on Unstructured Grids,” Jiang et al. 2019, ICLR. We also survey other ML approaches to spherical data (more links in the description on YouTube). With 5 minute presentations by Julianna Carvalho, Tobias Finn and Lennart Marien.

1. “Hidden Fluid Mechanics” 24.03.20

We discuss the paper “Hidden fluid mechanics: Learning velocity and pressure fields from flow visualizations,” Raissi et al. 2020, Science, and the more technical study from the same group, “Physics Informed Neural Networks,” Raissi et al., 2019, J. Computational Physics. Tobias Weigel from DKRZ explains the ML support team that forms part of the local Helmholtz AI unit.
"""#
}
