import DocketCore
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// `Schema/openapi.yaml` and the router agree: the same routes, and every listed route reaches a handler.
///
/// The schemas themselves (examples, live answers) are checked by `scripts/check-openapi`.
@Suite struct OpenAPITests {
    static let document = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schema/openapi.yaml")

    static var listed: [String] { Routes.all.map { "\($0.method.rawValue) \($0.path)" } }

    @Test func everyRouteIsDocumentedAndNothingElse() throws {
        let documented = OpenAPIOperations.read(try String(contentsOf: Self.document, encoding: .utf8))
        let listed = Set(Self.listed)
        #expect(listed.count == Routes.all.count, "Routes.all names a route twice")
        #expect(listed.subtracting(documented).sorted() == [], "routes Schema/openapi.yaml lacks")
        #expect(documented.subtracting(listed).sorted() == [], "operations of Schema/openapi.yaml that no route answers")
    }

    @Test func theScannerTakesPathKeysAndTheirMethodsOnly() {
        let yaml = """
            openapi: 3.1.0
            paths:
              /a/{id}:
                parameters: []
                get:
                  responses:
                    "200":
                      content:
                        application/json:
                          schema:
                            properties:
                              post:
                                type: string
                  delete:
                    description: a key inside an operation, not an operation
              "/b":
                post:
                  summary: x
            components:
              schemas:
                /c:
                  put: {}
            """
        #expect(OpenAPIOperations.read(yaml) == ["GET /a/{id}", "POST /b"])
    }

    /// A request to every listed route, with dummy parameters and no token, is answered by that route's handler:
    /// the request log names the route's own pattern, never "NotFound" or "unmatched" (the router's answer when
    /// no route matches). The handler may well answer 401, 404 or 422; that is not the question.
    @Test(arguments: Self.listed)
    func everyListedRouteReachesItsHandler(route: String) async throws {
        let (method, pattern) = Self.split(route)
        let server = try TestServer(visibility: "public")
        defer { server.remove() }
        let recorder = RouteRecorder()
        let logger = Logger(label: "openapi-test") { _ in RouteRecordingHandler(recorder: recorder) }
        let app = buildApplication(store: server.store, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: logger)
        let path = Self.concrete(pattern)
        let requestID = "openapi-\(UUID().uuidString.lowercased())"
        let (status, text) = try await app.test(.router) { client in
            try await client.execute(
                uri: path, method: method, headers: [.contentType: "application/json", HTTPField.Name("X-Request-ID")!: requestID],
                body: method == .post ? ByteBuffer(string: "{}") : nil
            ) { response in (response.status, String(buffer: response.body)) }
        }
        let logged = recorder.route(for: requestID)
        #expect(logged == pattern, "\(route): request log names route \(logged ?? "nothing"); answered \(status.code) \(text.prefix(200))")
        #expect(status != .methodNotAllowed, "\(route): answered 405 \(text.prefix(200))")
    }

    static func split(_ route: String) -> (HTTPRequest.Method, String) {
        let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
        return (HTTPRequest.Method(parts[0])!, parts[1])
    }

    /// The pattern with each `{name}` replaced by a plausible value.
    static func concrete(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            switch segment {
            case "{slug}", "{idOrSlug}": return "reading-group"
            case "{number}": return "1"
            case let other where other.hasPrefix("{"): return "0193f1c3-1d2e-7f40-8a11-5c6d7e8f9a01"
            default: return String(segment)
            }
        }.joined(separator: "/")
    }
}

/// The operations (`METHOD /path`) under `paths:` of an OpenAPI document laid out as `Schema/openapi.yaml` is:
/// path keys indented two spaces, their method keys four.
enum OpenAPIOperations {
    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    static func read(_ yaml: String) -> Set<String> {
        var operations = Set<String>()
        var inPaths = false
        var path: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            if !line.hasPrefix(" ") {
                inPaths = line.hasPrefix("paths:")
                path = nil
                continue
            }
            guard inPaths, line.hasSuffix(":") else { continue }
            let indent = line.prefix { $0 == " " }.count
            let key = line.trimmingCharacters(in: .whitespaces).dropLast().trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if indent == 2 {
                path = key.hasPrefix("/") ? key : nil
            } else if indent == 4, let path, methods.contains(key) {
                operations.insert("\(key.uppercased()) \(path)")
            }
        }
        return operations
    }
}

/// The route each request's log line named, by request id.
final class RouteRecorder: Sendable {
    private let routes = Mutex<[String: String]>([:])

    func record(id: String, route: String) {
        routes.withLock { $0[id] = route }
    }

    func route(for id: String) -> String? {
        routes.withLock { $0[id] }
    }
}

/// A log handler that keeps the `route` of `request` log lines and drops everything else.
struct RouteRecordingHandler: LogHandler {
    let recorder: RouteRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.message.description == "request", case .string(let id)? = event.metadata?["id"],
            case .string(let route)? = event.metadata?["route"]
        else { return }
        recorder.record(id: id, route: route)
    }
}
