import Foundation
import Primitives

/// The sandbox's own check of KuCoin's `KC-API-SIGN` and `KC-API-PASSPHRASE`, written from exchanges.md §4.2
/// and sharing no code with the client's `KuCoinSigner`.
enum KuCoinSignatureCheck {
    /// True when `signature` is `base64(HMAC-SHA256(key = secret's UTF-8 bytes, timestamp + METHOD + endpoint +
    /// body))`, `endpoint` being the path plus `?query` exactly as sent. The secret is not base64-decoded.
    static func isValidSignature(_ signature: String, timestamp: String, method: String, endpoint: String,
                                 body: [UInt8], secret: String) -> Bool {
        let prehash = Array((timestamp + method + endpoint).utf8) + body
        return matches(signature, HMAC.authenticationCode(.sha256, for: prehash, using: Array(secret.utf8)))
    }

    /// True when the sent passphrase is right for `keyVersion`: for "2" and "3",
    /// `base64(HMAC-SHA256(key = secret, passphrase))`; otherwise (missing or another version) the plaintext
    /// passphrase, which is how a wrong version header ends in 400004 (§4.2).
    static func isValidPassphrase(_ sent: String, passphrase: String, secret: String, keyVersion: String?) -> Bool {
        guard keyVersion == "2" || keyVersion == "3" else {
            return ConstantTime.equals(Array(sent.utf8), Array(passphrase.utf8))
        }
        return matches(sent, HMAC.authenticationCode(.sha256, for: Array(passphrase.utf8), using: Array(secret.utf8)))
    }

    /// Constant-time comparison of `text` with the base64 of `mac`.
    private static func matches(_ text: String, _ mac: [UInt8]) -> Bool {
        ConstantTime.equals(Array(Base64.encode(mac).utf8), Array(text.utf8))
    }
}
