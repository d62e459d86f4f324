import Primitives

/// Bybit v5 HMAC request signing (exchanges-okx-bybit-bitvavo.md §B.3, §E.2): the prehash is
/// `timestamp + apiKey + recvWindow + queryString` for a GET (no method, no path), signed with HMAC-SHA256 keyed
/// by the secret's text bytes (not decoded) and sent as lowercase hex in `X-BAPI-SIGN`.
///
/// Only HMAC ("System-generated") keys are supported; a pasted RSA key is refused before any request
/// (`checkSecret`). `X-BAPI-SIGN-TYPE` is omitted, as ccxt does and the v5 guide lists no such header (§B.3).
public enum BybitSigner {
    /// `X-BAPI-RECV-WINDOW` in ms: Bybit's documented default (§B.3, §B.4), also what the vectors use.
    public static let recvWindow = "5000"

    /// `X-BAPI-SIGN` for a GET: lowercase hex HMAC-SHA256 of `timestamp + apiKey + recvWindow + query`, where
    /// `query` is exactly the query string sent (without `?`; "" for none). `timestamp` is ms since the epoch.
    public static func signature(timestamp: String, apiKey: String, recvWindow: String = recvWindow,
                                 query: String, secret: String) -> String {
        Hex.encode(HMAC.authenticationCode(.sha256, for: timestamp + apiKey + recvWindow + query, using: secret))
    }

    /// The four authentication headers of one signed GET (§B.3).
    static func headers(timestamp: String, query: String, credentials: Credentials) -> [String: String] {
        [
            "X-BAPI-API-KEY": credentials.apiKey,
            "X-BAPI-TIMESTAMP": timestamp,
            "X-BAPI-RECV-WINDOW": recvWindow,
            "X-BAPI-SIGN": signature(timestamp: timestamp, apiKey: credentials.apiKey, query: query,
                                     secret: credentials.apiSecret),
        ]
    }

    /// Refuses a secret Holdfast cannot sign with: a PEM (an RSA key pair's private or public half, §B.3 — RSA
    /// keys are out of scope) throws `invalid_key_format` with a message saying to create a System-generated
    /// (HMAC) key instead. Anything else is used as typed; a wrong HMAC secret is Bybit's 10004 to report.
    static func checkSecret(_ secret: String) throws {
        guard secret.contains("-----BEGIN") || secret.contains("PRIVATE KEY") || secret.contains("PUBLIC KEY") else {
            return
        }
        throw ExchangeError(
            .invalidKeyFormat,
            message: "The Bybit secret looks like an RSA key (a PEM block). Holdfast supports only Bybit's " +
                "System-generated API keys (HMAC): create one in Bybit under API → Create New Key → " +
                "System-generated API Keys, and paste its API secret here.",
            exchange: .bybit, detail: "RSA/PEM key not supported")
    }
}
