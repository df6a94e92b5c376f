import Foundation

/// Where a Docket server listens: `http://host[:port][/base]` (the client speaks plain HTTP/1.1).
public struct ServerURL: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// A path prefix without a trailing slash ("" for none).
    public var basePath: String

    /// Parses `text`; nil for anything but an http URL with a host and a valid port.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("http://") else { return nil }
        let rest = trimmed.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        while path.hasSuffix("/") { path.removeLast() }
        var host = String(authority)
        var port = 80
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let parsed = Int(after.dropFirst()), (1...65535).contains(parsed) else { return nil }
                port = parsed
            } else if !after.isEmpty {
                return nil
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            guard let parsed = Int(host[host.index(after: colon)...]), (1...65535).contains(parsed) else { return nil }
            port = parsed
            host = String(host[..<colon])
        }
        guard !host.isEmpty, !host.contains("@"), !path.contains("?"), !path.contains("#"),
            host.allSatisfy({ $0.isASCII && !$0.isWhitespace })
        else { return nil }
        self.host = host
        self.port = port
        self.basePath = path
    }

    public var description: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "http://\(shown)\(port == 80 ? "" : ":\(port)")\(basePath)"
    }

    /// The `Host` header's value.
    var hostHeader: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? shown : "\(shown):\(port)"
    }
}
