import Foundation
import Primitives

/// Bearer tokens for the Coinbase Advanced Trade API, built like the official coinbase-advanced-py 1.8.4
/// `jwt_generator`: header `{alg, typ, kid, nonce}`, claims `{sub, iss:"cdp", nbf, exp = nbf+120, uri}`.
public enum CoinbaseJWT {
    /// The host in the `uri` claim. Coinbase checks it, so it stays the production host even when requests go
    /// to an overridden base URL.
    public static let uriHost = "api.coinbase.com"

    /// Token lifetime in seconds (Coinbase accepts at most 120).
    public static let lifetime: Int64 = 120

    /// The `uri` claim: method, space, host and path — no scheme, no query.
    public static func uri(method: String, path: String) -> String {
        let bare = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        return "\(method.uppercased()) \(uriHost)\(bare)"
    }

    /// A signed token for one request. `nonce` defaults to 64 random hex characters, as the SDK's
    /// `secrets.token_hex()`.
    public static func token(
        keyName: String, key: CoinbaseKey, method: String, path: String, now: Int64,
        nonce: String = SecureRandom.hex(length: 64)
    ) throws -> String {
        let header = JSONText.object([
            ("alg", .string(key.algorithm)), ("typ", .string("JWT")), ("kid", .string(keyName)),
            ("nonce", .string(nonce)),
        ])
        let claims = JSONText.object([
            ("sub", .string(keyName)), ("iss", .string("cdp")), ("nbf", .integer(now)),
            ("exp", .integer(now + lifetime)), ("uri", .string(uri(method: method, path: path))),
        ])
        let signingInput = Base64.urlEncode(Array(header.utf8)) + "." + Base64.urlEncode(Array(claims.utf8))
        let signature = try key.sign(Array(signingInput.utf8))
        return signingInput + "." + Base64.urlEncode(signature)
    }
}
