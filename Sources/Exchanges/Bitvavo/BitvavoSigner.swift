import Primitives

/// Bitvavo v2 request signing (exchanges-okx-bybit-bitvavo.md §C.2, verified against the docs' vectors D1, D2
/// and ccxt's D8): lowercase hex HMAC-SHA256, keyed by the secret's text bytes (the 128 hex characters are
/// used as typed, never hex-decoded), over `timestamp(ms) + METHOD + /v2/path?query + body`.
public enum BitvavoSigner {
    /// `Bitvavo-Access-Window` in ms: how long after its timestamp Bitvavo still executes the request (§C.3;
    /// the default, and what ccxt and the official SDK send). Allowed values are 100…60000 (else errorCode 303).
    public static let accessWindowMs = 10_000

    /// The `Bitvavo-Access-Signature` of one request: 64 lowercase hex characters.
    ///
    /// - Parameters:
    ///   - timestamp: the `Bitvavo-Access-Timestamp` text, integer milliseconds since the epoch.
    ///   - method: the HTTP method; upper-cased before signing.
    ///   - path: the request target as sent, **with** the `/v2` prefix and `?query` (`/v2/balance?symbol=BTC`);
    ///     signing without `/v2` is the classic cause of errorCode 309 (§C.8).
    ///   - body: the exact body text sent; "" for GET (Holdfast sends no body on GET, §C.2).
    ///   - secret: the API secret as the user entered it.
    public static func signature(timestamp: String, method: String, path: String, body: String = "",
                                 secret: String) -> String {
        Hex.encode(HMAC.authenticationCode(.sha256, for: timestamp + method.uppercased() + path + body, using: secret))
    }

    /// The four authentication headers of a request signed at `timestampMs` (§C.2): key, signature,
    /// timestamp and the access window. Header names are case-insensitive on the wire.
    public static func headers(apiKey: String, secret: String, timestampMs: Int64, method: String, path: String,
                               body: String = "") -> [String: String] {
        let timestamp = String(timestampMs)
        return [
            "Bitvavo-Access-Key": apiKey,
            "Bitvavo-Access-Signature": signature(timestamp: timestamp, method: method, path: path, body: body,
                                                  secret: secret),
            "Bitvavo-Access-Timestamp": timestamp,
            "Bitvavo-Access-Window": String(accessWindowMs),
        ]
    }
}
