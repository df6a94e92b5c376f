public import Hummingbird
import DocketStore
import DocketCore

/// The per-request context: Hummingbird's core storage plus who is asking and the request id.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated principal, set by `AuthMiddleware` when a valid token came with the request.
    var principal: Principal?
    /// Set when an Authorization header was present but did not name a live token.
    var rejectedCredentials = false
    var requestID = ""

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The authenticated principal, or an `unauthenticated` problem.
    func requirePrincipal() throws -> Principal {
        guard let principal else {
            throw Problem(.unauthenticated, rejectedCredentials ? "the bearer token is unknown, revoked or expired" : "a bearer token is required")
        }
        return principal
    }
}
