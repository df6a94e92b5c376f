import ArgumentParser
import DocketClient
import DocketCore
import Foundation

/// `docket client list`: the local view of a series (works offline).
struct ClientList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List suggestions, episodes or the standing of a series, as this replica sees it.")

    enum What: String, ExpressibleByArgument, CaseIterable {
        case suggestions, episodes, standing
    }

    @OptionGroup var home: ClientHome
    @Argument(help: "suggestions, episodes or standing.") var what: What
    @Option(help: "The series' slug.") var series: String

    func run() throws {
        let replica = try home.replica()
        let seriesID = try replica.requireSeries(series).rawValue
        let lines: [String]
        switch what {
        case .suggestions: lines = try ClientList.suggestions(replica, seriesID)
        case .episodes: lines = try ClientList.episodes(replica, seriesID)
        case .standing: lines = try ClientList.standing(replica, seriesID)
        }
        for line in lines { print(line) }
    }

    /// `ID  STATUS  VOLUNTEERS  TITLE [pending]`, oldest first.
    static func suggestions(_ replica: Replica, _ seriesID: String) throws -> [String] {
        try replica.view("suggestion", seriesID: seriesID)
            .sorted { ($0.value["createdAt"]?.stringValue ?? "", $0.id) < ($1.value["createdAt"]?.stringValue ?? "", $1.id) }
            .map { entity in
                let status = entity.value["status"]?.stringValue ?? "?"
                let volunteers = entity.value["volunteers"]?.arrayValue?.count ?? 0
                let title = oneLine(entity.value["title"]?.stringValue ?? "")
                return "\(entity.id)  \(status)  \(volunteers) volunteer(s)  \(title)\(entity.local ? "  [pending]" : "")"
            }
    }

    /// `#N  DATE  STATUS  TITLE`, by start.
    static func episodes(_ replica: Replica, _ seriesID: String) throws -> [String] {
        try replica.view("episode", seriesID: seriesID)
            .sorted { ($0.value["startsAt"]?.stringValue ?? "", $0.id) < ($1.value["startsAt"]?.stringValue ?? "", $1.id) }
            .map { entity in
                let number = entity.value["number"].map { $0.jsonString } ?? "-"
                let date = String((entity.value["startsAt"]?.stringValue ?? "").prefix(16))
                return "#\(number)  \(date)  \(entity.value["status"]?.stringValue ?? "?")  \(oneLine(entity.value["title"]?.stringValue ?? ""))"
            }
    }

    /// `RANK  ID  TITLE` from the series' standing, tie groups sharing a rank.
    static func standing(_ replica: Replica, _ seriesID: String) throws -> [String] {
        guard let standing = try replica.view("standing", id: seriesID) else {
            throw ReplicaError("no standing for this series in the replica (it may be visible to organizers only)")
        }
        let titles = Dictionary(try replica.view("suggestion", seriesID: seriesID).map { ($0.id, $0.value["title"]?.stringValue ?? "") }) { a, _ in a }
        var lines = ["method \(standing.value["method"]?.stringValue ?? "?"), \(standing.value["ballotCount"]?.jsonString ?? "0") ballot(s)"]
        var rank = 1
        for group in standing.value["ranking"]?.arrayValue ?? [] {
            let ids = group.arrayValue?.compactMap(\.stringValue) ?? []
            for id in ids { lines.append("\(rank)  \(id)  \(oneLine(titles[id] ?? ""))") }
            rank += ids.count
        }
        return lines
    }
}

/// `docket client status`: the installation and every queued mutation with its outcome.
struct ClientStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the outbox: each mutation and what became of it.")

    @OptionGroup var home: ClientHome

    func run() throws {
        let replica = try home.replica()
        let installation = try replica.installation()
        print("server \(installation.serverURL ?? "(not logged in)"), client \(installation.clientID)")
        print("last sync \(installation.pulledAt?.rfc3339 ?? "never")")
        for entry in try replica.outbox() {
            print("\(entry.id)  \(entry.name)  \(ClientStatus.describe(entry.outcome))")
        }
    }

    /// An outcome as the user reads it.
    static func describe(_ outcome: MutationOutcome) -> String {
        switch outcome {
        case .pending: return "pending"
        case .applied: return "applied"
        case .processed, .confirmedByPull: return "applied (confirmed by pull)"
        case .rejected(let problem):
            let code = problem["code"]?.stringValue ?? "rejected"
            return "rejected \(code): \(oneLine(problem["detail"]?.stringValue ?? problem["title"]?.stringValue ?? ""))"
        }
    }
}

/// Text on one line, whatever a title or detail contains.
func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).joined(separator: " ")
}
