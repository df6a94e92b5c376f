public import DocketCore
public import DocketStore
public import Foundation
public import Logging

/// Writes each log record as one JSON object on one line of standard error, for log collectors:
/// `{"time":…,"level":"info","label":"docket","message":"request","id":…,"route":…}`.
///
/// Metadata keys become members (nested metadata as JSON values); the record's own keys
/// (`time`, `level`, `label`, `message`) win over metadata with the same name.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let now: @Sendable () -> Timestamp
    private let write: @Sendable (String) -> Void

    public init(
        label: String, now: @escaping @Sendable () -> Timestamp = { Environment.live.now() },
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.label = label
        self.now = now
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let own: [(String, JSONValue)] = [
            ("time", .string(now().rfc3339)), ("level", .string(event.level.rawValue)), ("label", .string(label)),
            ("message", .string(event.message.description)),
        ]
        let reserved = Set(own.map(\.0))
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let extra = merged.filter { !reserved.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, Self.json($0.value)) }
        write(JSONValue.object(own + extra).jsonString + "\n")
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
