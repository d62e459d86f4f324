import Foundation

/// Lowercase hexadecimal encoding.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The lowercase hex text of `bytes`.
    public static func encode<B: Collection>(_ bytes: B) -> String where B.Element == UInt8 {
        var characters = [UInt8]()
        characters.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// The bytes of hex text (either case), or nil when it is not hex.
    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var output = [UInt8]()
        output.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let high = value(characters[index]), let low = value(characters[index + 1]) else { return nil }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
}

/// Standard and URL-safe base64 (RFC 4648 §4 and §5).
public enum Base64 {
    /// Standard base64 with padding.
    public static func encode<B: Collection>(_ bytes: B) -> String where B.Element == UInt8 {
        Data(bytes).base64EncodedString()
    }

    /// Decodes standard base64 (padding required, no whitespace), or nil.
    public static func decode(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { [UInt8]($0) }
    }

    /// base64url without padding, as JWS uses.
    public static func urlEncode<B: Collection>(_ bytes: B) -> String where B.Element == UInt8 {
        // Byte-level alphabet swap: Foundation's string replacement is far slower on this hot path.
        var ascii = Array(encode(bytes).utf8)
        while ascii.last == UInt8(ascii: "=") { ascii.removeLast() }
        for index in ascii.indices {
            if ascii[index] == UInt8(ascii: "+") { ascii[index] = UInt8(ascii: "-") }
            else if ascii[index] == UInt8(ascii: "/") { ascii[index] = UInt8(ascii: "_") }
        }
        return String(decoding: ascii, as: UTF8.self)
    }

    /// Decodes base64url with or without padding, or nil. Rejects the standard alphabet's `+` and `/`.
    public static func urlDecode(_ text: String) -> [UInt8]? {
        var ascii = Array(text.utf8)
        while ascii.last == UInt8(ascii: "=") { ascii.removeLast() }
        for index in ascii.indices {
            switch ascii[index] {
            case UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="): return nil
            case UInt8(ascii: "-"): ascii[index] = UInt8(ascii: "+")
            case UInt8(ascii: "_"): ascii[index] = UInt8(ascii: "/")
            default: break
            }
        }
        while ascii.count % 4 != 0 { ascii.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(ascii)).map { [UInt8]($0) }
    }

    /// Decodes base64url only in its one canonical spelling, as JWS requires (RFC 7515 §2: base64url
    /// "with all trailing '=' characters omitted"), or nil.
    ///
    /// `urlDecode` is lenient, as a reader of other systems' data should be: it takes padding, and it ignores
    /// the unused low bits of the last character, so `…A` and `…B` can decode to the same bytes. For a value
    /// whose exact text matters — a token that is cached, compared or logged by its text — that means
    /// several texts for one value; here the text must be exactly what `urlEncode` writes for the bytes.
    public static func canonicalURLDecode(_ text: String) -> [UInt8]? {
        guard let bytes = urlDecode(text), urlEncode(bytes) == text else { return nil }
        return bytes
    }
}
