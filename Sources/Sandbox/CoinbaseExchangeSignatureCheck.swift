import Foundation
import Primitives

/// The sandbox's own check of a Coinbase Exchange `CB-ACCESS-SIGN`, written from exchanges.md §2b and sharing
/// no code with the client's `CoinbaseExchangeSigner`.
enum CoinbaseExchangeSignatureCheck {
    /// True when `signature` is `base64(HMAC-SHA256(key = base64decode(secret), timestamp + METHOD +
    /// requestPath + body))`, with `requestPath` including `?query` when there is one (§2b "Signing").
    /// Compared as text in constant time: one spelling of the base64 is the right one. False when the secret
    /// is not base64.
    static func isValid(_ signature: String, timestamp: String, method: String, requestPath: String, body: [UInt8],
                        secret: String) -> Bool {
        guard let key = Base64.decode(secret) else { return false }
        let prehash = Array((timestamp + method + requestPath).utf8) + body
        let expected = Base64.encode(HMAC.authenticationCode(.sha256, for: prehash, using: key))
        return ConstantTime.equals(Array(expected.utf8), Array(signature.utf8))
    }
}
