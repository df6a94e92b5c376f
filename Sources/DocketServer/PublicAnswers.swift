import DocketWeb
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What the public routes (pages, calendar, feed) share: the site a request names, and answers with a
/// strong validator.
enum PublicAnswers {
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    /// An HTTP/1 `Host` that no conversion has turned into the request's authority.
    static let hostHeader = HTTPField.Name("Host")!

    /// The host and scheme the request used: https only when a proxy in front says so (the server itself
    /// speaks http); a Host that is not a plain host name or address is dropped (`SiteAddress`).
    static func site(_ request: Request) -> SiteAddress {
        let https = request.headers[forwardedProto]?.lowercased() == "https"
        return SiteAddress(host: request.head.authority ?? request.headers[hostHeader], scheme: https ? "https" : "http")
    }

    /// `body` with `headers` and a strong `ETag` (a hash of the body), or a bodiless 304 with the same
    /// headers when the request's `If-None-Match` names that tag.
    static func validated(_ body: String, headers: HTTPFields, request: Request) -> Response {
        var headers = headers
        let tag = "\"\(fingerprint(body))\""
        headers[.eTag] = tag
        if let match = request.headers[.ifNoneMatch], matches(match, tag) {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// Whether an `If-None-Match` value names `tag` (weak comparison) or is `*`.
    static func matches(_ header: String, _ tag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || trimmed == tag || trimmed == "W/" + tag
        }
    }

    /// 64-bit FNV-1a of the text, in hex: a cache validator, not a secret.
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
