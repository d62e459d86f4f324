import COpenSSL

/// Ed25519 signatures (RFC 8032, pure: no pre-hash): 32-byte seeds and public keys, 64-byte signatures.
public enum Ed25519 {
    /// Signs `message` with the private key whose 32-byte seed is `seed`.
    public static func signature(for message: [UInt8], seed: [UInt8]) throws -> [UInt8] {
        try AsymmetricKey.ed25519(raw: seed, isPrivate: true).sign(message, digest: nil)
    }

    /// Signs `message` with a PKCS#8 `PRIVATE KEY` PEM (Binance's key generator's output, exchanges.md §7.6).
    /// Throws `CryptoError` when the PEM is unreadable, encrypted or not an Ed25519 key.
    public static func signature(for message: [UInt8], privateKeyPEM: String) throws -> [UInt8] {
        try ed25519(AsymmetricKey.privateKey(pem: privateKeyPEM)).sign(message, digest: nil)
    }

    /// True when `signature` over `message` verifies with the 32-byte `publicKey`.
    public static func isValidSignature(_ signature: [UInt8], for message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == 64, let key = try? AsymmetricKey.ed25519(raw: publicKey, isPrivate: false) else {
            return false
        }
        return key.verify(signature, message: message, digest: nil)
    }

    /// True when `signature` over `message` verifies with an Ed25519 `PUBLIC KEY` (SubjectPublicKeyInfo) PEM.
    public static func isValidSignature(_ signature: [UInt8], for message: [UInt8], publicKeyPEM: String) -> Bool {
        guard signature.count == 64, let key = try? ed25519(AsymmetricKey.publicKey(pem: publicKeyPEM)) else {
            return false
        }
        return key.verify(signature, message: message, digest: nil)
    }

    /// The 32-byte public key of a 32-byte seed.
    public static func publicKey(forSeed seed: [UInt8]) throws -> [UInt8] {
        try AsymmetricKey.ed25519(raw: seed, isPrivate: true).rawPublicKey()
    }

    /// The `PUBLIC KEY` PEM of a PKCS#8 Ed25519 private key PEM (what a user registers with Binance).
    public static func publicKeyPEM(forPrivateKeyPEM pem: String) throws -> String {
        PEM.encode(try ed25519(AsymmetricKey.privateKey(pem: pem)).subjectPublicKeyInfo(), label: "PUBLIC KEY")
    }

    private static func ed25519(_ key: AsymmetricKey) throws -> AsymmetricKey {
        guard key.baseID == EVP_PKEY_ED25519 else {
            throw CryptoError(operation: "load Ed25519 key", reason: "not an Ed25519 key")
        }
        return key
    }
}
