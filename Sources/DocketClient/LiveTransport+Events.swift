import DocketCore

extension LiveTransport {
    public func events(onPoke: @escaping @Sendable (Int64) async -> Void) async throws {
        let request = HTTPRequestData(
            method: "GET", path: "/v1/sync/events", headers: headers(json: false) + [("Accept", "text/event-stream")], body: [])
        let parser = ParserBox()
        do {
            try await exchanger.stream(
                request,
                onHead: { head in
                    guard head.status == 200 else { throw LiveTransport.failure(head, nil) }
                },
                onBody: { bytes in
                    for event in parser.feed(bytes) where event.name == "poke" {
                        let version = (try? JSONParser.parse(event.data))?["version"]
                        if case .int(let number)? = version { await onPoke(number) } else { await onPoke(0) }
                    }
                })
        } catch let error as TransportError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TransportError.unreachable("the events stream failed: \(error)")
        }
    }
}

/// The SSE parser, fed from the stream's body callbacks (which run one after another).
private final class ParserBox: @unchecked Sendable {
    private var parser = ServerSentEvents()

    func feed(_ bytes: [UInt8]) -> [ServerSentEvents.Event] { parser.feed(bytes) }
}
