import Foundation

/// The built `docket` executable, run as a child process the way a user runs it.
///
/// Found through `DOCKET_BIN` (what `scripts/test` sets), else beside the test
/// bundle in the build folder (`swift build` puts both in the same place).
enum DocketBinary {
    static var url: URL {
        if let path = ProcessInfo.processInfo.environment["DOCKET_BIN"] {
            return URL(fileURLWithPath: path)
        }
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("docket")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/docket")
    }

    /// Foundation's `Process.run()` on Linux is not safe to call from two threads at once (a test run
    /// crashed inside it while parallel tests launched children), so every launch here takes this lock.
    private static let launchLock = NSLock()

    static func launch(_ process: Process) throws {
        launchLock.lock()
        defer { launchLock.unlock() }
        try process.run()
    }

    /// What one run printed and how it ended.
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        /// True when the process ended by a signal (a crash), not by exit.
        var crashed: Bool
    }

    /// Runs `docket` with `arguments`, feeding `stdin`, and waits for it to end.
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try launch(process)
        let writer = Thread {
            if let stdin { input.fileHandleForWriting.write(stdin) }
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self),
            crashed: process.terminationReason == .uncaughtSignal
        )
    }
}
