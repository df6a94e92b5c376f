/// Reads a mutation's `args` object field by field, collecting every problem.
///
/// Each accessor returns nil when the field is missing or wrong and records a
/// `FieldError` named by its path; `finish()` then throws them all at once, so
/// a client sees every bad field in one answer.
public struct Args {
    private let members: JSONValue
    private let path: String
    private var errors: [FieldError] = []

    public init(_ value: JSONValue, path: String = "args") {
        self.members = value
        self.path = path
        if case .object = value {} else {
            errors.append(FieldError(field: path, message: "must be an object"))
        }
    }

    /// The path of a member, e.g. `args.title`.
    public func field(_ key: String) -> String { "\(path).\(key)" }

    /// Whether the member is present (even if null).
    public func has(_ key: String) -> Bool { members[key] != nil }

    /// The raw member, if present.
    public func raw(_ key: String) -> JSONValue? { members[key] }

    /// Records a problem with a member.
    public mutating func fail(_ key: String, _ message: String) {
        errors.append(FieldError(field: field(key), message: message))
    }

    /// Records a problem with the object this reader reads as a whole.
    public mutating func failWhole(_ message: String) {
        errors.append(FieldError(field: path, message: message))
    }

    /// Records a problem found in a nested reader.
    public mutating func absorb(_ nested: Args) {
        errors.append(contentsOf: nested.errors)
    }

    public var isValid: Bool { errors.isEmpty }

    /// Throws `validation_failed` with every recorded field error, if any.
    public func finish() throws(Problem) {
        guard let first = errors.first else { return }
        throw Problem(.validationFailed, "\(first.field) \(first.message)", errors: errors)
    }

    /// A required string of 1...`maxLength` characters (trimmed of surrounding white space when `trim`).
    public mutating func string(_ key: String, maxLength: Int = 300, trim: Bool = true) -> String? {
        guard let value = members[key], !value.isNull else {
            fail(key, "is required")
            return nil
        }
        return checkedString(key, value, maxLength: maxLength, trim: trim, allowEmpty: false)
    }

    /// An optional string: nil when missing or null; an empty string counts as null.
    public mutating func optionalString(_ key: String, maxLength: Int = 300, trim: Bool = true) -> String? {
        guard let value = members[key], !value.isNull else { return nil }
        let text = checkedString(key, value, maxLength: maxLength, trim: trim, allowEmpty: true)
        return text?.isEmpty == true ? nil : text
    }

    private mutating func checkedString(_ key: String, _ value: JSONValue, maxLength: Int, trim: Bool, allowEmpty: Bool) -> String? {
        guard case .string(var text) = value else {
            fail(key, "must be a string, not \(value.typeName)")
            return nil
        }
        if trim { text = text.trimmingWhitespace() }
        if text.isEmpty && !allowEmpty {
            fail(key, "must not be empty")
            return nil
        }
        // SQLite keeps it, but C strings (and so GRDB's reading of text) end there: the text would not read back whole.
        if text.utf8.contains(0) {
            fail(key, "must not contain the NUL character (U+0000)")
            return nil
        }
        // Unicode scalars, as SQLite's length() counts them, so the schema's CHECKs agree.
        if text.unicodeScalars.count > maxLength {
            fail(key, "must be at most \(maxLength) characters")
            return nil
        }
        return text
    }

    /// A required id of the given kind.
    public mutating func id<Kind>(_ key: String, _: Kind.Type = Kind.self) -> EntityID<Kind>? {
        guard let text = string(key, maxLength: 36, trim: false) else { return nil }
        guard let id = EntityID<Kind>(text) else {
            fail(key, "must be a lowercase hyphenated UUID")
            return nil
        }
        return id
    }

    /// An optional id: nil when missing or null.
    public mutating func optionalID<Kind>(_ key: String, _: Kind.Type = Kind.self) -> EntityID<Kind>? {
        guard let value = members[key], !value.isNull else { return nil }
        return id(key, Kind.self)
    }

