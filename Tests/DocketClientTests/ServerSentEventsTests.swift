@testable import DocketClient
import Testing

/// The events stream parser, fed in arbitrary chunks.
@Suite struct ServerSentEventsTests {
    @Test func eventsSplitAcrossChunksAndLineEndingsAreWhole() {
        let stream = ": connected\n\nevent: poke\r\ndata: {\"version\":7}\r\n\r\n: keep-alive\n\nevent: poke\rdata: {\"version\":8}\r\r"
        for size in [1, 2, 3, 7, stream.utf8.count] {
            var parser = ServerSentEvents()
            var events: [ServerSentEvents.Event] = []
            let bytes = Array(stream.utf8)
            for start in stride(from: 0, to: bytes.count, by: size) {
                events += parser.feed(bytes[start..<min(start + size, bytes.count)])
            }
            #expect(events == [.init(name: "poke", data: "{\"version\":7}"), .init(name: "poke", data: "{\"version\":8}")], "chunk size \(size)")
        }
    }

    @Test func dataLinesJoinAndAnUnnamedEventIsAMessage() {
        var parser = ServerSentEvents()
        #expect(parser.feed(Array("data: a\ndata:b\n\n".utf8)) == [.init(name: "message", data: "a\nb")])
        #expect(parser.feed(Array("event: poke\n".utf8)).isEmpty, "an event is dispatched only at a blank line")
    }
}
