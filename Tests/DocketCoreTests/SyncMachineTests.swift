import DocketCore
import Testing

/// The sync loop, one transition at a time: no I/O, no clock.
@Suite struct SyncMachineTests {
    static let quick = SyncSettings(baseDelayMilliseconds: 100, maxDelayMilliseconds: 1_000, maxAttempts: 5, pushBatch: 2)

    func machine(cursor: String? = "c0", last: Int64 = 0, settings: SyncSettings = quick) -> SyncMachine {
        SyncMachine(cursor: cursor, lastMutationID: last, settings: settings, seed: 42)
    }

    func page(_ cursor: String, more: Bool = false, reset: Bool = false, last: Int64 = 0) -> PageSummary {
        PageSummary(cursor: cursor, hasMore: more, reset: reset, lastMutationID: last)
    }

    func applied(_ ids: ClosedRange<Int64>, last: Int64? = nil) -> PushReply {
        PushReply(lastMutationID: last ?? ids.upperBound, results: ids.map { MutationReport(id: $0, outcome: .applied) })
    }

    // MARK: starting

    @Test func anEmptyOutboxStartsWithAPullFromTheStoredCursor() {
        var m = machine()
        #expect(m.event(.syncRequested(OutboxSnapshot(pending: [], highest: 0))) == [.pull(cursor: "c0")])
        #expect(m.state == .pulling(cursor: "c0", pages: 0))
    }

    @Test func pendingMutationsArePushedFirstInBatches() {
        var m = machine()
        #expect(m.event(.syncRequested(OutboxSnapshot(pending: [1, 2, 3], highest: 3))) == [.push([1, 2])])
        #expect(m.state == .pushing([1, 2]))
        #expect(m.event(.pushed(applied(1...2))) == [.record(applied(1...2)), .push([3])])
        #expect(m.event(.pushed(applied(3...3))) == [.record(applied(3...3)), .pull(cursor: "c0")])
        #expect(m.pending.isEmpty)
        #expect(m.acknowledged == 3)
    }

