import Primitives

/// A Coinbase CDP private key: ECDSA P-256 (PEM) or Ed25519 (base64 of seed‖public key, or of the seed alone).
public enum CoinbaseKey: Sendable {
    case ecdsa(pem: String)
    case ed25519(seed: [UInt8])

    /// Parses the secret as downloaded from CDP. Literal `\n` escapes (keys pasted from JSON) are unescaped.
    public init(secret: String) throws {
        let text = secret.replacingOccurrences(of: "\\n", with: "\n")
        if text.contains("-----BEGIN") {
            guard (try? ES256.publicKeyPEM(forPrivateKeyPEM: text)) != nil else {
                throw ExchangeError(.invalidCredentials, exchange: .coinbase, detail: "private key PEM is not a P-256 key")
            }
            self = .ecdsa(pem: text)
            return
        }
        guard let bytes = Base64.decode(text), bytes.count == 64 || bytes.count == 32 else {
            throw ExchangeError(.invalidCredentials, exchange: .coinbase,
                                detail: "private key is neither an EC PEM nor a base64 Ed25519 key")
        }
        self = .ed25519(seed: Array(bytes.prefix(32)))
    }

    /// The JWS `alg` for this key.
    public var algorithm: String {
        switch self {
        case .ecdsa: return "ES256"
        case .ed25519: return "EdDSA"
        }
    }

    /// Signs the JWS signing input: raw r‖s for ES256, the 64-byte signature for EdDSA.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        switch self {
        case .ecdsa(let pem): return try ES256.signature(for: message, privateKeyPEM: pem)
        case .ed25519(let seed): return try Ed25519.signature(for: message, seed: seed)
        }
    }
}
