/// One BibTeX entry as written: its type, citation key and fields, values still in LaTeX.
///
/// Field names are lowercase; a value is its parts joined (`#`), macros
/// expanded and outer delimiters removed, inner braces kept (they decide
/// how `author` splits).
public struct BibTeXEntry: Hashable, Sendable {
    /// One `name = value` of an entry, with the line it starts on.
    public struct Field: Hashable, Sendable {
        public var name: String
        public var value: String
        public var line: Int
        public var column: Int

        public init(name: String, value: String, line: Int, column: Int) {
            self.name = name
            self.value = value
            self.line = line
            self.column = column
        }
    }

    /// Lowercase, e.g. `article`.
    public var type: String
    public var key: String
    public var fields: [Field]
    /// Where the entry's `@` is.
    public var line: Int
    public var column: Int

    public init(type: String, key: String, fields: [Field], line: Int, column: Int) {
        self.type = type
        self.key = key
        self.fields = fields
        self.line = line
        self.column = column
    }

    /// The field with this (lowercase) name, if present.
    public func field(_ name: String) -> Field? {
        fields.first { $0.name == name }
    }
}

/// Why a BibTeX text could not be read, and where (1-based line and column).
public struct BibTeXError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, _ message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// "line 3, column 3: missing comma after field title".
    public var description: String { "line \(line), column \(column): \(message)" }
}
