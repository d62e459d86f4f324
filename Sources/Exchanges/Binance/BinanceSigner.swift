import Primitives

/// Binance HMAC request signing (spot REST "SIGNED" endpoints).
public enum BinanceSigner {
    /// Lowercase hex HMAC-SHA256 of `payload` (query string, plus body for POST) keyed by the secret's text.
    public static func signature(payload: String, secret: String) -> String {
        Hex.encode(HMAC.authenticationCode(.sha256, for: payload, using: secret))
    }

    /// `parameters` with `&signature=…` appended as the last parameter, ready to send as the query string.
    public static func signedQuery(_ parameters: String, secret: String) -> String {
        parameters + "&signature=" + signature(payload: parameters, secret: secret)
    }

    /// The account query Holdfast signs: timestamp first, zero balances omitted, 5 s window.
    public static func accountParameters(timestampMs: Int64) -> String {
        "timestamp=\(timestampMs)&omitZeroBalances=true&recvWindow=5000"
    }
}
