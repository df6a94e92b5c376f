import DocketCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Turns anything a handler throws into an RFC 9457 problem+json response.
enum ProblemResponse {
    /// The response for `error`: its own problem, Hummingbird's HTTP errors mapped to codes, anything else a bare 500.
    static func from(_ error: any Error, request: Request, logger: Logger, requestID: String) -> Response {
        switch error {
        case let problem as Problem:
            return response(problem)
        case is NIOTooManyBytesError:
            return response(Problem(.payloadTooLarge, "the request body is larger than 1 MiB"))
        case let http as HTTPError:
            return response(problem(for: http, request: request))
        default:
            // The message may hold SQL or paths: log it with the request id, answer without it.
            logger.error("internal error", metadata: ["id": .string(requestID), "error": .string(String(describing: type(of: error)))])
            return response(Problem(.internal, "something went wrong on the server; quote request id \(requestID)"))
        }
    }

    private static func problem(for error: HTTPError, request: Request) -> Problem {
        switch error.status {
        case .notFound:
            if let allowed = Routes.allowedMethods(for: request.uri.path), !allowed.contains(request.method) {
                return Problem(
                    .methodNotAllowed, "\(request.method.rawValue) is not allowed here",
                    extensions: ["allow": .strings(allowed.map(\.rawValue))])
            }
            return Problem(.notFound, "no route for \(request.method.rawValue) \(request.uri.path)")
        case .contentTooLarge: return Problem(.payloadTooLarge, "the request body is larger than 1 MiB")
        case .unauthorized: return Problem(.unauthenticated, error.body)
        case .forbidden: return Problem(.forbidden, error.body)
        case .methodNotAllowed: return Problem(.methodNotAllowed, error.body)
        case .tooManyRequests: return Problem(.rateLimited, error.body)
        default:
            return error.status.code < 500 ? Problem(.badRequest, error.body) : Problem(.internal, nil)
        }
    }

    /// The problem+json response for a problem, with the headers its code requires.
    static func response(_ problem: Problem) -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        switch problem.code {
        case .unauthenticated: headers[.wwwAuthenticate] = "Bearer"
        case .rateLimited: headers[.retryAfter] = problem.extensions["retryAfter"]?.intValue.map(String.init) ?? "1"
        case .methodNotAllowed:
            if case .array(let methods)? = problem.extensions["allow"] {
                headers[.allow] = methods.compactMap(\.stringValue).joined(separator: ", ")
            }
        default: break
        }
        return Response(
            status: HTTPResponse.Status(code: problem.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: problem.json.jsonString)))
    }
}

/// A JSON response from already serialized text.
func jsonResponse(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
}

/// A JSON response from a value.
func jsonResponse(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
    jsonResponse(value.jsonString, status: status)
}
