import Primitives

/// Kraken `API-Sign`: base64 HMAC-SHA512, keyed by the base64-decoded secret, over
/// `uriPath ‖ SHA256(nonce ‖ postBody)`.
public enum KrakenSigner {
    /// The `API-Sign` value, or nil when the secret is not base64.
    public static func signature(path: String, nonce: String, body: String, secret: String) -> String? {
        guard let key = Base64.decode(secret) else { return nil }
        let message = Array(path.utf8) + Digest.sha256(Array((nonce + body).utf8))
        return Base64.encode(HMAC.authenticationCode(.sha512, for: message, using: key))
    }
}
