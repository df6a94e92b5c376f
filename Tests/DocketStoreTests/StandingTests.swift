import DocketCore
import DocketStore
import Foundation
import Testing

/// The standing kept by differences must equal a recount of the ballots with `tally`.
@Suite struct StandingTests {
    /// The standing as a reader pulls it, after the housekeeping pass that writes standings.
    func standing(_ fixture: StoreFixture, as actor: Principal) async throws -> JSONValue? {
        try await fixture.store.refreshStandings()
        return try await fixture.store.pull(actor: actor, clientID: ClientID(newID())!, cursor: nil, limit: 5000).values("standing").first
    }

    @Test func followsBallotsAndSuggestionsAsARecountWould() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let voters = [fixture.member, fixture.organizer] + (0..<4).map { try! StoreFixture.person(fixture.store, "Voter\($0)", role: "member", series: fixture.series) }
        var ids = try openSuggestions(5, fixture)
        var generator = SplitMix64(seed: 7)
        var ballots: [String: [[String]]] = [:]
        for round in 0..<30 {
            let voter = voters[Int(generator.next() % UInt64(voters.count))]
            let ranking = ids.shuffled(using: &generator).prefix(Int(generator.next() % 5)).map { [$0] }
            try fixture.store.run("ballot.set", ["seriesID": .string(fixture.series), "ranking": .array(ranking.map { .strings($0) })], as: voter)
            ballots[voter.personID!.rawValue] = ranking
            if round == 10 { try fixture.store.run("suggestion.withdraw", ["id": .string(ids[2])], as: fixture.member) }
            if round == 20 {
                let late = newID()
                try fixture.store.run("suggestion.create", suggestionArgs(late, series: fixture.series, title: "Late"), as: fixture.member)
                ids.append(late)
            }
            fixture.clock.advance(seconds: 1)
        }
        let open = ids.filter { $0 != ids[2] }
        let recount = try recount(Array(ballots.values), open: open)
        let kept = try #require(try await standing(fixture, as: fixture.member))
        #expect(kept["method"] == "schulze")
        #expect(kept["ranking"] == .array((recount.ranking ?? []).map { .strings($0) }))
        #expect(kept["winners"] == .strings(recount.winners))
        #expect(kept["ballotCount"] == .int(Int64(ballots.values.filter { !$0.isEmpty }.count)))
    }

    @Test func resultsVisibleToOrganizersOnlyStayHiddenFromMembers() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(id, series: fixture.series), as: fixture.member)
        try fixture.store.run("ballot.set", ["seriesID": .string(fixture.series), "ranking": [[.string(id)]]], as: fixture.member)
        #expect(try await standing(fixture, as: fixture.member) != nil)
        try fixture.store.run(
            "series.update", ["id": .string(fixture.series), "baseVersion": 0, "set": ["resultsVisibility": "organizers"]],
            as: fixture.organizer)
        #expect(try await standing(fixture, as: fixture.member) == nil)
        #expect(try await standing(fixture, as: fixture.organizer)?["ballotCount"] == 1)
        #expect(try await standing(fixture, as: fixture.outsider) == nil)
    }

    @Test func changingTheMethodRecountsWithIt() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let a = newID(), b = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(a, series: fixture.series, title: "A"), as: fixture.member)
        try fixture.store.run("suggestion.create", suggestionArgs(b, series: fixture.series, title: "B"), as: fixture.member)
        try fixture.store.run("ballot.set", ["seriesID": .string(fixture.series), "ranking": [[.string(b)]]], as: fixture.member)
        var version = try fixture.store.clock().version
        for method in ["borda", "approval", "irv", "copeland", "ranked-pairs"] {
            version = try fixture.store.run(
                "series.update", ["id": .string(fixture.series), "baseVersion": .int(version), "set": ["votingMethod": .string(method)]],
                as: fixture.organizer)
            let kept = try await standing(fixture, as: fixture.member)
            #expect(kept?["method"] == .string(method))
            #expect(kept?["winners"] == [.string(b)], "\(method)")
        }
    }

    /// `count` new suggestions by the member, a second apart (so creation order is the tie-break order).
    func openSuggestions(_ count: Int, _ fixture: StoreFixture) throws -> [String] {
        try (0..<count).map { index in
            let id = newID()
            try fixture.store.run("suggestion.create", suggestionArgs(id, series: fixture.series, title: "S\(index)"), as: fixture.member)
            fixture.clock.advance(seconds: 1)
            return id
        }
    }

    /// A recount of `ballots` over `open` with Schulze, as the standing should show it.
    func recount(_ ballots: [[[String]]], open: [String]) throws -> TallyResult {
        let input = try TallyInput(
            candidates: open,
            ballots: ballots.map { ranking in
                TallyBallot(ranking: ranking.map { $0.compactMap { open.firstIndex(of: $0) } }.filter { !$0.isEmpty }, count: 1)
            }.filter { !$0.listed.isEmpty })
        return try tally(input, method: .schulze)
    }

    @Test func mostSuggestionsClosingStillGivesTheRecount() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let voters = (0..<6).map { try! StoreFixture.person(fixture.store, "V\($0)", role: "member", series: fixture.series) }
        let ids = try openSuggestions(80, fixture)
        var generator = SplitMix64(seed: 3)
        var ballots: [String: [[String]]] = [:]
        func vote() throws {
            for voter in voters {
                let ranking = ids.shuffled(using: &generator).prefix(12).map { [$0] }
                try fixture.store.run("ballot.set", ["seriesID": .string(fixture.series), "ranking": .array(ranking.map { .strings($0) })], as: voter)
                ballots[voter.personID!.rawValue] = ranking
            }
            fixture.clock.advance(seconds: 1)
        }
        try vote()
        _ = try await standing(fixture, as: fixture.member)
        // Close all but five, so the kept matrix is mostly closed suggestions, then vote again.
        for id in ids.dropFirst(5) { try fixture.store.run("suggestion.withdraw", ["id": .string(id)], as: fixture.member) }
        let open = Array(ids.prefix(5))
        try vote()
        let kept = try #require(try await standing(fixture, as: fixture.member))
        let expected = try recount(Array(ballots.values), open: open)
        #expect(kept["ranking"] == .array((expected.ranking ?? []).map { .strings($0) }))
        #expect(kept["winners"] == .strings(expected.winners))
    }

    @Test func aRestartedStoreCountsTheSameStandingAndWritesNothingNew() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let a = newID(), b = newID(), c = newID()
        for id in [a, b, c] { try fixture.store.run("suggestion.create", suggestionArgs(id, series: fixture.series), as: fixture.member) }
        try fixture.store.run("ballot.set", ["seriesID": .string(fixture.series), "ranking": [[.string(c)], [.string(a)]]], as: fixture.member)
        try fixture.store.run("ballot.set", ["seriesID": .string(fixture.series), "ranking": [[.string(c), .string(b)]]], as: fixture.organizer)
        let before = try #require(try await standing(fixture, as: fixture.member))
        let version = try fixture.store.clock().version

        let reopened = try Store(path: fixture.path, environment: fixture.store.environment)
        #expect(try reopened.refreshStandingsNow() == 0, "an unchanged standing is not written again")
        #expect(try reopened.clock().version == version)
        // The recount after the restart goes on by differences like before.
        try reopened.run("ballot.set", ["seriesID": .string(fixture.series), "ranking": [[.string(b)], [.string(a)]]], as: fixture.organizer)
        try reopened.refreshStandingsNow()
        let after = try #require(
            try await reopened.pull(actor: fixture.member, clientID: ClientID(newID())!, cursor: nil, limit: 5000).values("standing").first)
        let expected = try recount([[[c], [a]], [[b], [a]]], open: [a, b, c])
        #expect(before["winners"] == [.string(c)])
        #expect(after["winners"] == .strings(expected.winners))
        #expect(after["ranking"] == .array((expected.ranking ?? []).map { .strings($0) }))
    }

    @Test func volunteeringChangesNoStanding() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let a = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(a, series: fixture.series), as: fixture.member)
        try fixture.store.run("ballot.set", ["seriesID": .string(fixture.series), "ranking": [[.string(a)]]], as: fixture.member)
        _ = try await standing(fixture, as: fixture.member)
        fixture.clock.advance(seconds: 5)
        try fixture.store.run("suggestion.volunteer", ["id": .string(a)], as: fixture.organizer)
        let version = try fixture.store.clock().version
        #expect(try fixture.store.refreshStandingsNow() == 0)
        #expect(try fixture.store.clock().version == version)
    }
}
