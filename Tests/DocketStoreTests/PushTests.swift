import DocketCore
import DocketStore
import Testing

@Suite struct PushTests {
    @Test func appliesEachMutationOnceAndRemembersItsResult() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let client = ClientID(newID())!
        let suggestion = newID()
        let first = try fixture.store.push(
            actor: fixture.member, clientID: client,
            mutations: [IncomingMutation(id: 1, name: "suggestion.create", at: nil, args: suggestionArgs(suggestion, series: fixture.series))])
        #expect(first.lastMutationID == 1)
        #expect(first.results.first?.outcome == .applied)
        // The response was lost: the client resends the same mutation.
        let replay = try fixture.store.push(
            actor: fixture.member, clientID: client,
            mutations: [IncomingMutation(id: 1, name: "suggestion.create", at: nil, args: suggestionArgs(suggestion, series: fixture.series))])
        #expect(replay.results.first?.outcome == .duplicate(status: .applied, problem: nil))
        #expect(replay.version == first.version, "a replay must not write anything")
        let values = try fixture.store.values(of: .suggestion, inSeries: SeriesID(fixture.series)!, actor: fixture.member)
        #expect(values.count == 1)
    }

    @Test func aTitleTakenFromTheStoredPaperKeepsToThreeHundredScalars() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        // 400 Unicode scalars in 200 characters: the paper's title may be 500 scalars, the suggestion's 300.
        let title = String(repeating: "e\u{301}", count: 200)
        let id = newID()
        let outcome = try fixture.store.push(
            actor: fixture.member, clientID: ClientID(newID())!,
            mutations: [IncomingMutation(id: 1, name: "suggestion.create", at: nil, args: ["id": .string(id), "seriesID": .string(fixture.series), "paper": ["title": .string(title)]])])
        #expect(outcome.results.first?.outcome == .applied)
        let stored = try fixture.store.values(of: .suggestion, id: id, actor: fixture.member).compactMap { try? JSONParser.parse($0) }
        #expect(stored.first?["title"]?.stringValue?.unicodeScalars.count == 300)
    }

    @Test func aRejectedMutationAdvancesTheQueueAndLeavesNothing() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let client = ClientID(newID())!
        let bad: JSONValue = ["id": .string(newID()), "seriesID": .string(fixture.series), "title": "", "paper": ["title": "x"]]
        let good = suggestionArgs(newID(), series: fixture.series)
        let outcome = try fixture.store.push(
            actor: fixture.member, clientID: client,
            mutations: [
                IncomingMutation(id: 1, name: "suggestion.create", at: nil, args: bad),
                IncomingMutation(id: 2, name: "no.such.mutation", at: nil, args: [:]),
                IncomingMutation(id: 3, name: "suggestion.create", at: nil, args: good),
            ])
        #expect(outcome.lastMutationID == 3)
        guard case .rejected(let problem) = outcome.results[0].outcome else { Issue.record("not rejected"); return }
        #expect(problem.code == .validationFailed)
        #expect(problem.errors.contains { $0.field == "args.title" })
        guard case .rejected(let unknown) = outcome.results[1].outcome else { Issue.record("not rejected"); return }
        #expect(unknown.code == .unknownMutation)
        #expect(outcome.results[2].outcome == .applied)
        let again = try fixture.store.push(
            actor: fixture.member, clientID: client, mutations: [IncomingMutation(id: 1, name: "suggestion.create", at: nil, args: bad)])
        guard case .duplicate(let status, let original) = again.results[0].outcome else { Issue.record("not a duplicate"); return }
        #expect(status == .rejected)
        #expect(original?["code"] == "validation_failed")
        #expect(try fixture.store.values(of: .suggestion, inSeries: SeriesID(fixture.series)!, actor: fixture.member).count == 1)
    }

    @Test func aGapStopsTheBatchButKeepsWhatCameBefore() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let client = ClientID(newID())!
        let outcome = try fixture.store.push(
            actor: fixture.member, clientID: client,
            mutations: [
                IncomingMutation(id: 1, name: "suggestion.create", at: nil, args: suggestionArgs(newID(), series: fixture.series)),
                IncomingMutation(id: 3, name: "suggestion.create", at: nil, args: suggestionArgs(newID(), series: fixture.series)),
            ])
        #expect(outcome.gap)
        #expect(outcome.lastMutationID == 1)
        #expect(outcome.results.count == 1)
        #expect(try fixture.store.values(of: .suggestion, inSeries: SeriesID(fixture.series)!, actor: fixture.member).count == 1)
    }

    @Test func aClientBelongsToThePersonWhoFirstUsedIt() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let client = ClientID(newID())!
        _ = try fixture.store.push(actor: fixture.member, clientID: client, mutations: [])
        #expect(throws: Problem.self) {
            try fixture.store.push(actor: fixture.organizer, clientID: client, mutations: [])
        }
    }

    @Test func ballotsFollowTheLatestIntentionWhateverTheSyncOrder() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let a = newID(), b = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(a, series: fixture.series), as: fixture.member)
        try fixture.store.run("suggestion.create", suggestionArgs(b, series: fixture.series, title: "B"), as: fixture.member)
        let phone = ClientID("00000000-0000-7000-8000-00000000000a")!
        let laptop = ClientID("00000000-0000-7000-8000-00000000000b")!
        let later = fixture.clock.now
        let earlier = later.adding(milliseconds: -60_000)
        // The laptop's newer ballot syncs first; the phone's older one arrives afterwards and loses.
        _ = try fixture.store.push(
            actor: fixture.member, clientID: laptop,
            mutations: [IncomingMutation(id: 1, name: "ballot.set", at: later, args: ["seriesID": .string(fixture.series), "ranking": [[.string(b)], [.string(a)]]])])
        let phonePush = try fixture.store.push(
            actor: fixture.member, clientID: phone,
            mutations: [IncomingMutation(id: 1, name: "ballot.set", at: earlier, args: ["seriesID": .string(fixture.series), "ranking": [[.string(a)]]])])
        #expect(phonePush.results[0].outcome == .applied)
        let page = try fixture.store.pull(actor: fixture.member, clientID: laptop, cursor: nil, limit: nil)
        let ballots = page.values("ballot")
        #expect(ballots.count == 1)
        #expect(ballots.first?["ranking"] == [[.string(b)], [.string(a)]])
        // Equal times: the larger clientID wins.
        _ = try fixture.store.push(
            actor: fixture.member, clientID: phone,
            mutations: [IncomingMutation(id: 2, name: "ballot.set", at: later, args: ["seriesID": .string(fixture.series), "ranking": [[.string(a)]]])])
        #expect(try fixture.store.pull(actor: fixture.member, clientID: laptop, cursor: nil, limit: nil).values("ballot").first?["ranking"]
            == [[.string(b)], [.string(a)]])
    }

    @Test func aBallotIsSeenByItsVoterOnly() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let a = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(a, series: fixture.series), as: fixture.member)
        try fixture.store.run("ballot.set", ["seriesID": .string(fixture.series), "ranking": [[.string(a)]]], as: fixture.member)
        let mine = try fixture.store.pull(actor: fixture.member, clientID: ClientID(newID())!, cursor: nil, limit: nil)
        let theirs = try fixture.store.pull(actor: fixture.organizer, clientID: ClientID(newID())!, cursor: nil, limit: nil)
        #expect(mine.values("ballot").count == 1)
        #expect(theirs.values("ballot").isEmpty)
    }

    @Test func aFutureClientClockIsClampedToTheServers() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let a = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(a, series: fixture.series), as: fixture.member)
        let client = ClientID(newID())!
        let farFuture = fixture.clock.now.adding(milliseconds: 3_600_000)
        _ = try fixture.store.push(
            actor: fixture.member, clientID: client,
            mutations: [IncomingMutation(id: 1, name: "ballot.set", at: farFuture, args: ["seriesID": .string(fixture.series), "ranking": [[.string(a)]]])])
        let ballot = try fixture.store.pull(actor: fixture.member, clientID: client, cursor: nil, limit: nil).values("ballot").first
        #expect(ballot?["at"] == .string(fixture.clock.now.rfc3339))
    }

    @Test func concurrentUpdatesOfOneFieldConflictButOfDifferentFieldsMerge() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = newID()
        let base = try fixture.store.run("suggestion.create", suggestionArgs(id, series: fixture.series), as: fixture.member)
        let phone = ClientID(newID())!, laptop = ClientID(newID())!
        let setTitle = IncomingMutation(id: 1, name: "suggestion.update", at: nil, args: ["id": .string(id), "baseVersion": .int(base), "set": ["title": "From the phone"]])
        _ = try fixture.store.push(actor: fixture.member, clientID: phone, mutations: [setTitle])
        let other = try fixture.store.push(
            actor: fixture.organizer, clientID: laptop,
            mutations: [
                IncomingMutation(id: 1, name: "suggestion.update", at: nil, args: ["id": .string(id), "baseVersion": .int(base), "set": ["pitch": "merged"]]),
                IncomingMutation(id: 2, name: "suggestion.update", at: nil, args: ["id": .string(id), "baseVersion": .int(base), "set": ["title": "From the laptop"]]),
            ])
        #expect(other.results[0].outcome == .applied)
        guard case .rejected(let conflict) = other.results[1].outcome else { Issue.record("expected a conflict"); return }
        #expect(conflict.code == .conflict)
        #expect(conflict.extensions["current"]?["title"] == "From the phone")
        #expect(conflict.extensions["current"]?["pitch"] == "merged")
        // The same device may build on its own earlier change without pulling first.
        let again = try fixture.store.push(
            actor: fixture.member, clientID: phone,
            mutations: [IncomingMutation(id: 2, name: "suggestion.update", at: nil, args: ["id": .string(id), "baseVersion": .int(base), "set": ["title": "Phone again"]])])
        #expect(again.results[0].outcome == .applied)
    }

    @Test func papersAreSharedByDOIAndArXivIDAndDuplicatesAreFlagged() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let first = newID(), second = newID()
        try fixture.store.run("suggestion.create", suggestionArgs(first, series: fixture.series, arxiv: "2002.09405"), as: fixture.member)
        try fixture.store.run(
            "suggestion.create", suggestionArgs(second, series: fixture.series, arxiv: "https://arxiv.org/abs/2002.09405v2"),
            as: fixture.organizer)
        let page = try fixture.store.pull(actor: fixture.member, clientID: ClientID(newID())!, cursor: nil, limit: nil)
        #expect(page.values("paper").count == 1)
        let later = page.values("suggestion").first { $0["id"] == .string(second) }
        #expect(later?["duplicates"] == [["type": "suggestion", "id": .string(first)]])
        #expect(later?["paperIDs"] == page.values("suggestion").first { $0["id"] == .string(first) }?["paperIDs"])
    }

    @Test func rolesGateWhatMayBeDone() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(throws: Problem.self) {
            try fixture.store.run("suggestion.create", suggestionArgs(newID(), series: fixture.series), as: fixture.outsider)
        }
        do {
            try fixture.store.run(
                "episode.create",
                ["id": .string(newID()), "seriesID": .string(fixture.series), "title": "T", "startsAt": "2026-12-01T14:00:00.000Z"],
                as: fixture.member)
            Issue.record("a member created an episode")
        } catch let problem as Problem {
            #expect(problem.code == .forbidden)
        }
        do {
            try fixture.store.run("series.create", ["id": .string(newID()), "slug": "x", "title": "X"], as: fixture.organizer)
            Issue.record("an organizer created a series")
        } catch let problem as Problem {
            #expect(problem.code == .forbidden)
        }
    }
}
