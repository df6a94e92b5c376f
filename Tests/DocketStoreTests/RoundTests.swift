import DocketCore
import DocketStore
import Foundation
import Testing

/// Rounds freeze the ballots as they stood at the close, publish them anonymously, and promote their winners.
@Suite struct RoundTests {
    struct Election {
        let fixture: StoreFixture
        let round = newID()
        var suggestions: [String] = []
        var voters: [Principal] = []
    }

    func election() throws -> Election {
        var election = Election(fixture: try StoreFixture())
        let fixture = election.fixture
        for title in ["A", "B", "C"] {
            let id = newID()
            try fixture.store.run("suggestion.create", suggestionArgs(id, series: fixture.series, title: title), as: fixture.member)
            election.suggestions.append(id)
            fixture.clock.advance(seconds: 1)
        }
        election.voters = [fixture.member, fixture.organizer] + (0..<3).map { try! StoreFixture.person(fixture.store, "V\($0)", role: "member", series: fixture.series) }
        let closesAt = fixture.clock.now.adding(milliseconds: 3_600_000)
        try fixture.store.run(
            "round.open",
            ["id": .string(election.round), "seriesID": .string(fixture.series), "title": "December", "closesAt": .string(closesAt.rfc3339), "seats": 2],
            as: fixture.organizer)
        let (a, b, c) = (election.suggestions[0], election.suggestions[1], election.suggestions[2])
        let rankings: [JSONValue] = [[[.string(a)], [.string(b)]], [[.string(a)]], [[.string(b)], [.string(c)]], [[.string(c), .string(a)]], [[.string(a)], [.string(c)], [.string(b)]]]
        for (voter, ranking) in zip(election.voters, rankings) {
            try fixture.store.run("ballot.set", ["seriesID": .string(fixture.series), "ranking": ranking], as: voter)
        }
        return election
    }

    func round(_ fixture: StoreFixture, _ id: String) throws -> JSONValue? {
        try fixture.store.pull(actor: fixture.member, clientID: ClientID(newID())!, cursor: nil, limit: 5000).values("round")
            .first { $0["id"] == .string(id) }
    }

    @Test func aBallotThatArrivesAfterTheCloseChangesTheStandingNotTheRound() async throws {
        let election = try election()
        let fixture = election.fixture
        defer { fixture.remove() }
        fixture.clock.advance(seconds: 3601)
        // Offline all along, a voter's change reaches the server after closesAt but before the closing service runs.
        try fixture.store.run(
            "ballot.set", ["seriesID": .string(fixture.series), "ranking": [[.string(election.suggestions[2])]]], as: election.voters[1])
        let outcome = try await fixture.store.closeDueRounds()
        #expect(outcome.closed == 1 && outcome.failures.isEmpty)
        let result = try #require(try round(fixture, election.round)?["result"])
        #expect(try round(fixture, election.round)?["status"] == "closed")
        #expect(result["ballotCount"] == 5)
        #expect(result["winners"] == [.string(election.suggestions[0])], "A wins on the ballots as they stood at closesAt")
        #expect(result["elected"]?.arrayValue?.count == 2)
        let export = try #require(try fixture.store.roundExport(RoundID(election.round)!, actor: fixture.member))
        #expect(export.ballots.count == 5)
        #expect(export.ballots.contains { $0.ranking == [[election.suggestions[0]]] }, "the organizer's ballot as it stood")
        #expect(!export.ballots.contains { $0.ranking == [[election.suggestions[2]]] }, "not as it was changed later")
        let again = try await fixture.store.closeDueRounds()
        #expect(again.closed == 0)
    }

    @Test func withoutAReaderOnlyPublicSeriesWithLiveResultsPublishTheirBallots() throws {
        let election = try election()
        let fixture = election.fixture
        defer { fixture.remove() }
        let round = RoundID(election.round)!
        try fixture.store.run("round.close", ["id": .string(election.round)], as: fixture.organizer)
        var version = try fixture.store.clock().version
        func set(_ fields: JSONValue) throws {
            version = try fixture.store.run("series.update", ["id": .string(fixture.series), "baseVersion": .int(version), "set": fields])
        }
        // Members-only (the fixture's series): nobody without a token.
        #expect(try fixture.store.roundExport(round, actor: nil) == nil)
        #expect(try fixture.store.roundExport(round, actor: fixture.outsider) == nil)
        #expect(try fixture.store.publicSeries(slug: "reading-group") == nil)
        try set(["visibility": "public", "resultsVisibility": "organizers"])
        #expect(try fixture.store.roundExport(round, actor: nil) == nil, "results for organizers only")
        #expect(try fixture.store.publicSeries(slug: "reading-group")?.closedRounds.isEmpty == true)
        try set(["resultsVisibility": "live"])
        let export = try #require(try fixture.store.roundExport(round, actor: nil))
        #expect(export.ballots.count == 5)
        #expect(try fixture.store.publicSeries(slug: "reading-group")?.closedRounds.map(\.id) == [round])
    }

