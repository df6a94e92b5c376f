import DocketStore
import Foundation
public import Prometheus

/// The server's Prometheus metrics, served at `GET /metrics`.
///
/// Labels are bounded: a route is its pattern ("unmatched" otherwise), a mutation its registered
/// name ("unknown" otherwise). The registry is this application's own, so tests that build many
/// applications in one process keep their counts apart.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let knownMutations = Set(Store.mutationNames)
    /// Upper bounds of the request duration histogram: 0.5 ms to 5 s.
    static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(5),
    ]

    public init() {}

    /// One answered request.
    func request(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            name: "docket_http_requests_total", labels: [("method", method), ("route", route), ("status", String(status))],
            help: "HTTP requests answered, by method, route pattern and status."
        ).increment()
        registry.makeDurationHistogram(
            name: "docket_http_request_duration_seconds", labels: [("method", method), ("route", route)],
            buckets: Self.buckets, help: "Time from a request's arrival to its response, by method and route pattern."
        ).record(duration)
    }

    /// One mutation's outcome: `applied`, `rejected` or `duplicate` (a resent mutation answered from memory).
    func mutation(_ name: String, outcome: String) {
        registry.makeCounter(
            name: "docket_mutations_total",
            labels: [("name", knownMutations.contains(name) ? name : "unknown"), ("outcome", outcome)],
            help: "Mutations received over HTTP, by name and outcome."
        ).increment()
    }

    /// The exposition text, with the gauges read now.
    func exposition(streams: Int, databasePath: String) -> [UInt8] {
        registry.makeGauge(name: "docket_event_streams", help: "Open GET /v1/sync/events streams.")
            .set(Double(streams))
        let bytes = ["", "-wal"].reduce(Int64(0)) { total, suffix in
            let size = (try? FileManager.default.attributesOfItem(atPath: databasePath + suffix)[.size] as? NSNumber)?.int64Value
            return total + (size ?? 0)
        }
        registry.makeGauge(name: "docket_database_bytes", help: "Size of the SQLite database file and its write-ahead log.")
            .set(Double(bytes))
        return registry.emitToBuffer()
    }
}
