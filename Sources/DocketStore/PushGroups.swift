import DocketCore
import GRDB
import Synchronization

/// Pushes that arrive while SQLite's one writer is busy, committed together when it is free.
///
/// Every push is answered only after the commit that holds it: an acknowledged mutation is
/// durable, as before. What the group saves is one commit per push: its fsync, and the WAL copies
/// of pages (indexes, the clock) that every push of the group changes.
///
/// A push that fails with a `Problem` (another person's clientID) fails alone: it fails before it
/// writes anything. Any other error (SQLite's, such as a full disk) fails the whole group, whose
/// transaction is rolled back; the clients push again. Pushes get no savepoint of their own: SQLite
/// keeps the original of every page a savepoint changes, and a push's savepoint, around the
/// savepoint of each of its mutations, made every statement walk that growing record.
final class PushGroups: Sendable {
    typealias Work = @Sendable (Database) throws -> PushOutcome

    private struct Waiting {
        let work: Work
        let mutations: Int
        let continuation: CheckedContinuation<PushOutcome, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var draining = false
    }

    /// The most mutations one group takes (a push larger than this still goes whole, alone).
    static let maxMutations = 2000

    private let state = Mutex(State())
    private let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `work` in the next group's transaction and returns its outcome once that transaction committed.
    func push(mutations: Int, _ work: @escaping Work) async throws -> PushOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state in
                state.waiting.append(Waiting(work: work, mutations: mutations, continuation: continuation))
                defer { state.draining = true }
                return !state.draining
            }
            if start { Task { await drain() } }
        }
    }

    /// Commits groups until nobody waits.
    private func drain() async {
        while true {
            let group = state.withLock { state -> [Waiting] in
                var taken = 0
                var count = 0
                for waiting in state.waiting {
                    if count > 0 && taken + waiting.mutations > Self.maxMutations { break }
                    taken += waiting.mutations
                    count += 1
                }
                let group = Array(state.waiting.prefix(count))
                state.waiting.removeFirst(count)
                if group.isEmpty { state.draining = false }
                return group
            }
            if group.isEmpty { return }
            let works = group.map(\.work)
            do {
                let outcomes = try await pool.write { db in
                    try works.map { work -> Result<PushOutcome, any Error> in
                        do {
                            return .success(try work(db))
                        } catch let problem as Problem {
                            return .failure(problem)
                        }
                    }
                }
                for (waiting, outcome) in zip(group, outcomes) { waiting.continuation.resume(with: outcome) }
            } catch {
                for waiting in group { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}
