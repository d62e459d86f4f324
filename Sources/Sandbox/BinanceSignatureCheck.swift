import Foundation
import Primitives

/// The sandbox's own check of a Binance `signature=` value, written from exchanges.md §1.2/§7.6 and sharing
/// no code with the client's `BinanceSigner`: asymmetric signatures go through OpenSSL's verify, never a
/// re-signing.
enum BinanceSignatureCheck {
    /// True when `signature` (the raw query value, still percent-encoded) signs `payload` for `account`.
    /// HMAC: hex compared case-insensitively. Ed25519/RSA (account has `publicKey`): base64 after percent-
    /// decoding, compared case-sensitively by verification against the registered public key.
    static func isValid(_ signature: String, payload: String, account: FixtureAccount) -> Bool {
        let message = Array(payload.utf8)
        guard let publicKey = account.publicKey else {
            let expected = Hex.encode(HMAC.authenticationCode(.sha256, for: message, using: Array(account.apiSecret.utf8)))
            return SimulatorSupport.equal(expected, signature.lowercased())
        }
        // A base64 value must arrive percent-encoded: a literal "+" would have been read as a space.
        guard !signature.contains("+"), let text = signature.removingPercentEncoding,
              let bytes = Base64.decode(text), let algorithm = try? KeyAlgorithm(publicKeyPEM: publicKey)
        else { return false }
        switch algorithm {
        case .ed25519:
            return Ed25519.isValidSignature(bytes, for: message, publicKeyPEM: publicKey)
        case .rsa:
            return RS256.isValidSignature(bytes, for: message, publicKeyPEM: publicKey)
        case .ecdsa, .other:
            return false
        }
    }
}