    @Test func eachVoterFindsTheirReceiptAndNobodyElsesIdentity() async throws {
        let election = try election()
        let fixture = election.fixture
        defer { fixture.remove() }
        try fixture.store.run("round.close", ["id": .string(election.round)], as: fixture.organizer)
        let export = try #require(try fixture.store.roundExport(RoundID(election.round)!, actor: fixture.member))
        let page = try await fixture.store.pull(actor: fixture.member, clientID: ClientID(newID())!, cursor: nil, limit: 5000)
        let ballot = try #require(page.values("ballot").first)
        let receipt = try #require(ballot["receipts"]?.arrayValue?.first?["receipt"]?.stringValue)
        let mine = try #require(export.ballots.first { $0.receipt == receipt })
        #expect(mine.ranking == [[election.suggestions[0]], [election.suggestions[1]]])
        let text = export.tallyJSON.jsonString + export.toi
        for voter in election.voters { #expect(!text.contains(voter.personID!.rawValue)) }
        #expect(Set(export.ballots.map(\.receipt)).count == 5)
        #expect(export.toi.contains("# NUMBER VOTERS: 5"))
        // The export recounts to the published result with the same code.
        let input = try TallyInput.parse(export.tallyJSON)
        let recount = try tally(input, method: .schulze)
        let published = try #require(try round(fixture, election.round)?["result"])
        #expect(published["winners"] == .strings(recount.winners))
        #expect(published["order"] == .strings(recount.order))
    }

    @Test func theWinnersBecomeEpisodesInTheNextFreeSlots() throws {
        let election = try election()
        let fixture = election.fixture
        defer { fixture.remove() }
        #expect(throws: Problem.self) { try fixture.store.run("round.promote", ["id": .string(election.round)], as: fixture.organizer) }
        try fixture.store.run("round.close", ["id": .string(election.round)], as: fixture.organizer)
        #expect(throws: Problem.self) { try fixture.store.run("round.promote", ["id": .string(election.round)], as: fixture.member) }
        try fixture.store.run("round.promote", ["id": .string(election.round)], as: fixture.organizer)
        let episodes = try fixture.store.values(of: .episode, inSeries: SeriesID(fixture.series)!, actor: fixture.member).map { try JSONParser.parse($0) }
        #expect(episodes.map { $0["startsAt"] } == ["2026-12-08T14:00:00.000Z", "2026-12-22T14:00:00.000Z"])
        let elected = try round(fixture, election.round)?["result"]?["elected"]
        #expect(.array(episodes.map { $0["suggestionID"] ?? .null }) == elected)
        #expect(throws: Problem.self) { try fixture.store.run("round.promote", ["id": .string(election.round)], as: fixture.organizer) }
    }

    @Test func onlyOrganizersOpenAndCloseRoundsAndOnlyOnce() throws {
        let election = try election()
        let fixture = election.fixture
        defer { fixture.remove() }
        #expect(throws: Problem.self) { try fixture.store.run("round.close", ["id": .string(election.round)], as: fixture.member) }
        try fixture.store.run("round.close", ["id": .string(election.round)], as: fixture.organizer)
        #expect(throws: Problem.self) { try fixture.store.run("round.close", ["id": .string(election.round)], as: fixture.organizer) }
        do {
            try fixture.store.run(
                "round.open", ["id": .string(newID()), "seriesID": .string(fixture.series), "title": "Past", "closesAt": "2020-01-01T00:00:00.000Z"],
                as: fixture.organizer)
            Issue.record("opened a round closing in the past")
        } catch let problem as Problem {
            #expect(problem.errors.first?.field == "args.closesAt")
        }
    }
}

extension RoundTests {
    @Test func aRoundWithNothingOpenClosesWithNoWinners() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = newID()
        try fixture.store.run(
            "round.open",
            ["id": .string(id), "seriesID": .string(fixture.series), "title": "Empty", "closesAt": "2099-01-01T00:00:00.000Z"],
            as: fixture.organizer)
        try fixture.store.run("round.close", ["id": .string(id)], as: fixture.organizer)
        let result = try round(fixture, id)?["result"]
        #expect(result?["winners"] == [])
        #expect(result?["ballotCount"] == 0)
        #expect(throws: Problem.self) { try fixture.store.run("round.promote", ["id": .string(id)], as: fixture.organizer) }
    }
}
