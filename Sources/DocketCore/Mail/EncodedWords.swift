/// RFC 2047 encoded-words in header text: `=?UTF-8?B?…?=` and `=?iso-8859-1?Q?…?=`.
public enum EncodedWords {
    /// The header text with each encoded-word decoded; white space between two adjacent encoded-words is dropped.
    ///
    /// A malformed encoded-word, or one in an unknown encoding, is left as written.
    public static func decode(_ text: String) -> String {
        var out = ""
        var pendingSpace = ""
        var lastWasEncoded = false
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.hasPrefix("=?"), let (decoded, after) = word(rest) {
                if !lastWasEncoded { out += pendingSpace }
                pendingSpace = ""
                out += decoded
                lastWasEncoded = true
                rest = after
                continue
            }
            let character = rest.removeFirst()
            if character.isWhitespace {
                pendingSpace.append(character)
                continue
            }
            out += pendingSpace
            pendingSpace = ""
            out.append(character)
            lastWasEncoded = false
        }
        return out + pendingSpace
    }

    /// One encoded-word at the start of `text`, and what follows it.
    private static func word(_ text: Substring) -> (String, Substring)? {
        let parts = text.dropFirst(2).split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[3].hasPrefix("="), !parts[0].isEmpty, parts[1].count == 1,
            !parts[2].contains(" ")
        else { return nil }
        // RFC 2231 allows a language after "*": =?utf-8*en?Q?…?=.
        let charset = parts[0].split(separator: "*").first.map(String.init) ?? ""
        let bytes: [UInt8]?
        switch parts[1].uppercased() {
        case "B": bytes = Base64.decode(Array(parts[2].utf8))
        case "Q": bytes = QuotedPrintable.decode(Array(parts[2].utf8), underscoreIsSpace: true)
        default: bytes = nil
        }
        guard let bytes, let decoded = Charset.decode(bytes, charset: charset) else { return nil }
        return (decoded, parts[3].dropFirst())
    }
}

/// The content transfer encoding `base64` (RFC 2045 section 6.8).
enum Base64 {
    /// The bytes, ignoring line breaks and anything else outside the alphabet; nil only for impossible lengths.
    static func decode(_ encoded: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(encoded.count * 3 / 4)
        var buffer: UInt32 = 0
        var count = 0
        for byte in encoded {
            guard let value = sextet(byte) else {
                if byte == UInt8(ascii: "=") { break }
                continue
            }
            buffer = buffer << 6 | UInt32(value)
            count += 1
            if count == 4 {
                out += [UInt8(buffer >> 16 & 0xFF), UInt8(buffer >> 8 & 0xFF), UInt8(buffer & 0xFF)]
                buffer = 0
                count = 0
            }
        }
        switch count {
        case 0: break
        case 2: out.append(UInt8(buffer >> 4 & 0xFF))
        case 3: out += [UInt8(buffer >> 10 & 0xFF), UInt8(buffer >> 2 & 0xFF)]
        default: return nil
        }
        return out
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"), UInt8(ascii: "-"): return 62
        case UInt8(ascii: "/"), UInt8(ascii: "_"): return 63
        default: return nil
        }
    }
}

/// The content transfer encoding `quoted-printable` (RFC 2045 section 6.7), and the Q encoding of RFC 2047.
enum QuotedPrintable {
    /// The bytes: `=XX` decoded, soft line breaks (`=` at a line's end) removed, `_` a space in the Q encoding.
    static func decode(_ encoded: [UInt8], underscoreIsSpace: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encoded.count)
        var index = 0
        while index < encoded.count {
            let byte = encoded[index]
            if byte == UInt8(ascii: "=") {
                // A soft line break: "=" then optional trailing blanks, then CRLF or LF.
                var after = index + 1
                while after < encoded.count, encoded[after] == UInt8(ascii: " ") || encoded[after] == UInt8(ascii: "\t") { after += 1 }
                if after < encoded.count, encoded[after] == UInt8(ascii: "\r") { after += 1 }
                if after < encoded.count, encoded[after] == UInt8(ascii: "\n") {
                    index = after + 1
                    continue
                }
                if after >= encoded.count {
                    index = after
                    continue
                }
                if index + 2 < encoded.count, let high = hex(encoded[index + 1]), let low = hex(encoded[index + 2]) {
                    out.append(high << 4 | low)
                    index += 3
                    continue
                }
                out.append(byte)
            } else if underscoreIsSpace && byte == UInt8(ascii: "_") {
                out.append(UInt8(ascii: " "))
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}

/// Bytes in a declared charset as text.
enum Charset {
    /// The text, or nil for a charset this reader does not know. UTF-8 (and US-ASCII) decode with
    /// replacement characters; ISO-8859-1 and windows-1252 map byte by byte.
    static func decode(_ bytes: [UInt8], charset: String) -> String? {
        switch charset.lowercased().trimmingWhitespace() {
        case "utf-8", "utf8", "us-ascii", "ascii", "":
            return String(decoding: bytes, as: UTF8.self)
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "iso-8859-15", "windows-1252", "cp1252":
            var out = ""
            out.unicodeScalars.append(contentsOf: bytes.map(latin1Scalar))
            return out
        default:
            return nil
        }
    }

    /// windows-1252 for 0x80...0x9F (what mail labelled ISO-8859-1 nearly always means), Latin-1 elsewhere.
    private static func latin1Scalar(_ byte: UInt8) -> Unicode.Scalar {
        guard (0x80...0x9F).contains(byte) else { return Unicode.Scalar(byte) }
        let table: [UInt32] = [
            0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
            0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
        ]
        return Unicode.Scalar(table[Int(byte) - 0x80]) ?? Unicode.Scalar(byte)
    }
}
