import ArgumentParser
import DocketClient
import DocketCore
import Foundation

/// `docket client sync [--watch]`: pushes the outbox, pulls the server's state; with --watch keeps doing so.
struct ClientSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Send queued mutations and fetch the server's state.",
        discussion: "A long first sync shows a progress bar on stderr (when stderr is a terminal). --watch stays connected and pulls on every change until interrupted.")

    @OptionGroup var home: ClientHome
    @Flag(help: "Keep syncing: pull whenever the server reports a change.") var watch = false

    func run() async throws {
        let replica = try home.replica()
        let (server, token) = try replica.requireLogin()
        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1)
        let settings = SyncSettings(maxAttempts: watch ? nil : 4)
        let engine = try SyncEngine(
            replica: replica, transport: LiveTransport(server: server, token: token), settings: settings,
            seed: UInt64.random(in: 0...UInt64.max), now: ClientClock.now, onProgress: { bar.show($0) })
        if watch {
            try await engine.watch { report in
                bar.finish()
                if report.pushed + report.changes > 0 { print(ClientSync.summary(report)) }
            }
        } else {
            let report = try await engine.sync()
            bar.finish()
            print(ClientSync.summary(report))
        }
    }

    static func summary(_ report: SyncReport) -> String {
        let rejected = report.rejected > 0 ? " (\(report.rejected) rejected; see `docket client status`)" : ""
        return "pushed \(report.pushed) mutation(s)\(rejected), pulled \(report.changes) change(s) in \(report.pages) page(s)"
    }
}

/// A one-line progress bar on stderr, shown only once a pull spans more than one page.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var drawn = false

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func show(_ progress: SyncProgress) {
        guard enabled, let remaining = progress.remaining, remaining > 0 || drawn else { return }
        let total = Double(progress.changes) + Double(remaining)
        let fraction = total > 0 ? Double(progress.changes) / total : 1
        let filled = Int((fraction * 30).rounded(.down))
        let line = "\rpulling [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 30 - filled))] \(progress.changes)/\(Int(total)) changes"
        lock.withLock {
            drawn = true
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    func finish() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
            drawn = false
        }
    }
}
