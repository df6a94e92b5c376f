public import DocketCore
import Foundation
import GRDB

/// A token as listed to its owner: never the secret.
public struct TokenInfo: Sendable, Equatable {
    public var id: TokenID
    public var personID: PersonID
    public var device: String
    public var createdAt: Timestamp
    public var lastUsedAt: Timestamp?
    public var expiresAt: Timestamp?
    public var revoked: Bool
}

extension Store {
    /// How a secret token starts.
    public static let tokenPrefix = "dkt_"

    /// Makes a new token for a person's device; the secret is returned once and only its hash is kept.
    public func issueToken(person: PersonID, device: String, expiresAt: Timestamp? = nil) throws -> (id: TokenID, secret: String) {
        try pool.write { db in try issueToken(person: person, device: device, expiresAt: expiresAt, db) }
    }

    func issueToken(person: PersonID, device: String, expiresAt: Timestamp?, _ db: Database) throws -> (id: TokenID, secret: String) {
        let device = device.trimmingWhitespace()
        guard (1...100).contains(device.unicodeScalars.count) else { throw Problem.invalid("body.device", "must be 1 to 100 characters") }
        guard try Bool.fetchOne(db, cached: "SELECT 1 FROM person WHERE id = ?", arguments: [person.rawValue]) == true else {
            throw Problem(.notFound, "no person has id \(person)")
        }
        let secret = Store.tokenPrefix + Crypto.base64URL(environment.randomBytes(32))
        let id = TokenID(trusted: environment.newID())
        try db.execute(
            cached: "INSERT INTO token (id, person_id, device, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                id.rawValue, person.rawValue, device, Data(Crypto.sha256(secret.utf8)), environment.now().milliseconds,
                expiresAt?.milliseconds,
            ])
        return (id, secret)
    }

    /// The principal a bearer secret stands for, or nil when it is unknown, revoked or expired.
    ///
    /// Looks the token up by its hash; records its use at most once a minute, so reads stay reads.
    public func authenticate(secret: String) throws -> Principal? {
        guard let hash = Store.tokenHash(secret) else { return nil }
        let now = environment.now().milliseconds
        guard let found = try pool.read(lookUpToken(hash, now: now)) else { return nil }
        if found.stale { try pool.write(markUsed(found.principal, now: now)) }
        return found.principal
    }

    /// The same look-up for the server: the read on the caller's thread (see `pull`), the occasional
    /// last-used write without blocking it.
    ///
    /// While nothing is committed, a token seen before is answered from `QuietCache` without a read.
    public func authenticate(secret: String) async throws -> Principal? {
        guard let hash = Store.tokenHash(secret) else { return nil }
        let now = environment.now().milliseconds
        let version = try quiet.dataVersion()
        if let known = quiet.token(hash, at: version), known.expiresAt.map({ $0 > now }) ?? true,
            !Store.isStale(lastUsedAt: known.lastUsedAt, now: now)
        {
            return known.principal
        }
        guard let found = try readHere(lookUpToken(hash, now: now)) else { return nil }
        if found.stale {
            try await pool.write(markUsed(found.principal, now: now))
        } else {
            quiet.remember(
                QuietCache.Token(principal: found.principal, expiresAt: found.expiresAt, lastUsedAt: found.lastUsedAt),
                for: hash, at: version)
        }
        return found.principal
    }

    /// Whether a token's last recorded use is old enough to record again (once a minute at most).
    static func isStale(lastUsedAt: Int64?, now: Int64) -> Bool {
        lastUsedAt.map { now - $0 > 60_000 } ?? true
    }

    /// The SHA-256 of a well-formed secret; nil for anything that cannot be a token.
    static func tokenHash(_ secret: String) -> Data? {
        guard secret.hasPrefix(tokenPrefix), secret.utf8.count == tokenPrefix.utf8.count + 43 else { return nil }
        return Data(Crypto.sha256(secret.utf8))
    }

    private func lookUpToken(_ hash: Data, now: Int64)
        -> @Sendable (Database) throws -> (principal: Principal, stale: Bool, expiresAt: Int64?, lastUsedAt: Int64?)?
    {
        { db in
            guard let row = try Row.fetchOne(
                db,
                cached: """
                    SELECT t.id, t.person_id, t.last_used_at, t.expires_at, p.is_admin FROM token t JOIN person p ON p.id = t.person_id
                    WHERE t.hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)
                    """,
                arguments: [hash, now])
            else { return nil }
            let lastUsed: Int64? = row["last_used_at"]
            let principal = Principal(
                personID: PersonID(trusted: row["person_id"]), isAdmin: row["is_admin"], tokenID: TokenID(trusted: row["id"]))
            return (principal, Store.isStale(lastUsedAt: lastUsed, now: now), row["expires_at"], lastUsed)
        }
    }

    private func markUsed(_ principal: Principal, now: Int64) -> @Sendable (Database) throws -> Void {
        { db in
            try db.execute(cached: "UPDATE token SET last_used_at = ? WHERE id = ?", arguments: [now, principal.tokenID?.rawValue])
        }
    }

    /// Tokens of one person (or of everyone), newest first.
    public func tokens(of person: PersonID?) throws -> [TokenInfo] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                cached: """
                    SELECT * FROM token WHERE (? IS NULL OR person_id = ?) ORDER BY created_at DESC, id DESC
                    """,
                arguments: [person?.rawValue, person?.rawValue]
            ).map { row in
                TokenInfo(
                    id: TokenID(trusted: row["id"]), personID: PersonID(trusted: row["person_id"]), device: row["device"],
                    createdAt: Timestamp(milliseconds: row["created_at"]),
                    lastUsedAt: (row["last_used_at"] as Int64?).map(Timestamp.init(milliseconds:)),
                    expiresAt: (row["expires_at"] as Int64?).map(Timestamp.init(milliseconds:)),
                    revoked: (row["revoked_at"] as Int64?) != nil)
            }
        }
    }

    /// Revokes a token at once; `owner` limits it to that person's tokens (another's is `not_found`).
    public func revokeToken(_ id: TokenID, owner: PersonID?) throws {
        let now = environment.now().milliseconds
        try pool.write { db in
            try db.execute(
                cached: "UPDATE token SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND (? IS NULL OR person_id = ?)",
                arguments: [now, id.rawValue, owner?.rawValue, owner?.rawValue])
            if db.changesCount == 0 { throw Problem(.notFound, "no token has id \(id)") }
        }
    }

    /// Makes a one-time invitation code to join a series with a role; the actor must organize it.
    public func createInvite(actor: Principal, series: SeriesID, role: SeriesRole, expiresAt: Timestamp) throws -> String {
        let now = environment.now()
        guard expiresAt > now else { throw Problem.invalid("body.expiresAt", "must lie in the future") }
        let code = "inv_" + Crypto.base64URL(environment.randomBytes(18))
        try pool.write { db in
            let context = MutationContext(db: db, actor: actor, clientID: nil, now: now, at: now, environment: environment)
            try context.require(.organizer, in: series, field: "body.seriesID")
            try db.execute(
                cached: "INSERT INTO invite (hash, series_id, role, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    Data(Crypto.sha256(code.utf8)), series.rawValue, role.rawValue, actor.personID?.rawValue ?? "",
                    now.milliseconds, expiresAt.milliseconds,
                ])
        }
        return code
    }

    /// Redeems an invitation: a new person with the invited role and a first token, in one transaction.
    public func redeem(code: String, name: String, device: String) throws -> (person: PersonID, token: String) {
        let now = environment.now()
        return try pool.write { db in
            guard let invite = try Row.fetchOne(
                db,
                cached: "SELECT series_id, role FROM invite WHERE hash = ? AND redeemed_at IS NULL AND expires_at > ?",
                arguments: [Data(Crypto.sha256(code.utf8)), now.milliseconds])
            else { throw Problem(.notFound, "the invitation code is unknown, used or expired") }
            let person = PersonID(trusted: environment.newID())
            let context = MutationContext(db: db, actor: .administrator, clientID: nil, now: now, at: now, environment: environment)
            var args = Args(["id": .string(person.rawValue), "name": .string(name)])
            try PersonMutations.create(&args, context)
            args = Args([
                "seriesID": .string(invite["series_id"]), "personID": .string(person.rawValue), "role": .string(invite["role"]),
            ])
            try PersonMutations.setMembership(&args, context)
            try ChangeLog.record(context)
            try db.execute(
                cached: "UPDATE invite SET redeemed_at = ?, redeemed_by = ? WHERE hash = ?",
                arguments: [now.milliseconds, person.rawValue, Data(Crypto.sha256(code.utf8))])
            let token = try issueToken(person: person, device: device, expiresAt: nil, db)
            return (person, token.secret)
        }
    }
}
