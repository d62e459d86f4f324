import Foundation
import Primitives

/// The sandbox's own check of Bybit's `X-BAPI-SIGN`, written from exchanges-okx-bybit-bitvavo.md §B.3 and
/// sharing no code with the client's `BybitSigner`.
enum BybitSignatureCheck {
    /// The string Bybit signs for a GET: `timestamp + apiKey + recvWindow + query` (the query exactly as
    /// received, without `?`). Echoed in 10004's `origin_string[…]`, as Bybit does.
    static func prehash(timestamp: String, apiKey: String, recvWindow: String, query: String) -> String {
        timestamp + apiKey + recvWindow + query
    }

    /// True when `signature` is the lowercase hex HMAC-SHA256 of `prehash`, keyed by the secret's UTF-8 bytes.
    static func isValid(_ signature: String, prehash: String, secret: String) -> Bool {
        let mac = HMAC.authenticationCode(.sha256, for: Array(prehash.utf8), using: Array(secret.utf8))
        let expected = mac.map { byte -> String in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
        return ConstantTime.equals(Array(expected.utf8), Array(signature.utf8))
    }
}
