/// An iCalendar component as the tests read it back: its properties and nested components, in text order.
public struct ICSComponent: Sendable {
    /// One content line, unfolded: `NAME;PARAM=value:value`.
    public struct Property: Sendable {
        public internal(set) var name: String
        /// Parameter values with any surrounding quotes removed.
        public internal(set) var params: [String: String]
        /// The raw value after the first unquoted colon, still escaped.
        public internal(set) var value: String
        /// The whole unfolded content line, as written.
        public internal(set) var line: String
    }

    public internal(set) var name: String
    public internal(set) var properties: [Property] = []
    /// The components directly inside this one.
    public internal(set) var children: [ICSComponent] = []

    init(name: String) {
        self.name = name
    }

    /// The first property called `name`.
    public func property(_ name: String) -> Property? { properties.first { $0.name == name } }

    /// The raw value of the first property called `name`.
    public func value(_ name: String) -> String? { property(name)?.value }

    /// The TEXT value of the first property called `name`, unescaped.
    public func text(_ name: String) -> String? { value(name).map(ICSReader.unescape) }

    /// The components called `name` directly inside this one, in text order.
    public func children(_ name: String) -> [ICSComponent] { children.filter { $0.name == name } }
}
