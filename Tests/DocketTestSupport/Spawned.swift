public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, its standard streams on pipes.
///
/// Not Foundation's `Process`: on Linux its `run()` over-reads the entries of
/// `/proc/self/fd` and now and then crashes the whole test process
/// (swift-corelibs-foundation pull request 5472; seen here with Swift 6.3.1).
/// Pipes are close-on-exec, so no other child inherits them and every
/// reader sees its end of file when its own child ends.
public final class Spawned: Sendable {
    public let pid: pid_t
    /// The write end of the child's stdin, or nil when stdin is `/dev/null`.
    public let input: Int32?
    /// The read ends of the child's stdout and stderr.
    public let output: Int32
    public let errorOutput: Int32

    private static let spawnLock = NSLock()

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `executable` with `arguments`, the current environment overlaid with `environment`.
    public init(executable: String, arguments: [String], environment: [String: String] = [:], withInput: Bool = false) throws {
        // Pipes are made and marked close-on-exec under one lock with the spawn, so no concurrent
        // spawn here can inherit another child's pipe between pipe() and fcntl().
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        func makePipe() throws -> (read: Int32, write: Int32) {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw Failure(description: "pipe failed: errno \(errno)") }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            return (ends[0], ends[1])
        }
        // A child that ends before reading its input must not kill the test process with SIGPIPE.
        if withInput { signal(SIGPIPE, SIG_IGN) }
        let stdinPipe = withInput ? try makePipe() : nil
        let stdoutPipe = try makePipe(), stderrPipe = try makePipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdinPipe {
            posix_spawn_file_actions_adddup2(&actions, stdinPipe.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe.write, 2)
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        // The child has its copies; the parent keeps only its own ends.
        if let stdinPipe { close(stdinPipe.read) }
        close(stdoutPipe.write)
        close(stderrPipe.write)
        guard result == 0 else {
            if let stdinPipe { close(stdinPipe.write) }
            close(stdoutPipe.read)
            close(stderrPipe.read)
            throw Failure(description: "could not start \(executable): error \(result)")
        }
        self.pid = pid
        self.input = stdinPipe?.write
        self.output = stdoutPipe.read
        self.errorOutput = stderrPipe.read
    }

    /// Blocks until the child ends and reaps it: its exit status, or the number of the signal that ended it.
    public func wait() -> (status: Int32, signaled: Bool) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return (-1, false) }
        }
        let signal = status & 0x7f
        return signal == 0 ? ((status >> 8) & 0xff, false) : (signal, true)
    }

    /// Writes all of `data` to the child's stdin and closes it (in the calling thread).
    public func feed(_ data: Data) {
        guard let input else { return }
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(input, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { break }
                offset += written
            }
        }
        close(input)
    }

    /// Reads one stream to its end (in the calling thread) and closes it.
    public static func readAll(_ descriptor: Int32) -> Data {
        var collected = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            collected.append(contentsOf: chunk[0..<count])
        }
        close(descriptor)
        return collected
    }
}
