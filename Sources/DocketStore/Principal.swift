public import DocketCore

/// Who is acting: a person (from a token), or the server's own administrator (the CLI).
public struct Principal: Hashable, Sendable {
    public var personID: PersonID?
    public var isAdmin: Bool
    public var tokenID: TokenID?

    public init(personID: PersonID?, isAdmin: Bool, tokenID: TokenID? = nil) {
        self.personID = personID
        self.isAdmin = isAdmin
        self.tokenID = tokenID
    }

    /// The operator at the command line: an administrator who is nobody in particular.
    public static let administrator = Principal(personID: nil, isAdmin: true)
}

/// The kinds of entity the change log carries (PROTOCOL section 5).
public enum EntityType: String, Sendable, CaseIterable {
    case series, person, paper, suggestion, ballot, standing, round, episode
}
