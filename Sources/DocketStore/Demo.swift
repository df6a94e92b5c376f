public import DocketCore
import GRDB

/// One mutation of a batch run without a sync client, with its actor.
public struct BatchMutation: Sendable {
    public var name: String
    public var args: JSONValue
    public var actor: Principal

    public init(name: String, args: JSONValue, actor: Principal) {
        self.name = name
        self.args = args
        self.actor = actor
    }
}

extension Store {
    /// The fixture names the binary carries (`ml-seminar`).
    public static var fixtureNames: [String] { EmbeddedSchema.fixtures.keys.sorted() }

    /// Runs mutations in order in one transaction through the usual handlers; the first rejection undoes all.
    public func runBatch(_ batch: [BatchMutation]) throws {
        let now = environment.now()
        try pool.write { db in
            for (index, item) in batch.enumerated() {
                let mutation = IncomingMutation(id: Int64(index + 1), name: item.name, at: nil, args: item.args)
                if case .rejected(var problem) = try apply(mutation, actor: item.actor, clientID: nil, now: now, db: db) {
                    problem.detail = "mutation \(index + 1) (\(item.name)): \(problem.description)"
                    throw problem
                }
            }
        }
    }

    /// Loads a fixture (once) and issues its organizer a fresh token.
    ///
    /// A fixture is `{"organizerID", "mutations": [{"as", "name", "args"}]}`;
    /// it runs through the same mutation handlers as every other write. When
    /// its first series exists already, only the token is issued.
    public func loadDemo(fixture name: String = "ml-seminar") throws -> (organizer: PersonID, token: String, loaded: Bool) {
        guard let text = EmbeddedSchema.fixtures[name] else { throw Problem(.notFound, "no fixture named \(name)") }
        let fixture = try JSONParser.parse(text)
        guard case .string(let organizerText)? = fixture["organizerID"], let organizer = PersonID(organizerText),
            case .array(let entries)? = fixture["mutations"]
        else { throw Problem(.badRequest, "fixture \(name) lacks organizerID or mutations") }
        let batch = try entries.enumerated().map { index, entry -> BatchMutation in
            guard case .string(let mutationName)? = entry["name"], let args = entry["args"] else {
                throw Problem(.badRequest, "fixture \(name): entry \(index + 1) lacks name or args")
            }
            var actor = Principal.administrator
            if case .string(let person)? = entry["as"] {
                guard let id = PersonID(person) else { throw Problem(.badRequest, "fixture \(name): entry \(index + 1) has a bad actor") }
                actor = Principal(personID: id, isAdmin: false)
            }
            return BatchMutation(name: mutationName, args: args, actor: actor)
        }
        let firstSlug = batch.first { $0.name == "series.create" }?.args["slug"]?.stringValue ?? ""
        let exists = try pool.read { db in try Bool.fetchOne(db, cached: "SELECT 1 FROM series WHERE slug = ?", arguments: [firstSlug]) } ?? false
        if !exists { try runBatch(batch) }
        let token = try issueToken(person: organizer, device: "demo")
        return (organizer, token.secret, !exists)
    }
}
