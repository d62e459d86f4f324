import COpenSSL

/// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2; JWS "RS256"): the scheme of Binance RSA API keys
/// (exchanges.md §7.6). Signatures are as long as the modulus (256 bytes for RSA-2048).
public enum RS256 {
    /// Smallest modulus accepted, in bits; Binance issues 2048- and 4096-bit keys (exchanges.md §7.6).
    public static let minimumBits = 2048

    /// Signs `message` with an RSA private key given as PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`) PEM.
    /// Throws `CryptoError` when the PEM is unreadable, encrypted, not RSA or shorter than `minimumBits`.
    public static func signature(for message: [UInt8], privateKeyPEM: String) throws -> [UInt8] {
        try rsa(AsymmetricKey.privateKey(pem: privateKeyPEM))
            .sign(message, digest: EVP_sha256(), rsaPadding: RSA_PKCS1_PADDING)
    }

    /// True when `signature` over `message` verifies with an RSA `PUBLIC KEY` (SubjectPublicKeyInfo) PEM.
    public static func isValidSignature(_ signature: [UInt8], for message: [UInt8], publicKeyPEM: String) -> Bool {
        guard let key = try? rsa(AsymmetricKey.publicKey(pem: publicKeyPEM)) else { return false }
        return key.verify(signature, message: message, digest: EVP_sha256(), rsaPadding: RSA_PKCS1_PADDING)
    }

    /// The `PUBLIC KEY` PEM of an RSA private key PEM (what a user registers with Binance).
    public static func publicKeyPEM(forPrivateKeyPEM pem: String) throws -> String {
        PEM.encode(try rsa(AsymmetricKey.privateKey(pem: pem)).subjectPublicKeyInfo(), label: "PUBLIC KEY")
    }

    private static func rsa(_ key: AsymmetricKey) throws -> AsymmetricKey {
        guard key.baseID == EVP_PKEY_RSA else {
            throw CryptoError(operation: "load RS256 key", reason: "not an RSA key")
        }
        guard key.bits >= minimumBits else {
            throw CryptoError(operation: "load RS256 key", reason: "RSA key has \(key.bits) bits, fewer than \(minimumBits)")
        }
        return key
    }
}
