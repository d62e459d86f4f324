import Primitives

/// KuCoin key version 2/3 signing: base64 HMAC-SHA256 keyed by the secret's text (not decoded).
public enum KuCoinSigner {
    /// The key version Holdfast sends in `KC-API-KEY-VERSION`.
    public static let keyVersion = "2"

    /// `KC-API-SIGN` over `timestamp + METHOD + endpoint(?query) + body`.
    public static func signature(timestamp: String, method: String, endpoint: String, body: String = "", secret: String) -> String {
        Base64.encode(HMAC.authenticationCode(.sha256, for: timestamp + method.uppercased() + endpoint + body, using: secret))
    }

    /// `KC-API-PASSPHRASE` for key versions 2 and 3: the passphrase HMAC'd with the secret.
    public static func passphrase(_ passphrase: String, secret: String) -> String {
        Base64.encode(HMAC.authenticationCode(.sha256, for: passphrase, using: secret))
    }
}
