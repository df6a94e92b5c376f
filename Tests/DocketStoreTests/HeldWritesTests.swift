import DocketCore
import DocketStore
import Testing

/// A push holds its created entities' change rows, its results and the clock until its end (`HeldWrites`); what
/// its later mutations read, and what they roll back, must be as if every row had been written at once.
@Suite struct HeldWritesTests {
    private func mutation(_ id: Int64, _ name: String, _ args: JSONValue) -> IncomingMutation {
        IncomingMutation(id: id, name: name, at: nil, args: args)
    }

    /// Every change the member may see, with the versions distinct and none past the push's answered version.
    private func pulledChanges(_ fixture: StoreFixture, upTo version: Int64) throws -> [PulledChange] {
        let page = try fixture.store.pull(actor: fixture.member, clientID: ClientID(newID())!, cursor: nil, limit: 5000)
        #expect(!page.hasMore)
        #expect(Set(page.changes.map(\.version)).count == page.changes.count, "two changes share a version")
        #expect(page.changes.allSatisfy { $0.version <= version }, "a change is newer than the push that wrote it")
        #expect(try fixture.store.clock().version == version, "the stored clock is not where the push left it")
        return page.changes
    }

    @Test func laterMutationsOfThePushSeeWhatEarlierOnesCreated() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let first = newID(), second = newID()
        let outcome = try fixture.store.push(
            actor: fixture.member, clientID: ClientID(newID())!,
            mutations: [
                mutation(1, "suggestion.create", suggestionArgs(first, series: fixture.series, title: "First", arxiv: "2401.00001")),
                // Finds the paper the first one made, by its arXiv id, and reads its change row and audiences (held).
                mutation(2, "suggestion.create", suggestionArgs(second, series: fixture.series, title: "Second", arxiv: "2401.00001")),
                // Reads the first suggestion's change row (held until this mutation began).
                mutation(3, "suggestion.update", ["id": .string(first), "baseVersion": 0, "set": ["title": "First, retitled"]]),
            ])
        #expect(outcome.results.map(\.outcome) == [.applied, .applied, .applied])
        let changes = try pulledChanges(fixture, upTo: outcome.version)
        let suggestions = changes.filter { $0.type == "suggestion" }
        #expect(Set(suggestions.map(\.id)) == [first, second])
        let papers = changes.filter { $0.type == "paper" }
        #expect(papers.count == 1, "the second suggestion made a paper of its own or the paper was logged twice")
        let values = try fixture.store.values(of: .suggestion, inSeries: SeriesID(fixture.series)!, actor: fixture.member)
            .compactMap { try? JSONParser.parse($0) }
        let retitled = values.first { $0["id"]?.stringValue == first }
        #expect(retitled?["title"] == "First, retitled")
        #expect(values.first { $0["id"]?.stringValue == second }?["paperIDs"] == retitled?["paperIDs"])
    }

    @Test func aMutationRolledBackAfterWritingHeldRowsKeepsThemForThePush() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let paper = newID(), first = newID()
        let outcome = try fixture.store.push(
            actor: fixture.member, clientID: ClientID(newID())!,
            mutations: [
                mutation(1, "paper.create", ["id": .string(paper), "title": "A paper", "authors": ["A. Author"]]),
                mutation(2, "suggestion.create", ["id": .string(first), "seriesID": .string(fixture.series), "paperID": .string(paper)]),
                // Naming a paper by id writes the held rows (the paper's audiences are read) inside this mutation's
                // savepoint; its id is taken, so it is rolled back, and with it those rows.
                mutation(3, "suggestion.create", ["id": .string(first), "seriesID": .string(fixture.series), "paperID": .string(paper)]),
                mutation(4, "suggestion.create", suggestionArgs(newID(), series: fixture.series, title: "Third")),
            ])
        guard case .rejected(let problem) = outcome.results[2].outcome else { Issue.record("the taken id was not rejected"); return }
        #expect(problem.code == .conflict)
        #expect(outcome.results[3].outcome == .applied)
        let changes = try pulledChanges(fixture, upTo: outcome.version)
        #expect(changes.filter { $0.type == "suggestion" }.count == 2)
        #expect(changes.contains { $0.type == "suggestion" && $0.id == first }, "the rolled-back mutation took the first suggestion's row")
        #expect(changes.contains { $0.type == "paper" && $0.id == paper })
        // The next push continues the clock from where this one left it.
        let next = try fixture.store.push(
            actor: fixture.member, clientID: ClientID(newID())!,
            mutations: [mutation(1, "suggestion.create", suggestionArgs(newID(), series: fixture.series, title: "Fourth"))])
        #expect(next.version == outcome.version + 2)
        _ = try pulledChanges(fixture, upTo: next.version)
    }

    @Test func aRoleLostMidPushStopsTheSuggestionsAfterIt() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let organizer = fixture.organizer.personID!.rawValue
        let outcome = try fixture.store.push(
            actor: fixture.organizer, clientID: ClientID(newID())!,
            mutations: [
                mutation(1, "suggestion.create", suggestionArgs(newID(), series: fixture.series, title: "Before")),
                // The organizer leaves the members-only series: what `require` read for the first suggestion is stale.
                mutation(2, "membership.set", ["seriesID": .string(fixture.series), "personID": .string(organizer), "role": nil]),
                mutation(3, "suggestion.create", suggestionArgs(newID(), series: fixture.series, title: "After")),
            ])
        #expect(outcome.results[0].outcome == .applied)
        #expect(outcome.results[1].outcome == .applied)
        guard case .rejected(let problem) = outcome.results[2].outcome else { Issue.record("a former member made a suggestion: \(outcome.results)"); return }
        #expect(problem.code == .validationFailed)
    }

    @Test func multibyteTextIsStoredWholeAndNULIsRefused() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = newID()
        let title = "Zürich naïve 🎉 \u{1F1E9}\u{1F1EA} — ∑"
        let pitch = "line one\nline two — ends here 🎉"
        let args: JSONValue = [
            "id": .string(id), "seriesID": .string(fixture.series), "title": .string(title), "pitch": .string(pitch),
            "paper": ["title": .string(title), "authors": ["A. Autorin"]],
        ]
        let nul: JSONValue = ["id": .string(newID()), "seriesID": .string(fixture.series), "title": "half\u{0}hidden", "paper": ["title": "x"]]
        let outcome = try fixture.store.push(
            actor: fixture.member, clientID: ClientID(newID())!,
            mutations: [mutation(1, "suggestion.create", args), mutation(2, "suggestion.create", nul)])
        #expect(outcome.results.first?.outcome == .applied)
        guard case .rejected(let problem) = outcome.results[1].outcome else { Issue.record("a title with NUL was stored"); return }
        #expect(problem.errors.map(\.field) == ["args.title"])
        let stored = try fixture.store.values(of: .suggestion, id: id, actor: fixture.member).compactMap { try? JSONParser.parse($0) }
        #expect(stored.first?["title"]?.stringValue == title)
        #expect(stored.first?["pitch"]?.stringValue == pitch)
    }

    @Test func aPushOfManyCreatesWritesEveryHeldRowAcrossSeveralStatements() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        // 150 suggestions, each with a new paper: 300 change rows, 300 audiences and 150 results, more than one
        // statement's 64 rows of each.
        let ids = (0..<150).map { _ in newID() }
        let outcome = try fixture.store.push(
            actor: fixture.member, clientID: ClientID(newID())!,
            mutations: ids.enumerated().map { mutation(Int64($0.offset + 1), "suggestion.create", suggestionArgs($0.element, series: fixture.series)) })
        #expect(outcome.results.allSatisfy { $0.outcome == .applied })
        let changes = try pulledChanges(fixture, upTo: outcome.version)
        #expect(Set(changes.filter { $0.type == "suggestion" }.map(\.id)) == Set(ids))
        #expect(changes.filter { $0.type == "paper" }.count == 150)
        #expect(changes.map(\.version).max() == outcome.version)
    }

    @Test func aMutationIDSentTwiceInOnePushIsADuplicateOfItsHeldResult() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let client = ClientID(newID())!
        let good = suggestionArgs(newID(), series: fixture.series)
        let bad: JSONValue = ["id": .string(newID()), "seriesID": .string(fixture.series), "title": "", "paper": ["title": "x"]]
        let outcome = try fixture.store.push(
            actor: fixture.member, clientID: client,
            mutations: [mutation(1, "suggestion.create", good), mutation(1, "suggestion.create", good),
                        mutation(2, "suggestion.create", bad), mutation(2, "suggestion.create", bad)])
        #expect(outcome.results[1].outcome == .duplicate(status: .applied, problem: nil))
        guard case .duplicate(let status, let problem) = outcome.results[3].outcome else { Issue.record("not a duplicate"); return }
        #expect(status == .rejected)
        #expect(problem?["code"] == "validation_failed")
        // And once written, the same answers come from the table.
        let replay = try fixture.store.push(
            actor: fixture.member, clientID: client, mutations: [mutation(1, "suggestion.create", good), mutation(2, "suggestion.create", bad)])
        #expect(replay.results.map(\.outcome) == [outcome.results[1].outcome, outcome.results[3].outcome])
        #expect(try fixture.store.values(of: .suggestion, inSeries: SeriesID(fixture.series)!, actor: fixture.member).count == 1)
    }
}
