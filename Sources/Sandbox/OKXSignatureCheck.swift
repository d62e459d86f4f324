import Foundation
import Primitives

/// The sandbox's own check of OKX's `OK-ACCESS-SIGN` and `OK-ACCESS-TIMESTAMP`, written from
/// exchanges-okx-bybit-bitvavo.md §A.3–§A.4 and sharing no code with the client's `OKXSigner`.
enum OKXSignatureCheck {
    /// True when `signature` is `base64(HMAC-SHA256(key = secret's UTF-8 bytes, timestamp + METHOD + requestPath
    /// + body))`, `requestPath` being the API path (regional prefix removed) plus `?query` exactly as sent.
    static func isValidSignature(_ signature: String, timestamp: String, method: String, requestPath: String,
                                 body: [UInt8], secret: String) -> Bool {
        let prehash = Array((timestamp + method + requestPath).utf8) + body
        let mac = HMAC.authenticationCode(.sha256, for: prehash, using: Array(secret.utf8))
        return ConstantTime.equals(Array(Base64.encode(mac).utf8), Array(signature.utf8))
    }

    /// Milliseconds since the epoch of a timestamp in exactly OKX's form `YYYY-MM-DDTHH:MM:SS.mmmZ` (24
    /// characters, UTC, three fraction digits); nil for anything else: Unix milliseconds, a local offset,
    /// missing or extra fraction digits (what OKX answers with 50112, §A.3, §A.9).
    static func milliseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24 else { return nil }
        let layout = Array("dddd-dd-ddTdd:dd:dd.dddZ".utf8)
        for (byte, expected) in zip(bytes, layout) {
            if expected == UInt8(ascii: "d") {
                guard (48...57).contains(byte) else { return nil }
            } else if byte != expected {
                return nil
            }
        }
        func number(_ from: Int, _ count: Int) -> Int64 {
            bytes[from..<(from + count)].reduce(0) { $0 * 10 + Int64($1 - 48) }
        }
        let year = number(0, 4), month = number(5, 2), day = number(8, 2)
        let hour = number(11, 2), minute = number(14, 2), second = number(17, 2), millisecond = number(20, 3)
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        // Days since 1970-01-01 counted by months from March (so the leap day ends a year), as in Hinnant's
        // `days_from_civil`.
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
    }
}
