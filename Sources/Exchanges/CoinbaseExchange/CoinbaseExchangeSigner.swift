import Primitives

/// Coinbase Exchange `CB-ACCESS-*` signing: base64 HMAC-SHA256, keyed by the base64-decoded secret, over
/// `timestamp + METHOD + requestPath(?query) + body`.
public enum CoinbaseExchangeSigner {
    /// The `CB-ACCESS-SIGN` value, or nil when the secret is not base64.
    public static func signature(
        timestamp: String, method: String, requestPath: String, body: String = "", secret: String
    ) -> String? {
        guard let key = Base64.decode(secret) else { return nil }
        let prehash = timestamp + method.uppercased() + requestPath + body
        return Base64.encode(HMAC.authenticationCode(.sha256, for: Array(prehash.utf8), using: key))
    }
}
