import ArgumentParser
import DocketCore
import DocketStore
import Foundation

/// `docket mail-in`: files suggestions from one mail message read on stdin, for a mail server's pipe.
struct MailInCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail-in",
        abstract: "File suggestions from one mail message on stdin (arXiv, DOI and OpenReview links).",
        discussion: """
            One suggestion per paper linked in the message, proposed by the sender (matched by email address, \
            else a new guest). A paper already suggested in the series, or on its programme, is reported, not filed \
            again. Exit status for a mail server: 0 filed (or nothing new), 65 the message cannot be used (no \
            links, no sender address, not a message), 67 no such series, 75 the database is not available (try later).
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "Slug of the series the suggestions go to.") var series: String

    func run() throws {
        do {
            let lines = try MailIn(databasePath: try database.path(), seriesSlug: series).run(message: try MailIn.readInput())
            for line in lines { print(line) }
        } catch let failure as MailInFailure {
            // One line, for the operator and for the bounce a mail server sends back with it.
            FileHandle.standardError.write(Data("docket: \(failure.message)\n".utf8))
            Foundation.exit(failure.status)
        }
    }
}

/// Why a message was not filed, with the `sysexits.h` status a mail server acts on.
struct MailInFailure: Error {
    var status: Int32
    var message: String

    /// The message cannot be used (EX_DATAERR): the mail server bounces it.
    static func data(_ message: String) -> MailInFailure { MailInFailure(status: 65, message: message) }
    /// No such series (EX_NOUSER): bounced as an unknown recipient.
    static func noSeries(_ slug: String) -> MailInFailure { MailInFailure(status: 67, message: "no series has the slug \(slug)") }
    /// Trouble on this side (EX_TEMPFAIL): the mail server keeps the message and tries again later.
    static func temporary(_ message: String) -> MailInFailure { MailInFailure(status: 75, message: message) }
}

/// One mail-in run: read the message, find its papers, file what is new through the usual mutations.
struct MailIn {
    /// Larger messages are refused; a suggestion by mail is a few links, not a thesis.
    static let maxMessageBytes = 10 * 1024 * 1024

    let databasePath: String
    let seriesSlug: String

    static func readInput() throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let chunk = try FileHandle.standardInput.read(upToCount: 65_536), !chunk.isEmpty {
            bytes += chunk
            if bytes.count > maxMessageBytes { throw MailInFailure.data("the message is larger than 10 MiB") }
        }
        return bytes
    }

    /// The lines to print: who the sender is, and one line per paper found.
    func run(message bytes: [UInt8]) throws -> [String] {
        let message: MailMessage
        do {
            message = try MailMessage.parse(bytes)
        } catch {
            throw MailInFailure.data(error.description)
        }
        guard let from = message.from, Person.isPlausibleEmail(from.address), from.address.unicodeScalars.count <= 254 else {
            throw MailInFailure.data("the message has no usable sender address in From")
        }
        let links = MailLinks.find(in: message.text)
        let store: Store
        let seriesID: SeriesID?
        do {
            store = try Store(path: databasePath)
            seriesID = try store.resolveSeries(seriesSlug, actor: .administrator)
        } catch {
            throw MailInFailure.temporary("the database is not available (\(type(of: error)))")
        }
        guard let seriesID else { throw MailInFailure.noSeries(seriesSlug) }
        guard !links.isEmpty else { throw MailInFailure.data("no arXiv, DOI or OpenReview link found in the message") }
        do {
            return try file(links, subject: message.subject, from: from, series: seriesID, store)
        } catch let failure as MailInFailure {
            throw failure
        } catch let problem as Problem where problem.code != .internal {
            throw MailInFailure.data("the suggestion was rejected: \(problem.description)")
        } catch {
            throw MailInFailure.temporary("the suggestion could not be stored (\(type(of: error)))")
        }
    }

    /// Files a suggestion for each link not already suggested or scheduled in the series, in one transaction.
    private func file(_ links: [PaperLink], subject: String?, from: MailAddress, series: SeriesID, _ store: Store) throws -> [String] {
        let known = try KnownPapers(store, series: series)
        var lines: [String] = []
        var batch: [BatchMutation] = []
        var filed: [(suggestion: String, link: PaperLink)] = []
        var sender = try known.person(withEmail: from.address)
        let fresh = links.filter { link in
            guard let paper = known.paper(for: link), let use = known.use(of: paper) else { return true }
            lines.append("already \(use): \(link.label)")
            return false
        }
        if !fresh.isEmpty && sender == nil {
            let id = store.environment.newID()
            let name = from.name.map { Self.clipped($0, to: 300) } ?? "Mail-in guest"
            batch.append(BatchMutation(
                name: "person.create", args: ["id": .string(id), "name": .string(name), "email": .string(from.address)],
                actor: .administrator))
            sender = PersonID(id)
            lines.insert("new guest person \(id)", at: 0)
        } else if let sender {
            lines.insert("sender matched to person \(sender)", at: 0)
        }
        guard let sender else { return lines }
        // The operator files on the sender's behalf: the sender proposes, with the administrator's rights.
        let proposer = Principal(personID: sender, isAdmin: true)
        for link in fresh {
            let id = store.environment.newID()
            var args: [(String, JSONValue)] = [("id", .string(id)), ("seriesID", .string(series.rawValue))]
            args.append(("title", .string(title(subject: subject, link: link, of: fresh.count))))
            if let paper = known.paper(for: link) {
                args.append(("paperID", .string(paper)))
            } else {
                args.append(("paper", link.paperFields.json))
            }
            batch.append(BatchMutation(name: "suggestion.create", args: .object(args), actor: proposer))
            filed.append((id, link))
        }
        try store.runBatch(batch)
        for (id, link) in filed {
            let paper = try store.values(of: .suggestion, id: id, actor: .administrator).first
                .flatMap { try? JSONParser.parse($0) }?["paperIDs"]?.arrayValue?.first?.stringValue ?? "?"
            lines.append("filed suggestion \(id) (paper \(paper)): \(link.label)")
        }
        return lines
    }

    /// The Subject (with the link when the message names several papers), else the link.
    private func title(subject: String?, link: PaperLink, of count: Int) -> String {
        guard let subject else { return link.label }
        if count == 1 { return Self.clipped(subject, to: 300) }
        let suffix = " (\(link.label))"
        return Self.clipped(subject, to: max(1, 300 - suffix.unicodeScalars.count)) + suffix
    }

    /// At most `limit` Unicode scalars (the unit the schema's limits count).
    static func clipped(_ text: String, to limit: Int) -> String {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: text.unicodeScalars.prefix(limit))
        return String(out).trimmingWhitespace()
    }
}

/// What the database already holds that a mail-in must not repeat: people by email, papers by identity,
/// and the series' open suggestions and episodes by paper. Read as the administrator.
struct KnownPapers {
    private var people: [JSONValue]
    private var papers: [JSONValue]
    private var suggestions: [JSONValue]
    private var episodes: [JSONValue]

    init(_ store: Store, series: SeriesID) throws {
        func parsed(_ values: [String]) -> [JSONValue] { values.compactMap { try? JSONParser.parse($0) } }
        people = parsed(try store.values(of: .person, actor: .administrator))
        papers = parsed(try store.values(of: .paper, actor: .administrator))
        suggestions = parsed(try store.values(of: .suggestion, inSeries: series, actor: .administrator))
        episodes = parsed(try store.values(of: .episode, inSeries: series, actor: .administrator))
    }

    /// The person whose email is `address`, compared case-insensitively.
    func person(withEmail address: String) throws -> PersonID? {
        let wanted = address.lowercased()
        return people.first { $0["email"]?.stringValue?.lowercased() == wanted }?["id"]?.stringValue.flatMap(PersonID.init)
    }

    /// The id of the stored paper the link names: by arXiv id or DOI, and for OpenReview by its forum URL.
    func paper(for link: PaperLink) -> String? {
        let match: (JSONValue) -> Bool
        switch link {
        case .arXiv(let id): match = { $0["arxivID"]?.stringValue == id }
        case .doi(let doi): match = { $0["doi"]?.stringValue == doi }
        case .openReview: match = { $0["url"]?.stringValue == link.url }
        }
        return papers.first(where: match)?["id"]?.stringValue
    }

    /// "suggested as suggestion …" or "scheduled as episode …" when the series already has the paper.
    func use(of paper: String) -> String? {
        if let open = suggestions.first(where: { $0["status"] == "open" && $0["paperIDs"]?.arrayValue?.contains(.string(paper)) == true }),
            let id = open["id"]?.stringValue
        {
            return "suggested as suggestion \(id)"
        }
        if let episode = episodes.first(where: { episode in
            episode["status"] != "cancelled" && episode["papers"]?.arrayValue?.contains { $0["paperID"] == .string(paper) } == true
        }), let id = episode["id"]?.stringValue {
            return "scheduled as episode \(id)"
        }
        return nil
    }
}
