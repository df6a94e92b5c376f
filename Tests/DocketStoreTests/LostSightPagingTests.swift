import DocketCore
import DocketStore
import GRDB
import Testing

/// PROTOCOL section 3: "The pages of one sync never lose or reorder a change" — also when one mutation
/// takes many entities out of a reader's sight at once.
@Suite struct LostSightPagingTests {
    /// Pages with `limit` until done; returns the deleted keys, the largest page, and the last `remaining` seen.
    func deletions(_ store: Store, _ actor: Principal, _ client: ClientID, from cursor: String, limit: Int) throws
        -> (deleted: [String], largestPage: Int, pages: Int)
    {
        var cursor = cursor
        var deleted: [String] = []
        var largest = 0
        var pages = 0
        while pages < 100 {
            let page = try store.pull(actor: actor, clientID: client, cursor: cursor, limit: limit)
            #expect(!page.reset)
            let keys = page.changes.map { "\($0.type):\($0.id)" }
            #expect(Set(keys).count == keys.count, "an entity twice in one page: \(keys)")
            deleted += page.changes.filter(\.deleted).map { "\($0.type):\($0.id)" }
            largest = max(largest, page.changes.count)
            pages += 1
            cursor = page.cursor
            if page.hasMore {
                #expect((page.remaining ?? 0) > 0, "hasMore with nothing remaining")
            } else {
                break
            }
        }
        return (deleted, largest, pages)
    }

    @Test func aRemovedMemberGetsEveryDeletionAcrossSmallPages() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let suggestions = (0..<9).map { _ in newID() }
        for (n, id) in suggestions.enumerated() {
            try fixture.store.run(
                "suggestion.create", suggestionArgs(id, series: fixture.series, title: "Paper \(n)"), as: fixture.organizer)
        }
        let client = ClientID(newID())!
        var cursor: String?
        repeat {
            let page = try fixture.store.pull(actor: fixture.member, clientID: client, cursor: cursor, limit: 500)
            cursor = page.cursor
            if !page.hasMore { break }
        } while true
        try fixture.store.run(
            "membership.set",
            ["seriesID": .string(fixture.series), "personID": .string(fixture.member.personID!.rawValue), "role": nil],
            as: fixture.organizer)

        let all = try deletions(fixture.store, fixture.member, client, from: cursor!, limit: 500)
        for limit in [1, 2, 4] {
            let paged = try deletions(fixture.store, fixture.member, client, from: cursor!, limit: limit)
            #expect(Set(paged.deleted) == Set(all.deleted), "limit \(limit)")
            #expect(paged.largestPage <= limit)
        }
        #expect(Set(suggestions.map { "suggestion:\($0)" }).isSubset(of: Set(all.deleted)))
    }

    @Test(arguments: [1, 2, 3, 500])
    func lossesOlderReleasesWroteAtOneVersionAreNeverSplitByAPage(limit: Int) throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let client = ClientID(newID())!
        let start = try fixture.store.pull(actor: fixture.outsider, clientID: client, cursor: nil, limit: 500)
        #expect(!start.hasMore)
        // Suggestions of a members-only series, which the outsider cannot see; then losses of them written
        // as releases before this one wrote them: five at one version, one of them again later, and one
        // more entity's loss between them.
        let hidden = (0..<7).map { _ in newID() }
        for id in hidden {
            try fixture.store.run("suggestion.create", suggestionArgs(id, series: fixture.series), as: fixture.organizer)
        }
        let outsider = fixture.outsider.personID!.rawValue
        let pool = try DatabasePool(path: fixture.path)
        try pool.write { db in
            func lose(_ ids: ArraySlice<String>) throws {
                let version = try Int64.fetchOne(db, sql: "UPDATE clock SET version = version + 1 WHERE id = 1 RETURNING version")!
                for id in ids {
                    try db.execute(
                        sql: "INSERT INTO lost_sight (version, person_id, type, entity_id, changed_at) VALUES (?, ?, 'suggestion', ?, 0)",
                        arguments: [version, outsider, id])
                }
            }
            try lose(hidden[0..<1])
            try lose(hidden[1..<6])
            try lose(hidden[6..<7])
            try lose(hidden[2..<3])
        }
        try pool.close()
        let paged = try deletions(fixture.store, fixture.outsider, client, from: start.cursor, limit: limit)
        #expect(Set(paged.deleted) == Set(hidden.map { "suggestion:\($0)" }), "limit \(limit)")
        // Only a group larger than the limit makes a page exceed it: here the group is five.
        #expect(paged.largestPage <= max(limit, 5), "limit \(limit)")
    }
}
