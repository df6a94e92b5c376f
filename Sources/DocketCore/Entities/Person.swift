/// Someone who takes part: a member with a login, or a guest without one.
public struct Person: Hashable, Sendable {
    public var id: PersonID
    public var name: String
    public var affiliation: String?
    public var email: String?
    public var roles: [(seriesID: SeriesID, role: SeriesRole)]
    /// Confirmed presentations in held episodes, so organizers can share the load fairly.
    public var presentedCount = 0
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: PersonID, name: String, affiliation: String?, email: String?, roles: [(seriesID: SeriesID, role: SeriesRole)],
        createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.name = name
        self.affiliation = affiliation
        self.email = email
        self.roles = roles
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public static func == (lhs: Person, rhs: Person) -> Bool { lhs.json(includingEmail: true) == rhs.json(includingEmail: true) }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// The section 5 value; `email` is null unless the reader may see it.
    public func json(includingEmail: Bool) -> JSONValue {
        [
            "id": .string(id.rawValue), "name": .string(name), "affiliation": .optional(affiliation),
            "email": includingEmail ? .optional(email) : .null,
            "roles": .array(roles.map { ["seriesID": .string($0.seriesID.rawValue), "role": .string($0.role.rawValue)] }),
            "presentedCount": .int(Int64(presentedCount)),
            "createdAt": .string(createdAt.rfc3339), "updatedAt": .string(updatedAt.rfc3339),
        ]
    }

    /// Whether `email` looks like an address (one `@`, text on both sides, no spaces).
    public static func isPlausibleEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !email.contains(" ")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
    }
}