    @Test func aRequestWhileBusyOnlyAddsToTheOutbox() {
        var m = machine()
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [1], highest: 1)))
        #expect(m.event(.syncRequested(OutboxSnapshot(pending: [1, 2], highest: 2))) == [])
        #expect(m.state == .pushing([1]))
        #expect(m.event(.pushed(applied(1...1))) == [.record(applied(1...1)), .push([2])])
    }

    // MARK: pulling

    @Test func pagesAreFollowedUntilNoneRemainThenTheSyncFinishes() {
        var m = machine(cursor: nil)
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [], highest: 0)))
        let first = page("c1", more: true)
        #expect(m.event(.pulled(first)) == [.applyPage(first, replacing: true), .pull(cursor: "c1")])
        #expect(m.state == .pulling(cursor: "c1", pages: 1))
        let second = page("c2")
        #expect(m.event(.pulled(second)) == [.applyPage(second, replacing: false), .finished])
        #expect(m.state == .idle)
        #expect(m.cursor == "c2")
    }

    @Test func onlyTheFirstPageOfAResetReplacesAndTheRestAdd() {
        var m = machine(cursor: "old")
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [], highest: 0)))
        let first = page("r1", more: true, reset: true)
        #expect(m.event(.pulled(first)) == [.applyPage(first, replacing: true), .pull(cursor: "r1")])
        #expect(m.state == .resetting(cursor: "r1", pages: 1))
        let second = page("r2", more: true)
        #expect(m.event(.pulled(second)) == [.applyPage(second, replacing: false), .pull(cursor: "r2")])
        #expect(m.state == .resetting(cursor: "r2", pages: 2))
        let last = page("r3")
        #expect(m.event(.pulled(last)) == [.applyPage(last, replacing: false), .finished])
    }

    @Test func aPullsLastMutationIDSettlesPendingEntriesWhosePushAnswerWasLost() {
        var m = machine()
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [1, 2], highest: 2)))
        // The push's answer never came; the retry waits, then a new local mutation 3 and the pull.
        #expect(m.event(.transportFailed("connection reset")).count == 1)
        _ = m.event(.timerFired)
        #expect(m.event(.pushed(applied(1...2))) == [.record(applied(1...2)), .pull(cursor: "c0")])
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [3], highest: 3)))
        let summary = page("c1", last: 3)
        #expect(m.event(.pulled(summary)) == [.applyPage(summary, replacing: false), .finished])
        #expect(m.pending.isEmpty)
    }

    @Test func mutationsMadeDuringAPullArePushedAndPulledAgain() {
        var m = machine()
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [], highest: 0)))
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [1], highest: 1)))
        let summary = page("c1")
        #expect(m.event(.pulled(summary)) == [.applyPage(summary, replacing: false), .push([1])])
        #expect(m.event(.pushed(applied(1...1))) == [.record(applied(1...1)), .pull(cursor: "c1")])
    }

    // MARK: pokes

    @Test func aPokeWhileIdlePulls() {
        var m = machine()
        #expect(m.event(.pokeReceived) == [.pull(cursor: "c0")])
    }

    @Test func aPokeDuringAPullPullsOnceMoreAfterTheLastPage() {
        var m = machine()
        _ = m.event(.pokeReceived)
        #expect(m.event(.pokeReceived) == [])
        #expect(m.event(.pokeReceived) == [])
        let summary = page("c1")
        #expect(m.event(.pulled(summary)) == [.applyPage(summary, replacing: false), .pull(cursor: "c1")])
        #expect(m.event(.pulled(page("c2"))) == [.applyPage(page("c2"), replacing: false), .finished])
    }

    // MARK: gaps and lost mutations

    @Test func aGapRequeuesFromTheServersLastMutationID() {
        var m = machine(last: 5)
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [6], highest: 6)))
        // The server was restored and knows only 1...3: 4 and 5 must go again.
        #expect(m.event(.pushGap(lastMutationID: 3)) == [.requeue(after: 3), .push([4, 5])])
        #expect(m.pending == [4, 5, 6])
        #expect(m.event(.pushed(applied(4...5))) == [.record(applied(4...5)), .push([6])])
    }

    @Test func aGapThatPersistsStops() {
        var m = machine(last: 0)
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [2], highest: 2)))
        for _ in 0..<3 { #expect(m.event(.pushGap(lastMutationID: 0)).first == .requeue(after: 0)) }
        guard case .stop(let error)? = m.event(.pushGap(lastMutationID: 0)).first else {
            Issue.record("no stop")
            return
        }
        #expect(error.reason == .gapPersists)
    }

    @Test func aPullBelowWhatWasAcknowledgedRequeuesTheLostMutations() {
        var m = machine(last: 4)
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [], highest: 4)))
        let summary = page("r1", reset: true, last: 2)
        #expect(m.event(.pulled(summary)) == [.applyPage(summary, replacing: true), .requeue(after: 2), .push([3, 4])])
        #expect(m.acknowledged == 2)
    }

    @Test func aServerAheadOfTheReplicaStopsInsteadOfLosingNewMutations() {
        var m = machine(last: 0)
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [1], highest: 1)))
        let reply = PushReply(lastMutationID: 9, results: [MutationReport(id: 1, outcome: .processed)])
        guard case .stop(let error)? = m.event(.pushed(reply)).first else {
            Issue.record("no stop")
            return
        }
        #expect(error.reason == .replicaBehind)
    }

    // MARK: failures

    @Test func transportFailuresBackOffExponentiallyWithJitterUpToTheCap() {
        var m = machine(settings: SyncSettings(baseDelayMilliseconds: 100, maxDelayMilliseconds: 1_000, maxAttempts: nil))
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [1], highest: 1)))
        var delays: [Int64] = []
        for attempt in 1...8 {
            guard case .wait(let delay)? = m.event(.transportFailed("refused")).first else {
                Issue.record("no wait at attempt \(attempt)")
                return
            }
            #expect(m.state == .backingOff(retry: .push, attempt: attempt))
            delays.append(delay)
            #expect(m.event(.timerFired) == [.push([1])])
        }
        let caps: [Int64] = [100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000]
        for (delay, cap) in zip(delays, caps) { #expect(delay >= cap / 2 && delay <= cap, "\(delay) outside [\(cap / 2), \(cap)]") }
        #expect(Set(delays.suffix(4)).count > 1, "no jitter: \(delays)")
    }

    @Test func theSameSeedGivesTheSameDelays() {
        func delays(seed: UInt64) -> [SyncAction] {
            var m = SyncMachine(cursor: nil, lastMutationID: 0, settings: Self.quick, seed: seed)
            _ = m.event(.syncRequested(OutboxSnapshot(pending: [], highest: 0)))
            return (0..<3).flatMap { _ in m.event(.transportFailed("x")) + m.event(.timerFired) }
        }
        #expect(delays(seed: 7) == delays(seed: 7))
        #expect(delays(seed: 7) != delays(seed: 8))
    }

    @Test func retryAfterIsHonouredExactlyForRateLimitsAndUnavailability() {
        var m = machine()
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [], highest: 0)))
        #expect(m.event(.httpFailed(HTTPFailure(status: 429, code: "rate_limited", retryAfterMilliseconds: 7_000))) == [.wait(milliseconds: 7_000)])
        #expect(m.event(.timerFired) == [.pull(cursor: "c0")])
        #expect(m.event(.httpFailed(HTTPFailure(status: 503, retryAfterMilliseconds: 2_000))) == [.wait(milliseconds: 2_000)])
        #expect(m.event(.timerFired) == [.pull(cursor: "c0")])
        // Without Retry-After, a 429 backs off like any failure (attempt 3: at most 400 ms).
        guard case .wait(let delay)? = m.event(.httpFailed(HTTPFailure(status: 429))).first else {
            Issue.record("no wait")
            return
        }
        #expect(delay >= 200 && delay <= 400)
    }

    @Test func tooManyFailuresInARowStop() {
        var m = machine()
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [], highest: 0)))
        for _ in 1..<5 {
            _ = m.event(.httpFailed(HTTPFailure(status: 500, code: "internal")))
            _ = m.event(.timerFired)
        }
        guard case .stop(let error)? = m.event(.transportFailed("refused")).first else {
            Issue.record("no stop")
            return
        }
        #expect(error.reason == .unreachable)
        #expect(m.event(.timerFired) == [], "a stopped machine ignores timers")
    }

    @Test func aSuccessResetsTheFailureCount() {
        var m = machine()
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [1], highest: 1)))
        for _ in 1..<5 {
            _ = m.event(.transportFailed("x"))
            _ = m.event(.timerFired)
        }
        _ = m.event(.pushed(applied(1...1)))
        #expect(m.event(.transportFailed("x")).count == 1)
        #expect(m.state == .backingOff(retry: .pull(cursor: "c0", pages: 0, resetting: false), attempt: 1))
    }

    @Test func unauthenticatedStopsWithAMessageAboutLoggingIn() {
        var m = machine()
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [1], highest: 1)))
        let actions = m.event(.httpFailed(HTTPFailure(status: 401, code: "unauthenticated", detail: "unknown token")))
        guard case .stop(let error)? = actions.first else {
            Issue.record("no stop: \(actions)")
            return
        }
        #expect(error.reason == .unauthenticated)
        #expect(error.description.contains("log in again"))
        #expect(m.state == .stopped(error))
        // Asking again starts afresh.
        #expect(m.event(.syncRequested(OutboxSnapshot(pending: [1], highest: 1))) == [.push([1])])
    }

    @Test func aTooLargePushIsSplitInHalf() {
        var m = machine(settings: SyncSettings(pushBatch: 8))
        _ = m.event(.syncRequested(OutboxSnapshot(pending: Array(1...8), highest: 8)))
        #expect(m.event(.httpFailed(HTTPFailure(status: 413, code: "payload_too_large"))) == [.push([1, 2, 3, 4])])
        #expect(m.event(.httpFailed(HTTPFailure(status: 413, code: "payload_too_large"))) == [.push([1, 2])])
        _ = m.event(.httpFailed(HTTPFailure(status: 413)))
        guard case .stop(let error)? = m.event(.httpFailed(HTTPFailure(status: 413))).first else {
            Issue.record("one mutation too large should stop")
            return
        }
        #expect(error.reason == .refused(status: 413, code: nil))
    }

    @Test func aCursorTheServerDoesNotKnowStartsOverOnce() {
        var m = machine(cursor: "foreign")
        _ = m.event(.syncRequested(OutboxSnapshot(pending: [], highest: 0)))
        #expect(m.event(.httpFailed(HTTPFailure(status: 400, code: "bad_request"))) == [.pull(cursor: nil)])
        guard case .stop? = m.event(.httpFailed(HTTPFailure(status: 400, code: "bad_request"))).first else {
            Issue.record("a second bad request should stop")
            return
        }
    }

    @Test func answersThatComeAtTheWrongTimeAreIgnored() {
        var m = machine()
        #expect(m.event(.pushed(applied(1...1))) == [])
        #expect(m.event(.pulled(page("x"))) == [])
        #expect(m.event(.timerFired) == [])
        #expect(m.event(.transportFailed("x")) == [])
        #expect(m.state == .idle)
    }
}
