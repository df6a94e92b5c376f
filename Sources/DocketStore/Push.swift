public import DocketCore
import GRDB

/// One mutation as a client sent it.
public struct IncomingMutation: Sendable {
    public var id: Int64
    public var name: String
    public var at: Timestamp?
    public var args: JSONValue
    /// What the handler could make of `args` before the push waited for the writer (`MutationRegistry.preparers`).
    var prepared: (any Sendable)?

    public init(id: Int64, name: String, at: Timestamp?, args: JSONValue) {
        self.id = id
        self.name = name
        self.at = at
        self.args = args
    }
}

/// What became of one mutation of a push.
public struct MutationResult: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case applied
        case rejected(Problem)
        /// Processed before; `status` and `problem` are the original outcome, when still remembered.
        case duplicate(status: MutationStatus?, problem: JSONValue?)
    }

    public var id: Int64
    public var outcome: Outcome
}

/// The result of a whole push.
public struct PushOutcome: Sendable {
    public var lastMutationID: Int64
    /// The change version at which this push's applied effects are visible.
    public var version: Int64
    public var results: [MutationResult]
    /// Set when the batch stopped at a mutation id that skipped ahead.
    public var gap: Bool
}

extension Store {
    /// How many results per client are remembered for duplicates (PROTOCOL: at least 1,000).
    public static let rememberedResults: Int64 = 1000

    /// Processes a push: in order, exactly once per client, all in one transaction committed before returning.
    ///
    /// Each mutation runs in a savepoint, so a rejected one leaves nothing
    /// behind but still advances `lastMutationID`. Throws `forbidden` when the
    /// client belongs to another person, before anything is written (`PushGroups` relies on it).
    public func push(actor: Principal, clientID: ClientID, mutations: [IncomingMutation]) throws -> PushOutcome {
        try pool.write(pushTransaction(actor: actor, clientID: clientID, mutations: mutations))
    }

    /// The same push for the server: waits for SQLite's writer without blocking the caller's thread, and
    /// shares a transaction with the pushes that arrived meanwhile (see `PushGroups`).
    public func push(actor: Principal, clientID: ClientID, mutations: [IncomingMutation]) async throws -> PushOutcome {
        try await pushGroups.push(mutations: mutations.count, pushTransaction(actor: actor, clientID: clientID, mutations: mutations))
    }

    /// The push's work for the writer, with each mutation's arguments read (and what can be built from them built)
    /// now, on the caller's thread: the writer is the one thing pushes wait for.
    private func pushTransaction(actor: Principal, clientID: ClientID, mutations: [IncomingMutation])
        -> @Sendable (Database) throws -> PushOutcome
    {
        let now = environment.now()
        let environment = self.environment
        let mutations = mutations.map { mutation in
            var mutation = mutation
            mutation.prepared = MutationRegistry.preparers[mutation.name]?(mutation.args, actor, now, environment)
            return mutation
        }
        return { db in
            let person = actor.personID?.rawValue ?? ""
            var last = try self.bindClient(clientID, person: person, now: now, db)
            let held = HeldWrites()
            var results: [MutationResult] = []
            var gap = false
            for mutation in mutations {
                if mutation.id <= last {
                    results.append(MutationResult(id: mutation.id, outcome: try self.remembered(clientID, mutation.id, held, db)))
                    continue
                }
                if mutation.id > last + 1 {
                    gap = true
                    break
                }
                let outcome = try self.apply(mutation, actor: actor, clientID: clientID, now: now, held: held, db: db)
                last = mutation.id
                held.hold(Self.remembering(clientID, mutation, outcome))
                results.append(MutationResult(id: mutation.id, outcome: outcome))
            }
            try held.flush(db)
            try db.execute(
                cached: "UPDATE sync_client SET last_mutation_id = ?, updated_at = ? WHERE id = ?",
                arguments: [last, now.milliseconds, clientID.rawValue])
            try db.execute(
                cached: "DELETE FROM mutation_result WHERE client_id = ? AND mutation_id <= ?",
                arguments: [clientID.rawValue, last - Store.rememberedResults])
            let version = try Int64.fetchOne(db, cached: "SELECT version FROM clock WHERE id = 1")!
            return PushOutcome(lastMutationID: last, version: version, results: results, gap: gap)
        }
    }

    /// Runs mutations as the given actor without a sync client (the CLI and the demo import).
    ///
    /// The same handlers and change log as a push; the first rejection is thrown.
    @discardableResult
    public func run(_ name: String, _ args: JSONValue, as actor: Principal = .administrator, at: Timestamp? = nil) throws -> Int64 {
        let now = environment.now()
        return try pool.write { db in
            let mutation = IncomingMutation(id: 0, name: name, at: at, args: args)
            if case .rejected(let problem) = try apply(mutation, actor: actor, clientID: nil, now: now, db: db) {
                throw problem
            }
            return try Int64.fetchOne(db, cached: "SELECT version FROM clock WHERE id = 1")!
        }
    }

