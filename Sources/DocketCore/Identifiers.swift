/// An entity id: a lowercase, hyphenated UUID string, typed by what it names.
///
/// The phantom `Kind` keeps a `SuggestionID` from being passed where a
/// `SeriesID` is expected; the stored text is exactly what goes on the wire.
public struct EntityID<Kind>: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts only the canonical form: 36 characters, lowercase hex, hyphens at 8, 13, 18, 23.
    public init?(_ text: String) {
        guard EntityID.isCanonicalUUID(text) else { return nil }
        rawValue = text
    }

    /// Wraps text already known to be canonical (read back from the database).
    public init(trusted text: String) {
        rawValue = text
    }

    public var description: String { rawValue }

    public static func < (lhs: EntityID, rhs: EntityID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// True for a lowercase hyphenated UUID such as `0193f1c3-7a2b-7c3d-8e4f-0123456789ab`.
    public static func isCanonicalUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (offset, byte) in bytes.enumerated() {
            switch offset {
            case 8, 13, 18, 23:
                if byte != UInt8(ascii: "-") { return false }
            default:
                let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                let isHex = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")
                if !isDigit && !isHex { return false }
            }
        }
        return true
    }

    /// The same text viewed as an id of another kind.
    public func retagged<Other>(as _: Other.Type = Other.self) -> EntityID<Other> {
        EntityID<Other>(trusted: rawValue)
    }
}

public enum SeriesKind {}
public enum PersonKind {}
public enum PaperKind {}
public enum SuggestionKind {}
public enum BallotKind {}
public enum RoundKind {}
public enum EpisodeKind {}
public enum ClientKind {}
public enum TokenKind {}

public typealias SeriesID = EntityID<SeriesKind>
public typealias PersonID = EntityID<PersonKind>
public typealias PaperID = EntityID<PaperKind>
public typealias SuggestionID = EntityID<SuggestionKind>
public typealias BallotID = EntityID<BallotKind>
public typealias RoundID = EntityID<RoundKind>
public typealias EpisodeID = EntityID<EpisodeKind>
public typealias ClientID = EntityID<ClientKind>
public typealias TokenID = EntityID<TokenKind>

/// Makes UUIDs of version 7 (time-ordered) from a time and random bytes.
///
/// Pure: the caller supplies the clock and the randomness.
public enum UUIDv7 {
    /// A canonical UUID string whose first 48 bits are `milliseconds`.
    public static func make(milliseconds: Int64, random: [UInt8]) -> String {
        precondition(random.count >= 10, "UUIDv7 needs 10 random bytes")
        var bytes = [UInt8](repeating: 0, count: 16)
        let ms = UInt64(max(0, milliseconds))
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: ms >> (8 * UInt64(5 - index))) }
        for index in 6..<16 { bytes[index] = random[index - 6] }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        // Written straight into the string's storage: this runs for every id the server makes.
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 36) { text in
            var at = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[at] = UInt8(ascii: "-")
                    at += 1
                }
                text[at] = digits[Int(byte >> 4)]
                text[at + 1] = digits[Int(byte & 0x0F)]
                at += 2
            }
            return at
        }
    }
}
