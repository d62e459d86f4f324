import Foundation
import Primitives

/// The sandbox's own check of a Kraken `API-Sign`, written from exchanges.md §3.2 and sharing no code with the
/// client's `KrakenSigner`.
enum KrakenSignatureCheck {
    /// True when `signature` is `base64(HMAC-SHA512(key = base64decode(secret), path + SHA256(nonce + body)))`:
    /// `path` from `/0/`, no host or query; `nonce` the body's own `nonce=` value; `body` the exact bytes
    /// posted. Compared as text in constant time. False when the secret is not base64.
    static func isValid(_ signature: String, path: String, nonce: String, body: [UInt8], secret: String) -> Bool {
        guard let key = Base64.decode(secret) else { return false }
        let inner = Digest.sha256(Array(nonce.utf8) + body)
        let expected = Base64.encode(HMAC.authenticationCode(.sha512, for: Array(path.utf8) + inner, using: key))
        return ConstantTime.equals(Array(expected.utf8), Array(signature.utf8))
    }
}
