/// Why a sync stopped for good (until the user acts or asks again); the message is for the user.
public struct SyncStopError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of stop, for callers that react to it.
    public enum Reason: Hashable, Sendable {
        /// 401: the token is unknown, revoked or expired.
        case unauthenticated
        /// 403: e.g. the clientID belongs to another person.
        case forbidden
        /// Another 4xx the client cannot fix by retrying.
        case refused(status: Int, code: String?)
        /// Transport failures or server errors went on past the retry limit.
        case unreachable
        /// The server kept answering `mutation_gap` although the client resent from its `lastMutationID`.
        case gapPersists
        /// The server knows more mutations of this clientID than this replica ever made.
        case replicaBehind
    }

    public var reason: Reason
    public var detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String {
        switch reason {
        case .unauthenticated: return "the server refused the token (\(detail)); log in again"
        case .forbidden: return "forbidden: \(detail)"
        case .refused(let status, let code): return "the server refused the request (\(status)\(code.map { " \($0)" } ?? "")): \(detail)"
        case .unreachable: return "cannot reach the server: \(detail)"
        case .gapPersists: return "the server keeps reporting a mutation gap: \(detail)"
        case .replicaBehind: return "this replica is older than the server's record of it (\(detail)); log in again to start a new client"
        }
    }
}
