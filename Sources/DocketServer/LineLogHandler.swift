public import DocketCore
public import DocketStore
public import Foundation
public import Logging

/// Writes each log record as one line on standard error, as text or as one JSON object:
///
///     2026-11-26T01:30:00.000Z info docket: request id=… method=GET route=/healthz status=200
///     {"time":"2026-11-26T01:30:00.000Z","level":"info","label":"docket","message":"request","id":…}
///
/// Metadata is formatted when a line is written, not each time it is set (swift-log's
/// `StreamLogHandler` does the latter: Hummingbird sets a request id on every request's logger, and
/// that formatting was 3% of a no-change pull with nothing logged). In JSON, metadata keys become
/// members (nested metadata as JSON values); the record's own keys win over metadata of the same name.
public struct LineLogHandler: LogHandler {
    public enum Format: Sendable {
        case text, json
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let format: Format
    private let now: @Sendable () -> Timestamp
    private let write: @Sendable (String) -> Void

    public init(
        label: String, format: Format, now: @escaping @Sendable () -> Timestamp = { Environment.live.now() },
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.label = label
        self.format = format
        self.now = now
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }.sorted { $0.key < $1.key }
        switch format {
        case .text:
            var line = "\(now().rfc3339) \(event.level.rawValue) \(label): \(event.message)"
            for (key, value) in merged { line += " \(key)=\(value)" }
            write(line + "\n")
        case .json:
            let own: [(String, JSONValue)] = [
                ("time", .string(now().rfc3339)), ("level", .string(event.level.rawValue)), ("label", .string(label)),
                ("message", .string(event.message.description)),
            ]
            let reserved = Set(own.map(\.0))
            let extra = merged.filter { !reserved.contains($0.key) }.map { ($0.key, Self.json($0.value)) }
            write(JSONValue.object(own + extra).jsonString + "\n")
        }
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let value): .string(value.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let members): .object(members.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        }
    }
}
