import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every response an `X-Request-ID` (the client's own when sent) and logs one line per request.
///
/// The line names method, route pattern, status, duration and request id:
/// never a header value, a body, the raw path, a token or an address.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let logger: Logger
    let metrics: ServerMetrics

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var context = context
        let sent = request.headers[.requestID].flatMap { $0.utf8.count <= 200 && $0.allSatisfy { $0.isASCII && !$0.isWhitespace } ? $0 : nil }
        context.requestID = sent ?? UUID().uuidString.lowercased()
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = ProblemResponse.from(error, request: request, logger: logger, requestID: context.requestID)
        }
        response.headers[.requestID] = context.requestID
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        // The route's pattern, never the raw path: a pasted token or an address must not reach the log.
        let route = context.coreContext.endpointPath.value ?? "unmatched"
        metrics.request(method: request.method.rawValue, route: route, status: response.status.code, duration: elapsed)
        logger.info(
            "request",
            metadata: [
                "id": .string(context.requestID), "method": .string(request.method.rawValue),
                "route": .string(route),
                "status": .stringConvertible(response.status.code),
                "ms": .string(String(format: "%.2f", ms)),
            ])
        return response
    }
}

/// Resolves `Authorization: Bearer …` to a principal; routes decide whether one is required.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let store: Store

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                context.principal = try await store.authenticate(secret: String(parts[1]).trimmingWhitespace())
            }
            context.rejectedCredentials = context.principal == nil
        }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-ID")!
}
