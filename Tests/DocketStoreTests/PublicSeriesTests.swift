import DocketCore
import DocketStore
import Testing

@Suite struct PublicSeriesTests {
    @Test func theDemoSeriesIsPublicWithItsFifteenEpisodesAndNoEmail() throws {
        let fixture = try StoreFixture(visibility: "public")
        defer { fixture.remove() }
        _ = try fixture.store.loadDemo()
        let page = try #require(try fixture.store.publicSeries(slug: "ml-seminar"))
        #expect(page.episodes.count == 15)
        #expect(page.episodes.map(\.number) == (1...15).map { $0 })
        #expect(page.episodes.map(\.startsAt) == page.episodes.map(\.startsAt).sorted())
        for episode in page.episodes {
            for paper in episode.papers { #expect(page.papers[paper.paperID] != nil) }
            for presenter in episode.presenters { #expect(page.people[presenter.personID] != nil) }
        }
        let eleven = try #require(page.episode(number: 11))
        let three = try #require(page.episode(number: 3))
        #expect(page.backlinks(to: three.id).map(\.id).contains(eleven.id))
        #expect(!page.openSuggestions.isEmpty)
        #expect(Set(try fixture.store.publicSeriesList().map(\.slug)) == ["ml-seminar", "reading-group"])
    }

    @Test func aMembersOnlySeriesHasNoPublicPage() throws {
        let fixture = try StoreFixture(visibility: "members")
        defer { fixture.remove() }
        #expect(try fixture.store.publicSeries(slug: "reading-group") == nil)
        #expect(try fixture.store.publicSeries(slug: "no-such-series") == nil)
        #expect(try fixture.store.publicSeriesList().isEmpty)
    }

    @Test func standingsShowOnlyWhenResultsAreLive() throws {
        let fixture = try StoreFixture(visibility: "public")
        defer { fixture.remove() }
        let suggestion = newID()
        _ = try fixture.store.run("suggestion.create", suggestionArgs(suggestion, series: fixture.series), as: fixture.member)
        _ = try fixture.store.run(
            "ballot.set", ["seriesID": .string(fixture.series), "ranking": [[.string(suggestion)]]], as: fixture.member)
        try fixture.store.refreshStandingsNow()
        let hidden = try fixture.store.run(
            "series.update", ["id": .string(fixture.series), "baseVersion": 0, "set": ["resultsVisibility": "organizers"]])
        #expect(try fixture.store.publicSeries(slug: "reading-group")?.standing == nil)
        _ = try fixture.store.run(
            "series.update", ["id": .string(fixture.series), "baseVersion": .int(hidden), "set": ["resultsVisibility": "live"]])
        let page = try #require(try fixture.store.publicSeries(slug: "reading-group"))
        let standing = try #require(page.standing)
        #expect(standing["ballotCount"] == .int(1))
        // A later ballot moves the standing, and with it the page's last change.
        fixture.clock.advance(seconds: 60)
        _ = try fixture.store.run(
            "ballot.set", ["seriesID": .string(fixture.series), "ranking": [[.string(suggestion)]]], as: fixture.organizer)
        try fixture.store.refreshStandingsNow()
        let later = try #require(try fixture.store.publicSeries(slug: "reading-group"))
        #expect(later.standing?["ballotCount"] == .int(2))
        #expect(later.updatedAt.milliseconds == fixture.clock.now.milliseconds)
        #expect(later.updatedAt.milliseconds > page.updatedAt.milliseconds)
    }
}
