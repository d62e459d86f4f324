import Foundation
import Primitives

/// The sandbox's own check of a Coinbase Advanced Trade bearer JWT, written from exchanges.md §2a ("JWT
/// construction", "ES256 JWT verification recipe") and §10.1 (the secret-key forms), sharing no code with the
/// client's `CoinbaseJWT`: the signature is verified with the public key through Primitives, never re-signed.
enum CoinbaseSignatureCheck {
    /// The host the `uri` claim names: `METHOD + " " + host + path`, no scheme, no query (§2a).
    static let uriHost = "api.coinbase.com"
    /// Longest accepted token lifetime (`exp − nbf`), in seconds (§2a: the SDK issues 120 s tokens).
    static let maxLifetime: Int64 = 120
    /// Clock leeway allowed on `nbf`, in seconds.
    static let leeway: Int64 = 5
    /// Issuers seen accepted: the official SDK's `cdp`, ccxt's and older SDKs' `coinbase-cloud` (§2a).
    static let issuers: Set<String> = ["cdp", "coinbase-cloud"]

    /// Why a token was refused; Coinbase answers all of them with the same plain 401 (§2a "Errors").
    enum Rejection: Error, Equatable {
        case malformed, algorithm, signature, keyID, nonce, subject, issuer, window, uri
    }

    /// A token cut into its three parts, before any check.
    struct Token {
        let header: [String: Any]
        let claims: [String: Any]
        /// The ASCII bytes `part1 "." part2` the signature covers.
        let signingInput: [UInt8]
        let signature: [UInt8]

        /// The `kid` header, which names the key (and so the sandbox account).
        var keyID: String? { header["kid"] as? String }
    }

    /// The token of an `Authorization: Bearer <jwt>` header, or nil when it is not one. Each part must be
    /// canonical base64url (RFC 7515 §2), so two spellings of one token cannot both pass.
    static func token(authorization: String?) -> Token? {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return nil }
        return token(String(authorization.dropFirst("Bearer ".count)))
    }

    /// The token in compact serialization `b64url(header).b64url(claims).b64url(signature)`, or nil.
    static func token(_ text: String) -> Token? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3,
              let headerBytes = Base64.canonicalURLDecode(parts[0]), let claimBytes = Base64.canonicalURLDecode(parts[1]),
              let signature = Base64.canonicalURLDecode(parts[2]),
              let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
              let claims = try? JSONSerialization.jsonObject(with: Data(claimBytes)) as? [String: Any]
        else { return nil }
        return Token(header: header, claims: claims, signingInput: Array((parts[0] + "." + parts[1]).utf8), signature: signature)
    }

    /// Checks `token` as Coinbase would for a request `method path` (path without query) at `now` (Unix
    /// seconds), for the key named `keyName` whose private key is `secret` (any §10.1 form). Throws the first
    /// failed check.
    static func verify(_ token: Token, keyName: String, secret: String, method: String, path: String, now: Int64) throws(Rejection) {
        guard let alg = token.header["alg"] as? String else { throw .malformed }
        try verifySignature(token.signature, over: token.signingInput, alg: alg, secret: secret)
        guard token.keyID == keyName else { throw .keyID }
        // The SDK sends 64 random hex characters, ccxt 32; the recipe asks only that it be present.
        guard let nonce = token.header["nonce"] as? String, !nonce.isEmpty else { throw .nonce }
        guard token.claims["sub"] as? String == keyName else { throw .subject }
        guard let issuer = token.claims["iss"] as? String, issuers.contains(issuer) else { throw .issuer }
        guard let nbf = integer(token.claims["nbf"]), let exp = integer(token.claims["exp"]),
              nbf <= now + leeway, now < exp, exp - nbf <= maxLifetime
        else { throw .window }
        // The official SDK sends one `uri`; ccxt's Ed25519 tokens a `uris` list (§2a "Variants").
        let expected = "\(method) \(uriHost)\(path)"
        let uris = token.claims["uris"] as? [String] ?? []
        guard token.claims["uri"] as? String == expected || uris.contains(expected) else { throw .uri }
    }

    /// Verifies an ES256 (raw r‖s, 64 bytes) or EdDSA (64 bytes) signature with the public key of `secret`.
    static func verifySignature(_ signature: [UInt8], over input: [UInt8], alg: String, secret: String) throws(Rejection) {
        guard let key = PublicKey(secret: secret) else { throw .signature }
        switch (alg, key) {
        case ("ES256", .p256(let point)):
            guard ES256.isValidSignature(signature, for: input, publicKeyPoint: point) else { throw .signature }
        case ("EdDSA", .ed25519(let publicKey)):
            guard Ed25519.isValidSignature(signature, for: input, publicKey: publicKey) else { throw .signature }
        case ("EdDSA", .ed25519PEM(let pem)):
            guard Ed25519.isValidSignature(signature, for: input, publicKeyPEM: pem) else { throw .signature }
        default:
            throw .algorithm
        }
    }

    /// The public half of a CDP secret, the way Coinbase holds it for a key.
    private enum PublicKey {
        case p256([UInt8])
        case ed25519([UInt8])
        case ed25519PEM(String)

        /// §10.1: SEC1 or PKCS#8 PEM (P-256 or Ed25519), possibly with literal `\n` escapes; or base64 of an
        /// Ed25519 seed (32 bytes) or seed ‖ public key (64 bytes).
        init?(secret: String) {
            let text = secret.replacingOccurrences(of: "\\n", with: "\n")
            if text.contains("-----BEGIN") {
                switch try? KeyAlgorithm(privateKeyPEM: text) {
                case .ecdsa(bits: 256):
                    guard let point = try? ES256.publicKeyPoint(forPrivateKeyPEM: text) else { return nil }
                    self = .p256(point)
                case .ed25519:
                    guard let pem = try? Ed25519.publicKeyPEM(forPrivateKeyPEM: text) else { return nil }
                    self = .ed25519PEM(pem)
                default:
                    return nil
                }
                return
            }
            guard let bytes = Base64.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                  bytes.count == 32 || bytes.count == 64,
                  let publicKey = try? Ed25519.publicKey(forSeed: Array(bytes.prefix(32)))
            else { return nil }
            self = .ed25519(publicKey)
        }
    }

    /// A JSON integer claim (`nbf`, `exp`): a whole number of seconds.
    private static func integer(_ value: Any?) -> Int64? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 1e15 else { return nil }
        return number.int64Value
    }
}
