import NIOCore
import NIOHTTP1
import NIOPosix

/// HTTP/1.1 over a fresh TCP connection per request (SwiftNIO), closed after the answer.
///
/// One connection per request keeps a cut or stalled exchange from poisoning
/// the next one. `send` gives up after `timeoutMilliseconds`; `stream` after
/// `idleMilliseconds` without a byte (the server's keep-alives come every 20 s).
public struct NIOExchanger: HTTPExchanger {
    public var server: ServerURL
    public var timeoutMilliseconds: Int64
    public var idleMilliseconds: Int64

    public init(server: ServerURL, timeoutMilliseconds: Int64 = 30_000, idleMilliseconds: Int64 = 60_000) {
        self.server = server
        self.timeoutMilliseconds = timeoutMilliseconds
        self.idleMilliseconds = idleMilliseconds
    }

    public func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        let server = self.server
        return try await withDeadline(timeoutMilliseconds, "\(request.method) \(request.path)") {
            let channel = try await NIOExchanger.connect(server, idleMilliseconds: nil)
            return try await channel.executeThenClose { inbound, outbound in
                try await NIOExchanger.write(request, server: server, to: outbound)
                var answer = HTTPResponseData(status: 0, headers: [], body: [])
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        answer.status = Int(head.status.code)
                        answer.headers = head.headers.map { ($0.name, $0.value) }
                    case .body(let buffer):
                        answer.body += buffer.readableBytesView
                    case .end:
                        return answer
                    }
                }
                throw TransportError.unreachable("the connection closed before the answer ended")
            }
        }
    }

    public func stream(
        _ request: HTTPRequestData, onHead: @Sendable (HTTPResponseData) async throws -> Void,
        onBody: @Sendable ([UInt8]) async throws -> Void
    ) async throws {
        let channel = try await NIOExchanger.connect(server, idleMilliseconds: idleMilliseconds)
        // The inbound stream waits for the next byte even when cancelled; closing the channel ends it at once.
        let underlying = channel.channel
        try await withTaskCancellationHandler {
            try await exchange(request, on: channel, onHead: onHead, onBody: onBody)
        } onCancel: {
            underlying.close(promise: nil)
        }
    }

    private func exchange(
        _ request: HTTPRequestData, on channel: Connection, onHead: @Sendable (HTTPResponseData) async throws -> Void,
        onBody: @Sendable ([UInt8]) async throws -> Void
    ) async throws {
        let server = self.server
        try await channel.executeThenClose { inbound, outbound in
            try await NIOExchanger.write(request, server: server, to: outbound)
            for try await part in inbound {
                switch part {
                case .head(let head):
                    try await onHead(HTTPResponseData(status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) }, body: []))
                case .body(let buffer):
                    try await onBody(Array(buffer.readableBytesView))
                case .end:
                    return
                }
            }
        }
    }

    typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    static func connect(_ server: ServerURL, idleMilliseconds: Int64?) async throws -> Connection {
        do {
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: server.host, port: server.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        if let idleMilliseconds {
                            try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .milliseconds(idleMilliseconds)))
                            try channel.pipeline.syncOperations.addHandler(CloseWhenIdleHandler())
                        }
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw TransportError.unreachable("cannot connect to \(server): \(error)")
        }
    }

    static func write(_ request: HTTPRequestData, server: ServerURL, to outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>)
        async throws
    {
        var headers = HTTPHeaders(request.headers)
        headers.replaceOrAdd(name: "Host", value: server.hostHeader)
        headers.replaceOrAdd(name: "Connection", value: "close")
        headers.replaceOrAdd(name: "Content-Length", value: String(request.body.count))
        let head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: server.basePath + request.path, headers: headers)
        try await outbound.write(.head(head))
        if !request.body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: request.body)))) }
        try await outbound.write(.end(nil))
    }
}

/// Closes the connection when the idle-state handler says nothing was read for too long.
private final class CloseWhenIdleHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias InboundOut = HTTPClientResponsePart

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// Runs `body`, or throws `TransportError.unreachable` once `milliseconds` pass (cancelling it).
func withDeadline<T: Sendable>(_ milliseconds: Int64, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(milliseconds))
            throw TransportError.unreachable("\(what) got no answer within \(milliseconds) ms")
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TransportError.unreachable("\(what) was cancelled") }
        return first
    }
}
