import DocketCore
import GRDB

/// Everything one mutation's handler may use, inside the push's transaction.
///
/// Handlers read and write through `db`, check roles with `require`, and
/// name each entity they change with `touch`; the change log is written from
/// those names when the handler returns.
final class MutationContext {
    let db: Database
    let actor: Principal
    let clientID: ClientID?
    /// The server's time when the mutation ran.
    let now: Timestamp
    /// The client's time of the user's action, clamped to at most 5 minutes ahead of `now`.
    let at: Timestamp
    let environment: Environment
    /// The push's held rows (see `HeldWrites`); nil outside a push, where every row is written at once.
    let held: HeldWrites?
    /// Whether `require` may use and keep what earlier mutations of the push read (`HeldWrites.access`): only for
    /// mutations that change no series and no membership.
    let sharesAccess: Bool
    /// What the handler's preparer made of the arguments before the writer was free (see `MutationRegistry.preparers`).
    var prepared: (any Sendable)?
    /// Change rows of entities this mutation created, held once its savepoint is released (see `Store.apply`).
    var heldChanges: [HeldWrites.Change] = []
    private(set) var touched: [(EntityType, String)] = []
    private var touchedSet: Set<String> = []
    private(set) var fieldChanges: [(EntityType, String, [String])] = []
    /// Stored forms computed outside the transaction (a standing's count) or built by the handler, by "type:id".
    var precomputed: [String: ChangeLog.Snapshot] = [:]
    /// The keys of entities this mutation created (see `touch(_:_:built:created:)`).
    private(set) var created: Set<String> = []
    #if DEBUG
    /// The keys of `precomputed` that a handler built (see `touch(_:_:built:)`).
    private(set) var built: Set<String> = []
    #endif
    /// Readers who lost sight of entities that still exist (`Sight.everyone`: every reader who cannot see them now).
    var lostSight: [(person: String, key: Sight.Key)] = []
    /// People whose next pull must be a reset (they may newly see, or see differently, unchanged entities).
    var epochRaised: Set<String> = []
    /// Every reader's next pull must be a reset (a series became public).
    var everyoneEpochRaised = false

    init(
        db: Database, actor: Principal, clientID: ClientID?, now: Timestamp, at: Timestamp, environment: Environment,
        held: HeldWrites? = nil, sharesAccess: Bool = false
    ) {
        self.db = db
        self.held = held
        self.sharesAccess = sharesAccess
        self.actor = actor
        self.clientID = clientID
        self.now = now
        self.at = at
        self.environment = environment
    }

    /// Writes the push's held rows, before this mutation reads the change log or audiences.
    func flushHeld() throws {
        if let held, !held.isEmpty { try held.flush(db) }
    }

    /// Marks an entity as changed so its new state goes into the change log.
    func touch(_ type: EntityType, _ id: String) {
        if touchedSet.insert("\(type.rawValue):\(id)").inserted {
            touched.append((type, id))
        }
    }

    /// Marks an entity the handler has just written as changed, with the stored form it built from what it wrote
    /// (saving the change log a read of the rows it came from); `created` when this mutation made the entity, so
    /// it has no earlier change row. Debug builds check the form against that read.
    func touch(_ type: EntityType, _ id: String, built snapshot: ChangeLog.Snapshot, created: Bool) {
        touch(type, id)
        let key = "\(type.rawValue):\(id)"
        precomputed[key] = snapshot
        if created { self.created.insert(key) }
        #if DEBUG
        built.insert(key)
        #endif
    }

    /// Records which fields an update set, for later field-level merges.
    func recordFieldChanges(_ type: EntityType, _ id: String, _ fields: [String]) {
        fieldChanges.append((type, id, fields))
    }

    /// The acting person, or a `forbidden` problem when the actor is the bare administrator.
    func person() throws(Problem) -> PersonID {
        guard let id = actor.personID else { throw Problem(.forbidden, "this mutation needs a person, not the server administrator") }
        return id
    }

    /// The actor's role in a series (administrators count as organizers everywhere).
    func role(in series: SeriesID) throws -> SeriesRole? {
        if actor.isAdmin { return .organizer }
        guard let person = actor.personID else { return nil }
        return try role(of: person, in: series)
    }

    /// A person's membership role in a series, as stored.
    func role(of person: PersonID, in series: SeriesID) throws -> SeriesRole? {
        let text = try String.fetchOne(
            db, cached: "SELECT role FROM membership WHERE series_id = ? AND person_id = ?",
            arguments: [series.rawValue, person.rawValue])
        return text.flatMap(SeriesRole.init(rawValue:))
    }

    /// Checks that the series exists and is visible to the actor, and that the actor has at least `role`.
    ///
    /// A series the actor may not see is reported as unknown, so its existence does not leak.
    func require(_ role: SeriesRole, in series: SeriesID, field: String = "args.seriesID") throws {
        guard let (visibility, stored) = try access(to: series)
        else { throw Problem(.validationFailed, "\(field) names an unknown series", errors: [FieldError(field: field, message: "unknown series")]) }
        let actual = actor.isAdmin ? .organizer : stored.flatMap(SeriesRole.init(rawValue:))
        if actual == nil && visibility != SeriesVisibility.public.rawValue {
            throw Problem(.validationFailed, "\(field) names an unknown series", errors: [FieldError(field: field, message: "unknown series")])
        }
        guard let actual, actual >= role else {
            throw Problem(.forbidden, "this needs the \(role.rawValue) role in the series")
        }
    }

    /// The series' visibility and the actor's stored role in it (nil when there is no such series), in one read;
    /// within a push, once for each series (see `HeldWrites.access`).
    private func access(to series: SeriesID) throws -> (visibility: String, role: String?)? {
        if sharesAccess, let known = held?.access[series.rawValue] { return known }
        guard let row = try Row.fetchOne(
            db, cached: "SELECT s.visibility, m.role FROM series s LEFT JOIN membership m ON m.series_id = s.id AND m.person_id = ? WHERE s.id = ?",
            arguments: [actor.personID?.rawValue, series.rawValue])
        else { return nil }
        let access = (visibility: row[0] as String, role: row[1] as String?)
        if sharesAccess { held?.access[series.rawValue] = access }
        return access
    }

    /// A new server-made id.
    func newID() -> String { environment.newID() }
}

/// The outcome of one processed mutation.
public enum MutationStatus: String, Sendable {
    case applied, rejected
}
