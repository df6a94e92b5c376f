import DocketCore
import DocketServer
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// A fresh database file (WAL) with an administrator-made series and people, and the app around it.
struct TestServer {
    let directory: URL
    let store: Store
    let seriesID = "0193f1c2-0000-7000-8000-000000000001"
    let organizer: PersonID
    let member: PersonID
    let outsider: PersonID
    let organizerToken: String
    let memberToken: String
    let outsiderToken: String

    init(visibility: String = "members") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store(path: directory.appendingPathComponent("docket.db").path)
        try store.run(
            "series.create",
            [
                "id": .string(seriesID), "slug": "reading-group", "title": "Reading group", "timeZone": "Europe/Berlin",
                "cadence": ["rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "startDate": "2026-01-06", "startTime": "15:00"],
                "visibility": .string(visibility),
            ])
        organizer = try Self.person(store, "Olga Organizer", role: "organizer", series: seriesID)
        member = try Self.person(store, "Mia Member", role: "member", series: seriesID)
        outsider = try Self.person(store, "Otto Outsider", role: nil, series: seriesID)
        organizerToken = try store.issueToken(person: organizer, device: "test").secret
        memberToken = try store.issueToken(person: member, device: "test").secret
        outsiderToken = try store.issueToken(person: outsider, device: "test").secret
    }

    static func person(_ store: Store, _ name: String, role: String?, series: String) throws -> PersonID {
        let id = UUIDv7.make(milliseconds: 1, random: Array(UUID().uuidString.utf8.prefix(10)))
        try store.run("person.create", ["id": .string(id), "name": .string(name), "email": .string("\(name.split(separator: " ")[0].lowercased())@example.org")])
        if let role {
            try store.run("membership.set", ["seriesID": .string(series), "personID": .string(id), "role": .string(role)])
        }
        return PersonID(trusted: id)
    }

    var application: some ApplicationProtocol { application(ServerSettings(host: "127.0.0.1", port: 0)) }

    func application(_ settings: ServerSettings) -> some ApplicationProtocol {
        testApplication(store, settings)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

extension TestClientProtocol {
    /// Sends JSON with an optional bearer token and returns status and parsed body.
    func send(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil) async throws -> (HTTPResponse.Status, JSONValue, HTTPFields) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            let body = text.isEmpty ? JSONValue.null : ((try? JSONParser.parse(text)) ?? .string(text))
            return (response.status, body, response.headers)
        }
    }
}

/// The whole application on `store`, logging warnings and worse only (what every server test runs).
func testApplication(_ store: Store, _ settings: ServerSettings = ServerSettings(host: "127.0.0.1", port: 0)) -> some ApplicationProtocol {
    var logger = Logger(label: "docket-test")
    logger.logLevel = .warning
    return buildApplication(store: store, settings: settings, logger: logger)
}
