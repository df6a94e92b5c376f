import DocketCore
import DocketStore
import Foundation
import Testing

/// Anyone can recount a closed round: the export fed to the real `docket tally` gives the published result.
@Suite struct RecountTests {
    @Test(arguments: ["schulze", "copeland", "borda", "approval", "ranked-pairs"])
    func theCLIRecountsAClosedRoundExactly(_ method: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-recount-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(path: directory.appendingPathComponent("docket.db").path)
        let series = UUID().uuidString.lowercased()
        try store.run(
            "series.create",
            ["id": .string(series), "slug": "club", "title": "Club", "cadence": ["rrule": "FREQ=WEEKLY", "startDate": "2026-01-05", "startTime": "18:00"]])
        var voters: [Principal] = []
        for index in 0..<7 {
            let id = UUID().uuidString.lowercased()
            try store.run("person.create", ["id": .string(id), "name": .string("Voter \(index)")])
            try store.run("membership.set", ["seriesID": .string(series), "personID": .string(id), "role": index == 0 ? "organizer" : "member"])
            voters.append(Principal(personID: PersonID(id)!, isAdmin: false))
        }
        var ids: [String] = []
        for title in ["P", "Q", "R", "S"] {
            let id = UUID().uuidString.lowercased()
            ids.append(id)
            try store.run(
                "suggestion.create", ["id": .string(id), "seriesID": .string(series), "paper": ["title": .string(title)]], as: voters[1])
        }
        for (index, voter) in voters.enumerated() {
            let rotated = Array(ids[(index % 4)...] + ids[..<(index % 4)]).prefix(1 + index % 3)
            try store.run("ballot.set", ["seriesID": .string(series), "ranking": .array(rotated.map { [.string($0)] })], as: voter)
        }
        let round = UUID().uuidString.lowercased()
        try store.run(
            "round.open",
            ["id": .string(round), "seriesID": .string(series), "title": "R", "closesAt": "2099-01-01T00:00:00.000Z", "method": .string(method)],
            as: voters[0])
        try store.run("round.close", ["id": .string(round)], as: voters[0])
        let export = try #require(try store.roundExport(RoundID(round)!, actor: voters[3]))
        let file = directory.appendingPathComponent("ballots.json")
        try Data(export.tallyJSON.jsonString.utf8).write(to: file)
        let outcome = try DocketBinary.run(["tally", "--method", method, "--ballots", file.path, "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let recount = try JSONParser.parse(outcome.stdout)
        let published = try #require(
            try store.values(of: .round, id: round, actor: voters[3]).first.map { try JSONParser.parse($0)["result"] } ?? nil)
        #expect(recount["winners"] == published["winners"])
        #expect(recount["ranking"] == published["ranking"])
        #expect(recount["order"] == published["order"])
    }
}
