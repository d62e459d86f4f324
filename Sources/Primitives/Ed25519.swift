import COpenSSL

/// Ed25519 signatures (RFC 8032): 32-byte seeds and public keys, 64-byte signatures.
public enum Ed25519 {
    /// Signs `message` with the private key whose 32-byte seed is `seed`.
    public static func signature(for message: [UInt8], seed: [UInt8]) throws -> [UInt8] {
        try AsymmetricKey.ed25519(raw: seed, isPrivate: true).sign(message, digest: nil)
    }

    /// True when `signature` over `message` verifies with the 32-byte `publicKey`.
    public static func isValidSignature(_ signature: [UInt8], for message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == 64, let key = try? AsymmetricKey.ed25519(raw: publicKey, isPrivate: false) else {
            return false
        }
        return key.verify(signature, message: message, digest: nil)
    }

    /// The 32-byte public key of a 32-byte seed.
    public static func publicKey(forSeed seed: [UInt8]) throws -> [UInt8] {
        try AsymmetricKey.ed25519(raw: seed, isPrivate: true).rawPublicKey()
    }
}
