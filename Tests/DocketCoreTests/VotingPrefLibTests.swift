import DocketCore
import Testing

/// Real elections: the PrefLib Debian files (see `PrefLibDebian`), read by a small `.soi` reader.
@Suite struct VotingPrefLibTests {
    /// A PrefLib `.soi` file: `# ALTERNATIVE NAME i: name` headers, then `COUNT: a,b,c` strict orders.
    struct SOI {
        var title = ""
        var names: [String] = []
        var voters = 0
        var uniqueOrders = 0
        var lines: [(count: Int64, order: [Int])] = []

        init(_ text: String) throws {
            for raw in text.split(separator: "\n") {
                let line = raw.trimmingPrefix(" ")
                if line.hasPrefix("#") {
                    let parts = line.dropFirst().split(separator: ":", maxSplits: 1).map { $0.trimmingPrefix(" ") }
                    guard parts.count == 2 else { continue }
                    let key = String(parts[0]), value = String(parts[1])
                    if key == "TITLE" { title = value }
                    if key == "NUMBER VOTERS" { voters = Int(value) ?? -1 }
                    if key == "NUMBER UNIQUE ORDERS" { uniqueOrders = Int(value) ?? -1 }
                    if key.hasPrefix("ALTERNATIVE NAME ") { names.append(value) }
                } else {
                    let parts = line.split(separator: ":")
                    let count = try #require(Int64(parts[0]))
                    let order = try parts[1].split(separator: ",").map { item in
                        try #require(Int(item.filter { !$0.isWhitespace })) - 1
                    }
                    lines.append((count, order))
                }
            }
        }

        var input: TallyInput {
            get throws {
                try TallyInput(candidates: names, ballots: lines.map { TallyBallot(strict: $0.order, count: $0.count) })
            }
        }
    }

    /// (file, Schulze winner): the published winners, and for 2003 and 2006 what the files say
    /// (their ties were broken by alternative number, see the data README).
    static let winners: [(String, String)] = [
        ("00002-00000001.soi", "Bdale Garbee"),
        ("00002-00000002.soi", "Bdale Garbee"),
        ("00002-00000003.soi", "Branden Robinson"),
        ("00002-00000004.soi", "Steve McIntyre"),
        ("00002-00000005.soi", "Sam Hocevar"),
        ("00002-00000006.soi", "Stefano Zacchiroli"),
        ("00002-00000007.soi", "Stefano Zacchiroli"),
        ("00002-00000008.soi", "Swirl"),
    ]

    static func file(_ name: String) throws -> SOI {
        try SOI(try #require(PrefLibDebian.files.first { $0.name == name }).soi)
    }

    @Test(arguments: winners)
    func schulzeElectsThePublishedWinner(_ row: (String, String)) throws {
        let soi = try Self.file(row.0)
        #expect(soi.lines.count == soi.uniqueOrders)
        #expect(soi.lines.reduce(0) { $0 + $1.count } == Int64(soi.voters))
        let result = try tally(try soi.input, method: .schulze)
        #expect(result.winners.count == 1)
        #expect(result.winners.first?.hasPrefix(row.1) == true, "\(soi.title): \(result.winners)")
    }

    @Test(arguments: PrefLibDebian.files.map(\.name))
    func everyMethodKeepsTheContractOnRealData(_ name: String) throws {
        let input = try Self.file(name).input
        var schulzeWinners: [String] = []
        for method in VotingMethod.allCases {
            let result = try tally(input, method: method)
            try checkContract(result, input)
            #expect(result.note == nil)
            if method == .schulze { schulzeWinners = result.winners }
            // Each file has a Condorcet winner, so the Condorcet methods agree with Schulze.
            if method == .rankedPairs || method == .copeland { #expect(result.winners == schulzeWinners, "\(method)") }
        }
    }

    @Test func theFilesHaveTheirCondorcetWinners() throws {
        // 2003 in the file: Garbee beats everyone (officially, Michlmayr won 228:224 against him).
        let input = try Self.file("00002-00000002.soi").input
        let m = PairwiseMatrix(input)
        let garbee = try #require(input.candidates.firstIndex(of: "Bdale Garbee"))
        #expect((0..<input.candidateCount).allSatisfy { $0 == garbee || m.margin(garbee, $0) > 0 })
        // 2006 in the file: McIntyre over Towns 213:190.
        let y2006 = try Self.file("00002-00000004.soi").input
        let steve = try #require(y2006.candidates.firstIndex(of: "Steve McIntyre"))
        let towns = try #require(y2006.candidates.firstIndex(of: "Anthony Towns"))
        let matrix = PairwiseMatrix(y2006)
        #expect(matrix.preference(steve, over: towns) == 213)
        #expect(matrix.preference(towns, over: steve) == 190)
    }
}
