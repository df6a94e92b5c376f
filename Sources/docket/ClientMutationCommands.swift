import ArgumentParser
import DocketClient
import DocketCore
import Foundation

/// `docket client suggest`: proposes a paper, offline; prints the new suggestion's id.
struct ClientSuggest: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "suggest", abstract: "Propose a paper (queued; prints its id).")

    @OptionGroup var home: ClientHome
    @Option(help: "The series' slug.") var series: String
    @Option(help: "The paper's title.") var title: String
    @Option(help: "The paper's DOI.") var doi: String?
    @Option(help: "The paper's arXiv id.") var arxiv: String?
    @Option(help: "Why the group should read it (Markdown).") var pitch: String?
    @Option(help: "A tag (repeatable).") var tag: [String] = []

    func validate() throws {
        if doi != nil && arxiv != nil { throw ValidationError("give --doi or --arxiv, not both") }
        if title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--title must not be empty") }
        if let doi, PaperIdentity.normalizedDOI(doi) == nil { throw ValidationError("--doi is not a DOI (expected 10.NNNN/...)") }
        if let arxiv, PaperIdentity.normalizedArXivID(arxiv) == nil { throw ValidationError("--arxiv is not an arXiv id (e.g. 2002.09405)") }
    }

    func run() throws {
        let replica = try home.replica()
        let seriesID = try replica.requireSeries(series)
        let id = ClientClock.newID()
        let paper: JSONValue = ["title": .string(title), "doi": .optional(doi), "arxivID": .optional(arxiv)]
        let args: JSONValue = [
            "id": .string(id), "seriesID": .string(seriesID.rawValue), "paper": paper, "pitch": .optional(pitch), "tags": .strings(tag),
        ]
        try replica.enqueue(name: "suggestion.create", args: args, at: ClientClock.now())
        print(id)
    }
}

/// `docket client rank`: sets this person's ballot for a series, offline.
struct ClientRank: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank", abstract: "Rank suggestions, most preferred first (queued).",
        discussion: "Each argument is a suggestion id (or a unique prefix of at least 4 characters); A,B ranks A and B equal.")

    @OptionGroup var home: ClientHome
    @Option(help: "The series' slug.") var series: String
    @Argument(help: "Suggestion ids, most preferred first; A,B is a tie.") var ids: [String] = []

    func run() throws {
        let replica = try home.replica()
        let seriesID = try replica.requireSeries(series)
        let known = try replica.view("suggestion", seriesID: seriesID.rawValue).map(\.id)
        let ranking = try SuggestionLookup.ranking(ids, among: known)
        let args: JSONValue = ["seriesID": .string(seriesID.rawValue), "ranking": .array(ranking.map { .strings($0) })]
        let number = try replica.enqueue(name: "ballot.set", args: args, at: ClientClock.now())
        print("ballot queued as mutation \(number): \(ranking.map { $0.map { String($0.prefix(8)) }.joined(separator: "=") }.joined(separator: " > "))")
    }
}

/// `docket client volunteer`: offers to present a suggestion, offline.
struct ClientVolunteer: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "volunteer", abstract: "Volunteer to present a suggestion (queued).")

    @OptionGroup var home: ClientHome
    @Argument(help: "The suggestion's id (or a unique prefix).") var id: String
    @Option(help: "A note for the organizers.") var note: String?

    func run() throws {
        let replica = try home.replica()
        let suggestion = try SuggestionLookup.resolve(id, among: try replica.view("suggestion").map(\.id))
        let number = try replica.enqueue(
            name: "suggestion.volunteer", args: ["id": .string(suggestion), "note": .optional(note)], at: ClientClock.now())
        print("volunteering queued as mutation \(number)")
    }
}
