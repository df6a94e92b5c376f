import ArgumentParser
import DocketCore
import Foundation

/// `docket`: the server, its administration, and the vote counter, in one binary.
struct Docket: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docket",
        abstract: "Docket: seminars and reading groups that propose, rank and schedule papers.",
        discussion: "Every command that takes --db also reads DOCKET_DB. Admin commands may run while the server runs on the same file.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, SeriesCommand.self, PersonCommand.self, TokenCommand.self,
            BackupCommand.self, RestoreCommand.self, TallyCommand.self, ClientCommand.self, MailInCommand.self,
        ])
}

@main
enum Main {
    /// Runs the command; any error becomes one line on stderr and a non-zero exit.
    static func main() async {
        do {
            var command = try Docket.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = Docket.exitCode(for: error)
            if code == .success { Docket.exit(withError: error) }
            let message: String
            if let problem = error as? Problem {
                message = problem.description
            } else {
                message = Docket.message(for: error)
            }
            let line = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? "failed"
            FileHandle.standardError.write(Data("docket: \(line)\n".utf8))
            exit(code == .validationFailure ? 64 : 1)
        }
    }
}

/// The `--db` option shared by every command that opens the database.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "Path of the SQLite database file (default: $DOCKET_DB).")
    var db: String?

    /// The path from --db or DOCKET_DB.
    func path() throws -> String {
        if let db, !db.isEmpty { return db }
        if let env = ProcessInfo.processInfo.environment["DOCKET_DB"], !env.isEmpty { return env }
        throw ValidationError("--db PATH (or DOCKET_DB) is required")
    }
}