    /// The client's `lastMutationID`, binding an unseen client to `person`; `forbidden` if bound to someone else.
    func bindClient(_ clientID: ClientID, person: String, now: Timestamp, _ db: Database) throws -> Int64 {
        if let row = try Row.fetchOne(
            db, cached: "SELECT person_id, last_mutation_id FROM sync_client WHERE id = ?", arguments: [clientID.rawValue])
        {
            guard row["person_id"] == person else { throw Problem(.forbidden, "this clientID belongs to another person") }
            return row["last_mutation_id"]
        }
        guard !person.isEmpty else { throw Problem(.forbidden, "a sync client needs a person") }
        try db.execute(
            cached: "INSERT INTO sync_client (id, person_id, last_mutation_id, created_at, updated_at) VALUES (?, ?, 0, ?, ?)",
            arguments: [clientID.rawValue, person, now.milliseconds, now.milliseconds])
        return 0
    }

    func apply(
        _ mutation: IncomingMutation, actor: Principal, clientID: ClientID?, now: Timestamp, held: HeldWrites? = nil, db: Database
    ) throws -> MutationResult.Outcome {
        guard let handler = MutationRegistry.handlers[mutation.name] else {
            return .rejected(Problem(.unknownMutation, "no mutation is named \"\(mutation.name)\""))
        }
        let fiveMinutes: Int64 = 5 * 60 * 1000
        var at = mutation.at ?? now
        if at.milliseconds > now.milliseconds + fiveMinutes { at = now }
        let besideHeld = MutationRegistry.runBesideHeldRows.contains(mutation.name)
        if !besideHeld { try held?.settle(db) }
        let context = MutationContext(
            db: db, actor: actor, clientID: clientID, now: now, at: at, environment: environment, held: held, sharesAccess: besideHeld)
        context.prepared = mutation.prepared
        // A flush inside the savepoint is undone with it: the rows go back to being held.
        let saved = held?.saved
        do {
            try Store.inSavepoint(db) {
                var args = Args(mutation.args)
                try handler(&args, context)
                try ChangeLog.record(context)
            }
            held?.hold(context.heldChanges)
            return .applied
        } catch {
            if let held, let saved { held.restore(saved) }
            return try Self.rejection(for: error)
        }
    }

    /// What a mutation whose savepoint was rolled back reports; SQLite's other errors fail the push.
    private static func rejection(for error: any Error) throws -> MutationResult.Outcome {
        switch error {
        case let problem as Problem:
            return .rejected(problem)
        case let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT:
            // A rule the schema enforces that no handler checked first: reject, do not fail the push.
            // The SQLite message names tables and columns: keep it off the wire.
            return .rejected(Problem(.conflict, "the change breaks a rule of the stored data"))
        case is DatabaseError:
            throw error
        default:
            // A fault of one mutation's handling must not fail the whole push (and its earlier mutations).
            return .rejected(Problem(.internal, "the mutation could not be processed (\(type(of: error)))"))
        }
    }

    /// Runs `body` in a savepoint, rolled back when it throws. Unlike GRDB's `inSavepoint`, whose statements are
    /// parsed anew each time, this uses prepared ones: a savepoint per mutation made parsing 5% of a push.
    static func inSavepoint(_ db: Database, _ body: () throws -> Void) throws {
        try db.execute(cached: "SAVEPOINT mutation")
        do {
            try body()
        } catch {
            try db.execute(cached: "ROLLBACK TO SAVEPOINT mutation")
            try db.execute(cached: "RELEASE SAVEPOINT mutation")
            throw error
        }
        try db.execute(cached: "RELEASE SAVEPOINT mutation")
    }

    /// The `mutation_result` row that remembers a processed mutation's outcome.
    private static func remembering(_ clientID: ClientID, _ mutation: IncomingMutation, _ outcome: MutationResult.Outcome)
        -> HeldWrites.Result
    {
        var status = MutationStatus.applied
        var problem: String?
        if case .rejected(let rejection) = outcome {
            status = .rejected
            problem = rejection.json.jsonString
        }
        return HeldWrites.Result(
            clientID: clientID.rawValue, mutationID: mutation.id, name: String(mutation.name.prefix(100)), status: status, problem: problem)
    }

    private func remembered(_ clientID: ClientID, _ id: Int64, _ held: HeldWrites, _ db: Database) throws -> MutationResult.Outcome {
        if let result = held.result(client: clientID.rawValue, mutation: id) {
            // A mutation id sent twice in one push: its outcome is not written yet.
            return .duplicate(status: result.status, problem: result.problem.flatMap { try? JSONParser.parse($0) })
        }
        guard let row = try Row.fetchOne(
            db, cached: "SELECT status, problem FROM mutation_result WHERE client_id = ? AND mutation_id = ?",
            arguments: [clientID.rawValue, id])
        else { return .duplicate(status: nil, problem: nil) }
        let problem = (row["problem"] as String?).flatMap { try? JSONParser.parse($0) }
        return .duplicate(status: MutationStatus(rawValue: row["status"]), problem: problem)
    }
}
