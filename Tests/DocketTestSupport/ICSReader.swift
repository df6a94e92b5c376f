/// A strict little iCalendar (RFC 5545) reader for the tests: it throws `Malformed` rather than guess.
public enum ICSReader {
    /// Text the reader refuses; `reason` says what is wrong.
    public struct Malformed: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }

        public init(reason: String) {
            self.reason = reason
        }
    }

    /// `value`, or a `Malformed` error giving `reason` when it is nil.
    public static func require<T>(_ value: T?, _ reason: String) throws -> T {
        guard let value else { throw Malformed(reason: reason) }
        return value
    }

    /// The octets of each physical line, split at CRLF.
    public static func physicalLines(_ bytes: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 13, index + 1 < bytes.count, bytes[index + 1] == 10 {
                lines.append(current)
                current = []
                index += 2
            } else {
                current.append(bytes[index])
                index += 1
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Content lines: CRLF-separated, a line starting with a space or tab continuing the one before.
    public static func unfold(_ text: String) throws -> [String] {
        guard text.hasSuffix("\r\n") else { throw Malformed(reason: "the text does not end in CRLF") }
        var lines: [String] = []
        for raw in physicalLines(Array(text.utf8)) {
            guard let line = String(validating: raw, as: UTF8.self) else { throw Malformed(reason: "a line is not UTF-8") }
            guard !line.contains("\r"), !line.contains("\n") else { throw Malformed(reason: "a bare CR or LF") }
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                guard !lines.isEmpty else { throw Malformed(reason: "the first line is a continuation") }
                lines[lines.count - 1] += line.dropFirst()
            } else {
                lines.append(line)
            }
        }
        return lines
    }

    /// The one VCALENDAR the text holds, its BEGIN/END pairs checked; nothing may stand before or after it.
    public static func parse(_ text: String) throws -> ICSComponent {
        var stack: [ICSComponent] = []
        var root: ICSComponent?
        for line in try unfold(text) {
            let property = try self.property(line)
            switch property.name {
            case "BEGIN":
                guard root == nil else { throw Malformed(reason: "content after the calendar") }
                stack.append(ICSComponent(name: property.value))
            case "END":
                guard let last = stack.popLast(), last.name == property.value else { throw Malformed(reason: "END:\(property.value) unmatched") }
                if stack.isEmpty { root = last } else { stack[stack.count - 1].children.append(last) }
            default:
                guard !stack.isEmpty else { throw Malformed(reason: "a property outside any component") }
                stack[stack.count - 1].properties.append(property)
            }
        }
        guard stack.isEmpty, let root else { throw Malformed(reason: "an unclosed component") }
        guard root.name == "VCALENDAR" else { throw Malformed(reason: "the top component is \(root.name), not VCALENDAR") }
        return root
    }

    /// `NAME;PARAM=value;PARAM="quoted":value`.
    public static func property(_ line: String) throws -> ICSComponent.Property {
        let scalars = Array(line.unicodeScalars)
        var quoted = false
        var colon: Int?
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\"" { quoted.toggle() }
            if scalar == ":" && !quoted { colon = index; break }
        }
        let split = try require(colon, "no colon in \(line)")
        let head = String(String.UnicodeScalarView(scalars[..<split]))
        let value = String(String.UnicodeScalarView(scalars[(split + 1)...]))
        var parts = head.split(separator: ";").map(String.init)
        let name = try require(parts.first, "no name in \(line)")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { throw Malformed(reason: "bad name \(name)") }
        parts.removeFirst()
        var params: [String: String] = [:]
        for part in parts {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw Malformed(reason: "bad parameter \(part)") }
            params[pair[0]] = pair[1].hasPrefix("\"") ? String(pair[1].dropFirst().dropLast()) : pair[1]
        }
        return ICSComponent.Property(name: name, params: params, value: value, line: line)
    }

    /// A TEXT value unescaped: `\n` and `\N` are line breaks; a backslash before anything else is dropped and
    /// the character kept.
    public static func unescape(_ value: String) -> String {
        var out = ""
        var escaping = false
        for character in value {
            if escaping {
                out.append(character == "n" || character == "N" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}
