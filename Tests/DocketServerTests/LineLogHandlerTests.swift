import DocketCore
import DocketServer
import Logging
import Synchronization
import Testing

/// The lines a handler wrote.
final class Lines: Sendable {
    let written = Mutex<[String]>([])
    var all: [String] { written.withLock { $0 } }
}

@Suite struct LineLogHandlerTests {
    /// A logger whose lines land in `lines`, at a fixed time.
    func logger(_ format: LineLogHandler.Format, _ lines: Lines) -> Logger {
        let at = Timestamp(rfc3339: "2026-11-26T01:30:00.000Z")!
        var logger = Logger(label: "docket") { label in
            LineLogHandler(label: label, format: format, now: { at }, write: { line in lines.written.withLock { $0.append(line) } })
        }
        logger[metadataKey: "hb.request.id"] = "abc"
        return logger
    }

    @Test func textLinesCarrySortedMetadataAfterTheMessage() {
        let lines = Lines()
        logger(.text, lines).info("request", metadata: ["status": "200", "id": "r1"])
        logger(.text, lines).debug("not at info level")
        #expect(lines.all == ["2026-11-26T01:30:00.000Z info docket: request hb.request.id=abc id=r1 status=200\n"])
    }

    @Test func jsonLinesAreOneObjectWhoseOwnKeysWin() throws {
        let lines = Lines()
        logger(.json, lines).warning(
            "slow \"query\"", metadata: ["message": "not this", "nested": ["a": ["1", "2"]], "ms": .stringConvertible(3)])
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"))
        let object = try JSONParser.parse(Array(line.utf8))
        #expect(object["message"] == "slow \"query\"")
        #expect(object["level"] == "warning" && object["label"] == "docket" && object["time"] == "2026-11-26T01:30:00.000Z")
        #expect(object["hb.request.id"] == "abc" && object["ms"] == "3")
        #expect(object["nested"] == ["a": ["1", "2"]])
    }
}
