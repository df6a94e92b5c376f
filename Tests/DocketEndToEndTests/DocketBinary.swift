import DocketTestSupport
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
        let child = try Spawned(executable: url.path, arguments: arguments, environment: environment, withInput: true)
        let feeder = Thread { child.feed(stdin ?? Data()) }
        feeder.start()
        // Both streams at once, so a child filling one pipe never blocks on it.
        let out = OutputCollector(child.output), err = OutputCollector(child.errorOutput)
        out.start()
        err.start()
        let ended = child.wait()
        out.waitForEnd(timeout: 10)
        err.waitForEnd(timeout: 10)
        return Outcome(status: ended.status, stdout: out.text, stderr: err.text, crashed: ended.signaled)
    }
}
