public import DocketAPI
public import DocketCore

/// How the sync engine talks to the server: push, pull, and the live events stream.
///
/// Failures are `TransportError`s (anything else thrown counts as a transport failure).
public protocol Transport: Sendable {
    /// `POST /v1/sync/push` of these outbox entries, in order.
    func push(clientID: ClientID, _ entries: [OutboxEntry]) async throws -> PushReply
    /// `POST /v1/sync/pull` from `cursor`.
    func pull(clientID: ClientID, cursor: String?, limit: Int) async throws -> PulledPage
    /// `GET /v1/sync/events`: calls `onPoke` with each poke's version until the stream ends (returns) or fails (throws).
    func events(onPoke: @escaping @Sendable (Int64) async -> Void) async throws
}
