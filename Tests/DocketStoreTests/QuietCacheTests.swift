import DocketCore
import DocketStore
import Foundation
import Testing

/// The server's token look-ups and no-change pulls skip their reads while nothing is committed
/// (`QuietCache`): these check they never answer from before a commit, whoever made it.
@Suite struct QuietCacheTests {
    /// The blocking pull, which always reads (called from async code, `pull` would be the cached one).
    func readingPull(_ store: Store, _ actor: Principal, _ client: ClientID, _ cursor: String) throws -> PullPage {
        try store.pull(actor: actor, clientID: client, cursor: cursor, limit: nil)
    }

    /// A second `Store` on the same file: connections of its own, as another process would have.
    func elsewhere(_ fixture: StoreFixture) throws -> Store { try Store(path: fixture.path) }

    @Test func aTokenRevokedByAnotherConnectionIsRefusedAtOnce() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let person = fixture.member.personID!
        let token = try fixture.store.issueToken(person: person, device: "laptop")
        for _ in 0..<3 { #expect(try await fixture.store.authenticate(secret: token.secret)?.personID == person) }
        try elsewhere(fixture).revokeToken(token.id, owner: nil)
        #expect(try await fixture.store.authenticate(secret: token.secret) == nil)
    }

    @Test func aTokenRevokedThroughTheSameStoreIsRefusedAtOnce() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let token = try fixture.store.issueToken(person: fixture.member.personID!, device: "laptop")
        #expect(try await fixture.store.authenticate(secret: token.secret) != nil)
        #expect(try await fixture.store.authenticate(secret: token.secret) != nil)
        try fixture.store.revokeToken(token.id, owner: nil)
        #expect(try await fixture.store.authenticate(secret: token.secret) == nil)
    }

    @Test func aKnownTokenPastItsExpiryIsRefused() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let expiry = Timestamp(milliseconds: fixture.clock.now.milliseconds + 30_000)
        let token = try fixture.store.issueToken(person: fixture.member.personID!, device: "laptop", expiresAt: expiry)
        #expect(try await fixture.store.authenticate(secret: token.secret) != nil)
        #expect(try await fixture.store.authenticate(secret: token.secret) != nil)
        fixture.clock.advance(seconds: 31)
        #expect(try await fixture.store.authenticate(secret: token.secret) == nil)
    }

    @Test func useIsStillRecordedOnceAMinute() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let token = try fixture.store.issueToken(person: fixture.member.personID!, device: "laptop")
        _ = try await fixture.store.authenticate(secret: token.secret)
        let first = try fixture.store.tokens(of: fixture.member.personID!).first?.lastUsedAt
        fixture.clock.advance(seconds: 30)
        _ = try await fixture.store.authenticate(secret: token.secret)
        #expect(try fixture.store.tokens(of: fixture.member.personID!).first?.lastUsedAt == first)
        fixture.clock.advance(seconds: 31)
        _ = try await fixture.store.authenticate(secret: token.secret)
        let later = try #require(try fixture.store.tokens(of: fixture.member.personID!).first?.lastUsedAt)
        #expect(later.milliseconds == fixture.clock.now.milliseconds)
    }

    @Test func aNoChangePullSeesACommitMadeElsewhereAtOnce() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let client = ClientID(newID())!
        let first = try await fixture.store.pull(actor: fixture.member, clientID: client, cursor: nil, limit: nil)
        #expect(!first.hasMore)
        for _ in 0..<3 {
            let again = try await fixture.store.pull(actor: fixture.member, clientID: client, cursor: first.cursor, limit: nil)
            #expect(again.changes.isEmpty && again.cursor == first.cursor && !again.reset)
        }
        let suggestion = newID()
        try elsewhere(fixture).run("suggestion.create", suggestionArgs(suggestion, series: fixture.series), as: fixture.member)
        let after = try await fixture.store.pull(actor: fixture.member, clientID: client, cursor: first.cursor, limit: nil)
        #expect(after.changes.contains { $0.type == "suggestion" && $0.id == suggestion })
        #expect(after.cursor != first.cursor)
    }

    @Test func aNoChangePullCarriesALastMutationIDMovedByARejectedPush() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let client = ClientID(newID())!
        let first = try await fixture.store.pull(actor: fixture.member, clientID: client, cursor: nil, limit: nil)
        _ = try await fixture.store.pull(actor: fixture.member, clientID: client, cursor: first.cursor, limit: nil)
        // A rejected mutation changes no entity and no version, only the client's lastMutationID.
        let push = try await fixture.store.push(
            actor: fixture.member, clientID: client,
            mutations: [IncomingMutation(id: 1, name: "suggestion.create", at: nil, args: ["id": "not-an-id"])])
        #expect(push.lastMutationID == 1)
        let after = try await fixture.store.pull(actor: fixture.member, clientID: client, cursor: first.cursor, limit: nil)
        #expect(after.changes.isEmpty && after.cursor == first.cursor)
        #expect(after.lastMutationID == 1)
    }

    @Test func anotherPersonsClientIDIsForbiddenEvenWhenSettled() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let client = ClientID(newID())!
        let first = try await fixture.store.pull(actor: fixture.member, clientID: client, cursor: nil, limit: nil)
        _ = try await fixture.store.pull(actor: fixture.member, clientID: client, cursor: first.cursor, limit: nil)
        await #expect(throws: Problem.self) {
            _ = try await fixture.store.pull(actor: fixture.organizer, clientID: client, cursor: first.cursor, limit: nil)
        }
    }

    @Test func aNoChangeAnswerEqualsWhatAReadGives() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let client = ClientID(newID())!
        let first = try await fixture.store.pull(actor: fixture.member, clientID: client, cursor: nil, limit: nil)
        let cached = try await fixture.store.pull(actor: fixture.member, clientID: client, cursor: first.cursor, limit: nil)
        let read = try readingPull(fixture.store, fixture.member, client, first.cursor)
        #expect(cached.cursor == read.cursor && cached.hasMore == read.hasMore && cached.reset == read.reset)
        #expect(cached.lastMutationID == read.lastMutationID && cached.changes.isEmpty && read.changes.isEmpty)
        #expect(cached.remaining == read.remaining)
    }
}