    /// A required integer within `range`.
    public mutating func int(_ key: String, in range: ClosedRange<Int64>) -> Int64? {
        guard let value = members[key], !value.isNull else {
            fail(key, "is required")
            return nil
        }
        return checkedInt(key, value, in: range)
    }

    /// An optional integer within `range`.
    public mutating func optionalInt(_ key: String, in range: ClosedRange<Int64>) -> Int64? {
        guard let value = members[key], !value.isNull else { return nil }
        return checkedInt(key, value, in: range)
    }

    private mutating func checkedInt(_ key: String, _ value: JSONValue, in range: ClosedRange<Int64>) -> Int64? {
        guard case .int(let number) = value else {
            fail(key, "must be an integer, not \(value.typeName)")
            return nil
        }
        guard range.contains(number) else {
            fail(key, "must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return number
    }

    /// A required boolean.
    public mutating func bool(_ key: String) -> Bool? {
        guard let value = members[key], !value.isNull else {
            fail(key, "is required")
            return nil
        }
        guard case .bool(let flag) = value else {
            fail(key, "must be a boolean, not \(value.typeName)")
            return nil
        }
        return flag
    }

    /// A required RFC 3339 timestamp.
    public mutating func timestamp(_ key: String) -> Timestamp? {
        guard let text = string(key, maxLength: 40, trim: false) else { return nil }
        guard let instant = Timestamp(rfc3339: text) else {
            fail(key, "must be an RFC 3339 timestamp such as 2020-09-22T13:00:00.000Z")
            return nil
        }
        return instant
    }

    /// An optional RFC 3339 timestamp.
    public mutating func optionalTimestamp(_ key: String) -> Timestamp? {
        guard let value = members[key], !value.isNull else { return nil }
        return timestamp(key)
    }

    /// A required value from a fixed set of strings.
    public mutating func choice<Value: RawRepresentable>(_ key: String, _: Value.Type = Value.self) -> Value?
    where Value.RawValue == String, Value: CaseIterable {
        guard let text = string(key, maxLength: 100, trim: false) else { return nil }
        return checkedChoice(key, text)
    }

    /// An optional value from a fixed set of strings.
    public mutating func optionalChoice<Value: RawRepresentable>(_ key: String, _: Value.Type = Value.self) -> Value?
    where Value.RawValue == String, Value: CaseIterable {
        guard let value = members[key], !value.isNull else { return nil }
        return choice(key, Value.self)
    }

    private mutating func checkedChoice<Value: RawRepresentable>(_ key: String, _ text: String) -> Value?
    where Value.RawValue == String, Value: CaseIterable {
        if let value = Value(rawValue: text) { return value }
        let allowed = Value.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        fail(key, "must be one of \(allowed)")
        return nil
    }

    /// An optional list (nil when missing or null), at most `maxCount` long.
    public mutating func list(_ key: String, maxCount: Int) -> [JSONValue]? {
        guard let value = members[key], !value.isNull else { return nil }
        guard case .array(let elements) = value else {
            fail(key, "must be a list, not \(value.typeName)")
            return nil
        }
        guard elements.count <= maxCount else {
            fail(key, "must have at most \(maxCount) entries")
            return nil
        }
        return elements
    }

    /// An optional list of distinct non-empty strings, each at most `maxLength` characters.
    public mutating func stringList(_ key: String, maxCount: Int, maxLength: Int = 100) -> [String]? {
        guard let elements = list(key, maxCount: maxCount) else { return nil }
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            if let text = checkedString("\(key)[\(index)]", element, maxLength: maxLength, trim: true, allowEmpty: false),
                !result.contains(text)
            {
                result.append(text)
            }
        }
        return result
    }

    /// A nested object as its own reader, with paths below this one.
    public mutating func object(_ key: String) -> Args? {
        guard let value = members[key], !value.isNull else { return nil }
        guard case .object = value else {
            fail(key, "must be an object, not \(value.typeName)")
            return nil
        }
        return Args(value, path: field(key))
    }

    /// A reader for the element of a list at `index`, with its path.
    public func element(_ key: String, _ index: Int, _ value: JSONValue) -> Args {
        Args(value, path: "\(field(key))[\(index)]")
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
