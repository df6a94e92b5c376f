import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemSend = Glibc.send
#else
private let systemSend = Darwin.send
#endif

/// One plain TCP connection to 127.0.0.1, for tests that must see the raw bytes a server sends.
///
/// Blocking unless `makeNonBlocking()` is called; the timeouts given at connect bound the connect, every
/// blocking send and every blocking receive. Not thread-safe: one connection per thread.
public final class LoopbackSocket: @unchecked Sendable {
    private var descriptor: Int32
    /// True once `makeNonBlocking()` was called: a receive with nothing there returns `[]` instead of failing.
    public private(set) var isNonBlocking = false

    /// A socket call that failed; `description` names the call and its errno.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Connects to 127.0.0.1:`port`; `sendTimeout` (which also bounds the connect) and `receiveTimeout` are
    /// seconds, nil for none. Throws when the socket cannot be made or connected.
    public init(port: Int, sendTimeout: Int?, receiveTimeout: Int?) throws {
        #if os(Linux)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        if let receiveTimeout {
            var time = timeval(tv_sec: receiveTimeout, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        }
        if let sendTimeout {
            var time = timeval(tv_sec: sendTimeout, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close()
            throw Failure(description: "connect() to port \(port) failed: errno \(code)")
        }
    }

    deinit { close() }

    /// True until `close()`.
    public var isOpen: Bool { descriptor >= 0 }

    /// Closes the socket (the client going away); later calls do nothing.
    public func close() {
        guard descriptor >= 0 else { return }
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #else
        _ = Darwin.close(descriptor)
        #endif
        descriptor = -1
    }

    /// From now on receives return at once (`[]` when nothing has arrived).
    public func makeNonBlocking() {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        isNonBlocking = true
    }

    /// Sends all of `bytes` (no SIGPIPE on a closed peer); throws when a send fails or times out.
    public func sendAll(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            #if os(Linux)
            let flags = Int32(MSG_NOSIGNAL)
            #else
            let flags: Int32 = 0
            #endif
            let count = bytes[sent...].withUnsafeBytes { systemSend(descriptor, $0.baseAddress, $0.count, flags) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw Failure(description: "send() failed: errno \(errno)") }
            sent += count
        }
    }

    /// One read of at most `maxCount` bytes: what arrived, nil when the peer closed the connection, `[]` when
    /// non-blocking and nothing is there yet. Throws when the read fails (a reset, or the receive timeout).
    public func receive(maxCount: Int = 65_536) throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: maxCount)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { return Array(chunk[0..<count]) }
            if count == 0 { return nil }
            if errno == EINTR { continue }
            if isNonBlocking && (errno == EAGAIN || errno == EWOULDBLOCK) { return [] }
            throw Failure(description: "recv() failed: errno \(errno)")
        }
    }

    /// Waits up to `seconds` for bytes and returns the first read (at most `maxCount` bytes); `[]` when none
    /// came by the deadline, nil when the connection ended (EOF or reset).
    public func receive(within seconds: Double, maxCount: Int = 16_384) -> [UInt8]? {
        let deadline = Date().addingTimeInterval(seconds)
        var chunk = [UInt8](repeating: 0, count: maxCount)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(max(1, min(200, deadline.timeIntervalSinceNow * 1000))))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return nil }
            return Array(chunk[0..<count])
        }
        return []
    }
}
