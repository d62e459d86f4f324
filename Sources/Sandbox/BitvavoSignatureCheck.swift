import Foundation
import Primitives

/// The sandbox's own check of `Bitvavo-Access-Signature`, written from exchanges-okx-bybit-bitvavo.md §C.2 and
/// sharing no code with the client's `BitvavoSigner`.
enum BitvavoSignatureCheck {
    /// True when `signature` has the shape Bitvavo accepts before checking it: 64 hex characters (else 308).
    static func hasValidShape(_ signature: String) -> Bool {
        signature.utf8.count == 64 && signature.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70)
        }
    }

    /// True when `signature` is the lowercase hex of HMAC-SHA256(key = the secret's UTF-8 bytes, message =
    /// timestamp + METHOD + target + body), `target` being the API path with `/v2` and `?query` as received
    /// (without any region prefix of the base URL) and `body` the bytes received. Upper-case hex is refused: the
    /// docs specify lowercase, and a strict sandbox catches a client that drifts from it.
    static func isValid(_ signature: String, timestamp: String, method: String, target: String, body: [UInt8],
                        secret: String) -> Bool {
        let message = Array((timestamp + method + target).utf8) + body
        let mac = HMAC.authenticationCode(.sha256, for: message, using: Array(secret.utf8))
        return ConstantTime.equals(Array(Hex.encode(mac).utf8), Array(signature.utf8))
    }
}
