import Primitives

/// A Coinbase CDP private key: ECDSA P-256 (PEM) or Ed25519 (base64 of seed‖public key, or of the seed alone).
public enum CoinbaseKey: Sendable {
    case ecdsa(pem: String)
    case ed25519(seed: [UInt8])

    /// Parses the secret in any form that carries a whole key (PEM with lost or escaped line breaks, missing
    /// armour, Ed25519 base64 of 64 or 32 bytes; see `CoinbaseKeyText`), or throws `invalid_key_format` saying
    /// what is wrong.
    public init(secret: String) throws {
        self = try CoinbaseKeyText.key(from: secret)
    }

    /// The key in one canonical text: PEM with LF line ends and 64-character lines (ECDSA), or base64 of the
    /// 64-byte seed ‖ public key as CDP issues it (Ed25519). Parsing it gives the same key again.
    public var canonicalSecret: String {
        get throws {
            switch self {
            case .ecdsa(let pem): return pem
            case .ed25519(let seed): return Base64.encode(seed + (try Ed25519.publicKey(forSeed: seed)))
            }
        }
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
