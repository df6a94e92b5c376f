/// The machine-readable kind of a problem, as PROTOCOL section 1 lists them.
public enum ProblemCode: String, Sendable, CaseIterable {
    case badRequest = "bad_request"
    case unauthenticated
    case forbidden
    case notFound = "not_found"
    case validationFailed = "validation_failed"
    case conflict
    case mutationGap = "mutation_gap"
    case unsupportedProtocol = "unsupported_protocol"
    case payloadTooLarge = "payload_too_large"
    case rateLimited = "rate_limited"
    case unknownMutation = "unknown_mutation"
    case methodNotAllowed = "method_not_allowed"
    case `internal`

    /// The HTTP status that goes with this code.
    public var status: Int {
        switch self {
        case .badRequest, .unsupportedProtocol, .unknownMutation: return 400
        case .unauthenticated: return 401
        case .forbidden: return 403
        case .notFound: return 404
        case .methodNotAllowed: return 405
        case .conflict, .mutationGap: return 409
        case .payloadTooLarge: return 413
        case .validationFailed: return 422
        case .rateLimited: return 429
        case .internal: return 500
        }
    }

    /// The short human title for this code.
    public var title: String {
        switch self {
        case .badRequest: return "Bad request"
        case .unauthenticated: return "Authentication required"
        case .forbidden: return "Forbidden"
        case .notFound: return "Not found"
        case .validationFailed: return "Validation failed"
        case .conflict: return "Conflict"
        case .mutationGap: return "Mutation gap"
        case .unsupportedProtocol: return "Unsupported protocol"
        case .payloadTooLarge: return "Payload too large"
        case .rateLimited: return "Too many requests"
        case .unknownMutation: return "Unknown mutation"
        case .methodNotAllowed: return "Method not allowed"
        case .internal: return "Internal error"
        }
    }
}

/// One field that failed validation, named by its JSON path (`args.ranking[1][0]`).
public struct FieldError: Hashable, Sendable {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// An RFC 9457 problem: what went wrong, for the wire and for the CLI alike.
///
/// `extensions` carries code-specific members such as `current` on a
/// conflict or `lastMutationID` on a mutation gap.
public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: ProblemCode
    public var detail: String?
    public var errors: [FieldError]
    public var extensions: [String: JSONValue]

    public init(_ code: ProblemCode, _ detail: String? = nil, errors: [FieldError] = [], extensions: [String: JSONValue] = [:]) {
        self.code = code
        self.detail = detail
        self.errors = errors
        self.extensions = extensions
    }

    /// A validation failure of one field.
    public static func invalid(_ field: String, _ message: String) -> Problem {
        Problem(.validationFailed, "\(field) \(message)", errors: [FieldError(field: field, message: message)])
    }

    public var status: Int { code.status }

    public var description: String { detail ?? code.title }

    /// The problem as a JSON object (`type`, `title`, `status`, `code`, `detail`, `errors`, extensions).
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("type", "about:blank"),
            ("title", .string(code.title)),
            ("status", .int(Int64(status))),
            ("code", .string(code.rawValue)),
            ("detail", .optional(detail)),
        ]
        if !errors.isEmpty {
            members.append(("errors", .array(errors.map { ["field": .string($0.field), "message": .string($0.message)] })))
        }
        for key in extensions.keys.sorted() {
            members.append((key, extensions[key]!))
        }
        return .object(members)
    }
}
