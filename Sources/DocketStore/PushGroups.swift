import DocketCore
import GRDB
import Synchronization

/// Pushes that arrive while SQLite's one writer is busy, committed together when it is free.
///
/// Each push still runs in a savepoint of its own (a push that fails, e.g. for another person's
/// clientID, leaves nothing behind and fails alone), and every push is answered only after the
/// commit that holds it: an acknowledged mutation is durable, as before. What the group saves is
/// one commit per push: its fsync, and the WAL copies of pages (indexes, the clock) that every
/// push of the group changes.
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
                    works.map { work in
                        Result<PushOutcome, any Error> {
                            var outcome: PushOutcome?
                            try db.inSavepoint {
                                outcome = try work(db)
                                return .commit
                            }
                            return outcome!
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
