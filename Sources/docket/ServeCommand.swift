import ArgumentParser
import DocketServer
import DocketStore
import Foundation
import Hummingbird
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP server on one database file (SIGTERM or SIGINT stops it gracefully).")

    @OptionGroup var database: DatabaseOption

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Flag(help: "Load the demo seminar (once) and print an organizer token.")
    var demo = false

    @Option(help: ArgumentHelp(
        "Days deletions are kept for offline clients; a client that has not synced for longer starts again from scratch.",
        valueName: "days"))
    var tombstoneDays = 30

    @Option(help: ArgumentHelp("Requests a second each token may make (bursts of twice that); more get 429.", valueName: "n"))
    var rateLimit = 200

    @Option(help: ArgumentHelp("Log lines as text or as one JSON object per line (for log collectors).", valueName: "text|json"))
    var logFormat: LogFormat = .text

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        guard (1...3650).contains(tombstoneDays) else { throw ValidationError("--tombstone-days must be between 1 and 3650") }
        guard (1...1_000_000).contains(rateLimit) else { throw ValidationError("--rate-limit must be between 1 and 1000000") }
    }

    func run() async throws {
        let path = try database.path()
        let store = try Store(path: path)
        let format: LineLogHandler.Format = logFormat == .json ? .json : .text
        var logger = Logger(label: "docket") { LineLogHandler(label: $0, format: format) }
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        if demo {
            let demo = try store.loadDemo()
            say(demo.loaded ? "demo seminar loaded into \(path)" : "demo seminar already in \(path)")
            say("organizer token (shown once): \(demo.token)")
        }
        let settings = ServerSettings(
            host: host, port: port, tombstoneRetentionDays: tombstoneDays,
            rateLimit: RateLimit(perSecond: Double(rateLimit), burst: Double(rateLimit) * 2))
        let app = buildApplication(store: store, settings: settings, logger: logger) { channel in
            let port = channel.localAddress?.port ?? 0
            say("docket listening on http://\(host):\(port) (database \(path))")
        }
        try await app.runService()
    }
}

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create the database or bring its schema up to date.")

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let path = try database.path()
        let store = try Store(path: path)
        print("\(path): schema at \(try store.appliedMigrations().last ?? "nothing")")
    }
}

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Write an online, consistent copy of the database (the server may keep running).")

    @OptionGroup var database: DatabaseOption

    @Option(help: "File to write the copy to (must not exist).")
    var to: String

    func run() throws {
        guard !FileManager.default.fileExists(atPath: to) else { throw ValidationError("\(to) exists already; choose a new file") }
        let store = try Store(path: try database.path())
        try store.backup(to: to)
        print("backed up to \(to)")
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the database with a backup (stop the server first); clients' cursors reset.")

    @OptionGroup var database: DatabaseOption

    @Option(help: "Backup file to restore from.")
    var from: String

    func run() throws {
        guard FileManager.default.fileExists(atPath: from) else { throw ValidationError("no backup at \(from)") }
        let path = try database.path()
        try Store.restore(path: path, from: from)
        let store = try Store(path: path)
        print("restored \(path) from \(from); new database identity \(try store.clock().databaseID)")
    }
}

/// Writes a line to stdout at once (not buffered), so a supervising process sees it in order.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
