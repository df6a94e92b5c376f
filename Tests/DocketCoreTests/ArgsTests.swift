import DocketCore
import Foundation
import Testing

@Suite struct ArgsTests {
    @Test func collectsEveryBadFieldWithItsPath() throws {
        var args = Args(["title": 5, "tags": ["ok", 3, ""], "year": "1999", "seriesID": "not-a-uuid"])
        _ = args.string("title")
        _ = args.stringList("tags", maxCount: 20)
        _ = args.optionalInt("year", in: 1000...3000)
        _ = args.id("seriesID", SeriesKind.self)
        _ = args.string("missing")
        do {
            try args.finish()
            Issue.record("no problem thrown")
        } catch {
            #expect(error.code == .validationFailed)
            #expect(error.errors.map(\.field) == ["args.title", "args.tags[1]", "args.tags[2]", "args.year", "args.seriesID", "args.missing"])
        }
    }

    @Test func enforcesLengthsAndTrimsWhitespace() {
        var args = Args(["title": .string(String(repeating: "x", count: 301)), "name": "  Ada  ", "blank": "   "])
        #expect(args.string("title") == nil)
        #expect(args.string("name") == "Ada")
        #expect(args.string("blank") == nil)
        #expect(!args.isValid)
    }

    @Test func refusesTheNULCharacterInAnyString() throws {
        var args = Args(["title": "a\u{0}b", "tags": ["ok", "x\u{0}"], "pitch": "\u{0}"])
        #expect(args.string("title") == nil)
        #expect(args.stringList("tags", maxCount: 20) == ["ok"])
        #expect(args.optionalString("pitch") == nil)
        do {
            try args.finish()
            Issue.record("no problem thrown")
        } catch {
            #expect(error.errors.map(\.field) == ["args.title", "args.tags[1]", "args.pitch"])
            #expect(error.errors.first?.message.contains("U+0000") == true)
        }
    }

    @Test func nestedObjectsReportFullPaths() {
        var args = Args(["paper": ["title": 1]])
        var paper = args.object("paper")!
        _ = paper.string("title")
        args.absorb(paper)
        #expect(throws: Problem.self) { try args.finish() }
        do { try args.finish() } catch { #expect(error.errors.first?.field == "args.paper.title") }
    }

    @Test func choicesNameTheAllowedValues() {
        var args = Args(["visibility": "secret"])
        #expect(args.choice("visibility", SeriesVisibility.self) == nil)
        do { try args.finish() } catch { #expect(error.errors.first?.message == "must be one of \"public\", \"members\"") }
    }

    @Test func argsMustBeAnObject() {
        let args = Args(["not", "an", "object"])
        #expect(!args.isValid)
    }

    @Test func rankingsRejectDuplicatesAndEmptyGroups() {
        let a = "0193f1c3-0000-7000-8000-000000000001", b = "0193f1c3-0000-7000-8000-000000000002"
        var ok = Args(["ranking": [[.string(a)], [.string(b)]]])
        #expect(Ballot.readRanking(&ok)?.count == 2)
        var twice = Args(["ranking": [[.string(a)], [.string(a)]]])
        #expect(Ballot.readRanking(&twice) == nil)
        var empty = Args(["ranking": [[]]])
        #expect(Ballot.readRanking(&empty) == nil)
        var flat = Args(["ranking": [.string(a)]])
        #expect(Ballot.readRanking(&flat) == nil)
        var abstain = Args(["ranking": []])
        #expect(Ballot.readRanking(&abstain)?.isEmpty == true)
    }
}

@Suite struct NumberingTests {
    func entry(_ n: Int, _ day: Int64, _ status: EpisodeStatus, _ number: Int? = nil) -> EpisodeNumbering.Entry {
        EpisodeNumbering.Entry(
            id: EpisodeID("00000000-0000-7000-8000-0000000000" + (n < 10 ? "0\(n)" : "\(n)"))!,
            startsAt: Timestamp(milliseconds: day * 86_400_000), status: status, number: number)
    }

    @Test func heldEpisodesKeepNumbersAndScheduledFollowInDateOrder() {
        let entries = [entry(1, 1, .held, 1), entry(2, 2, .held, 2), entry(3, 9, .scheduled, 7), entry(4, 5, .scheduled), entry(5, 6, .cancelled, 4)]
        let numbers = EpisodeNumbering.numbers(for: entries)
        #expect(numbers[entries[0].id] == 1)
        #expect(numbers[entries[1].id] == 2)
        #expect(numbers[entries[3].id] == 3)
        #expect(numbers[entries[2].id] == 4)
        #expect(numbers[entries[4].id] == .some(nil))
    }

    @Test func aNewlyHeldEpisodeTakesTheNextHeldNumber() {
        let entries = [entry(1, 1, .held, 1), entry(2, 3, .held), entry(3, 2, .scheduled, 2)]
        let numbers = EpisodeNumbering.numbers(for: entries)
        #expect(numbers[entries[1].id] == 2)
        #expect(numbers[entries[2].id] == 3)
    }
}

@Suite struct CadenceTests {
    @Test(arguments: ["FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "FREQ=WEEKLY", "FREQ=DAILY;INTERVAL=7", "FREQ=MONTHLY", "freq=weekly;byday=mo,th"])
    func acceptsRulesDocketCanFollow(_ rule: String) {
        #expect(Cadence.problem(inRRule: rule) == nil)
    }

    @Test(arguments: ["", "WEEKLY", "FREQ=YEARLY", "FREQ=WEEKLY;INTERVAL=0", "FREQ=WEEKLY;BYDAY=XX", "FREQ=DAILY;BYDAY=TU", "FREQ=WEEKLY;COUNT=3", "FREQ=WEEKLY;FREQ=DAILY"])
    func rejectsOthersWithAReason(_ rule: String) {
        #expect(Cadence.problem(inRRule: rule) != nil)
    }

    @Test func slugsAreLowercaseWordsWithHyphens() {
        #expect(Series.isValidSlug("ml-seminar"))
        #expect(!Series.isValidSlug("ML"))
        #expect(!Series.isValidSlug("-x"))
        #expect(!Series.isValidSlug("a--b"))
        #expect(!Series.isValidSlug(""))
    }

    @Test func uuidV7CarriesTheTimeAndVersion() {
        let id = UUIDv7.make(milliseconds: 0x0193_f1c2_0000, random: Array(repeating: 0xFF, count: 10))
        #expect(id == "0193f1c2-0000-7fff-bfff-ffffffffffff")
        #expect(EntityID<SeriesKind>(id) != nil)
        #expect(EntityID<SeriesKind>(id.uppercased()) == nil)
        // Every nibble value, against Foundation's own formatting of the same 16 bytes.
        let random: [UInt8] = [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x0f, 0xf0]
        let made = UUIDv7.make(milliseconds: 0x0a1b_2c3d_4e5f, random: random)
        var bytes: [UInt8] = [0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f] + random
        bytes[6] = 0x70 | (bytes[6] & 0x0F)
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        let uuid = bytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }
        #expect(made == UUID(uuid: uuid).uuidString.lowercased())
    }
}
