import DocketCore

extension SyncEngine {
    /// What wakes the watch loop.
    enum Wake: Sendable {
        case poke
        case tick
    }

    /// Syncs, then keeps the replica current until cancelled: pulls on every poke of the events
    /// stream (reconnecting with backoff, and pulling after each reconnect in case a poke was
    /// missed), and pushes local mutations found every `pollMilliseconds`.
    ///
    /// Returns when cancelled; throws the machine's `SyncStopError` (a revoked token, say).
    /// Give the engine `SyncSettings(maxAttempts: nil)` so that an unreachable server is
    /// waited for rather than given up on.
    public func watch(pollMilliseconds: Int64 = 2_000, onSynced: @escaping @Sendable (SyncReport) -> Void = { _ in }) async throws {
        let (wakes, continuation) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(1))
        let transport = self.transport, sleeper = self.sleeper, settings = machine.settings, seed = self.seed
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await SyncEngine.listen(transport, sleeper, settings, seed: seed, continuation) }
            group.addTask {
                while !Task.isCancelled {
                    try await sleeper.sleep(milliseconds: pollMilliseconds)
                    continuation.yield(.tick)
                }
            }
            defer { group.cancelAll() }
            onSynced(try await sync())
            for await wake in wakes {
                try Task.checkCancellation()
                let outbox = try replica.outboxSnapshot()
                switch wake {
                case .poke: onSynced(try await run(outbox.pending.isEmpty ? .pokeReceived : .syncRequested(outbox)))
                case .tick where !outbox.pending.isEmpty: onSynced(try await run(.syncRequested(outbox)))
                case .tick: break
                }
            }
        }
    }

    /// Listens to the events stream until cancelled, reconnecting after failures with backoff.
    static func listen(
        _ transport: any Transport, _ sleeper: any SyncSleeper, _ settings: SyncSettings, seed: UInt64,
        _ wakes: AsyncStream<Wake>.Continuation
    ) async {
        var random = SplitMix64(seed: seed ^ 0x5EED)
        var failures = 0
        while !Task.isCancelled {
            do {
                try await transport.events { _ in wakes.yield(.poke) }
                failures = 0
            } catch is CancellationError {
                return
            } catch TransportError.http(let failure) where failure.status == 401 || failure.status == 403 {
                // The sync that this poke starts meets the same refusal and stops the watch with its message.
                wakes.yield(.poke)
                failures += 1
            } catch {
                failures += 1
            }
            do {
                try await sleeper.sleep(milliseconds: failures == 0 ? settings.baseDelayMilliseconds : settings.backoff(attempt: failures, random: &random))
            } catch {
                return
            }
            // Whatever changed while the stream was down was not poked.
            wakes.yield(.poke)
        }
    }
}
