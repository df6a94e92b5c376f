import ArgumentParser
import DocketCore
import Foundation

/// `docket tally`: counts a ballot file with one method and prints the result (TALLY.md).
///
/// Options are read as plain strings and checked in `run()`, so that every
/// mistake, usage or input, ends as one `docket tally: ` line on stderr with
/// nothing on stdout. The process exits right there with its status: thrown
/// errors would make the root command print a second line.
struct TallyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Count a ballot file with one voting method and print the result.",
        usage: "docket tally --method METHOD --ballots FILE [--format json|text]",
        discussion: TallyHelp.discussion
    )

    @Option(help: ArgumentHelp("Required: \(TallyHelp.methodList).", valueName: "method"))
    var method: String?

    @Option(help: ArgumentHelp("Required: the ballot file (JSON); - reads standard input.", valueName: "file"))
    var ballots: String?

    @Option(help: ArgumentHelp("json (the default; the contract) or text (for people).", valueName: "format"))
    var format: String = "json"

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var unexpected: [String] = []

    func run() throws {
        do {
            print(try output(), terminator: "")
        } catch {
            FileHandle.standardError.write(Data("docket tally: \(error.message)\n".utf8))
            Foundation.exit(error.status)
        }
    }

    /// Everything `run()` prints on success; throws the one-line failure otherwise.
    func output() throws(TallyFailure) -> String {
        let (method, textFormat) = try settings()
        let input: TallyInput
        do {
            input = try TallyInput.parse(json: try readBallots())
        } catch let error as TallyInputError {
            throw .input(error.message)
        } catch let error as TallyFailure {
            throw error
        } catch {
            throw .input("\(error)")
        }
        let result: TallyResult
        do {
            result = try tally(input, method: method)
        } catch {
            throw .input(error.description)
        }
        if textFormat {
            let small = input.candidateCount <= TallyResult.maxTableCandidates
            return result.textReport(margins: small ? PairwiseMatrix(input) : nil)
        }
        return result.json.jsonString + "\n"
    }

    private func settings() throws(TallyFailure) -> (VotingMethod, textFormat: Bool) {
        if let first = unexpected.first { throw .usage("unexpected argument \(quote(first)) (see docket tally --help)") }
        guard let name = method else { throw .usage("missing --method (\(TallyHelp.methodList))") }
        guard let method = VotingMethod(rawValue: name) else {
            throw .usage("unknown method \(quote(name)) (expected \(TallyHelp.methodList))")
        }
        guard ballots != nil else { throw .usage("missing --ballots FILE (a JSON ballot file, or - for standard input)") }
        guard format == "json" || format == "text" else {
            throw .usage("unknown format \(quote(format)) (expected json or text)")
        }
        return (method, format == "text")
    }

    private func readBallots() throws(TallyFailure) -> Data {
        let path = ballots ?? "-"
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .input("ballot file \(quote(path)) does not exist")
        }
        guard !isDirectory.boolValue else { throw .input("ballot file \(quote(path)) is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .input("cannot read ballot file \(quote(path))")
        }
        return data
    }

    private func quote(_ text: String) -> String {
        var out = ""
        JSONValue.writeString(text, into: &out)
        return out
    }
}

/// Why `docket tally` stopped: the one-line message and the exit status.
struct TallyFailure: Error {
    let message: String
    let status: Int32

    /// A bad invocation: exit status 64 (EX_USAGE, as ArgumentParser uses).
    static func usage(_ message: String) -> TallyFailure { TallyFailure(message: message, status: 64) }

    /// A ballot file that is missing, unreadable or invalid, or a method that cannot count it: exit status 1.
    static func input(_ message: String) -> TallyFailure { TallyFailure(message: message, status: 1) }
}

/// The text of `docket tally --help` beyond the option list.
enum TallyHelp {
    static let methodList = VotingMethod.allCases.map(\.rawValue).joined(separator: ", ")

    static let discussion = """
        The ballot file is one JSON object:
          {"candidates": ["a", "b", "c"],
           "ballots": [{"ranking": [["a"], ["b", "c"]], "count": 3},
                       {"ranking": [["c"]]}]}
        A ranking lists tie groups, best first; unlisted candidates tie below every \
        listed one; an empty ranking abstains. "count" (default 1) is an integer of 0 \
        or more, and 0 counts for nothing. Reading is strict: unknown or repeated keys, \
        unknown ids (case-sensitive), an id twice in a ballot, empty groups, and counts \
        that are not JSON integers (1.5, 3.0, "3", true) are errors.

        Methods (margin: voters preferring a to b, minus the reverse):
          schulze       strongest paths; ranking = layers of the beats relation
          ranked-pairs  lock margins largest first, skipping cycles; winners over
                        every order of equal margins; ranking is null
          copeland      pairwise wins minus pairwise losses
          borda         per ballot, the candidates ranked strictly below
          irv           instant runoff; winners over every choice among the
                        tied-lowest; ranking is null. irv needs strict ballots
                        (one id per group, truncation allowed): a counted
                        ballot with a tie is rejected with an error.
          approval      the ballots listing the candidate, in any group

        Output (--format json): "method"; "winners" (every co-winner, sorted by id \
        bytes); "ranking" (tie groups best first, or null); "order" (all candidates, \
        ties broken); "scores" (copeland, borda, approval); "tieBreak"; "note". \
        --format text prints the same for people, with the irv rounds and the \
        pairwise margin table (and schulze's strongest paths) up to 40 candidates.

        Ties in "order" are broken by position in the input candidates list, earlier \
        first. ranked-pairs locks equal margins by the winner's, then the loser's, \
        position; irv eliminates the latest-listed of the tied-lowest.

        Bounds: schulze, ranked-pairs and copeland count at most 2,000 candidates. \
        The searches over tie-breaks stop after 100,000 states (ranked-pairs) or \
        300,000 (irv), or about 0.2 s of work. Past a bound the output gains a \
        "note" key: "winners" then lists the candidates found so far, which always \
        include order[0], and may be incomplete.

        Errors print one line starting with "docket tally: " on stderr and nothing \
        on stdout; the exit status is 1 for a bad ballot file and 64 for bad options.
        """
}
