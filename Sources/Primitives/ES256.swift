import COpenSSL

/// ECDSA on P-256 with SHA-256, with signatures in JWS form: the raw 64 bytes r‖s (RFC 7518 §3.4), not DER.
public enum ES256 {
    /// Length of a raw r‖s signature.
    public static let signatureLength = 64

    /// Signs `message` with a P-256 private key given as SEC1 (`EC PRIVATE KEY`) or PKCS#8 PEM.
    public static func signature(for message: [UInt8], privateKeyPEM: String) throws -> [UInt8] {
        let key = try p256(AsymmetricKey.privateKey(pem: privateKeyPEM))
        let der = try key.sign(message, digest: EVP_sha256())
        return try rawSignature(fromDER: der)
    }

    /// True when the raw r‖s `signature` over `message` verifies with a `PUBLIC KEY` PEM.
    public static func isValidSignature(_ signature: [UInt8], for message: [UInt8], publicKeyPEM: String) -> Bool {
        guard let key = try? p256(AsymmetricKey.publicKey(pem: publicKeyPEM)) else { return false }
        return verify(signature, message: message, key: key)
    }

    /// True when the raw r‖s `signature` verifies with an uncompressed public point (65 bytes, `04‖x‖y`).
    public static func isValidSignature(_ signature: [UInt8], for message: [UInt8], publicKeyPoint: [UInt8]) -> Bool {
        guard publicKeyPoint.count == 65, publicKeyPoint.first == 4,
              let key = try? p256(AsymmetricKey.publicKey(der: spkiPrefix + publicKeyPoint))
        else { return false }
        return verify(signature, message: message, key: key)
    }

    /// The `PUBLIC KEY` PEM of a P-256 private key PEM.
    public static func publicKeyPEM(forPrivateKeyPEM pem: String) throws -> String {
        let key = try p256(AsymmetricKey.privateKey(pem: pem))
        return PEM.encode(try key.subjectPublicKeyInfo(), label: "PUBLIC KEY")
    }

    /// The uncompressed public point (65 bytes) of a P-256 private key PEM.
    public static func publicKeyPoint(forPrivateKeyPEM pem: String) throws -> [UInt8] {
        let key = try p256(AsymmetricKey.privateKey(pem: pem))
        let der = try key.subjectPublicKeyInfo()
        // For P-256 the SubjectPublicKeyInfo is the fixed 26-byte prefix followed by the point.
        guard der.count == spkiPrefix.count + 65, Array(der.prefix(spkiPrefix.count)) == spkiPrefix else {
            throw CryptoError(operation: "encode P-256 point", reason: "unexpected SubjectPublicKeyInfo layout")
        }
        return Array(der.suffix(65))
    }

    // DER header of SubjectPublicKeyInfo { id-ecPublicKey, prime256v1 } followed by a 66-byte BIT STRING.
    private static let spkiPrefix: [UInt8] = [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
        0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ]

    private static func p256(_ key: AsymmetricKey) throws -> AsymmetricKey {
        guard key.baseID == EVP_PKEY_EC, key.bits == 256 else {
            throw CryptoError(operation: "load ES256 key", reason: "not a P-256 EC key")
        }
        return key
    }

    private static func verify(_ signature: [UInt8], message: [UInt8], key: AsymmetricKey) -> Bool {
        guard signature.count == signatureLength, let der = derSignature(fromRaw: signature) else { return false }
        return key.verify(der, message: message, digest: EVP_sha256())
    }

    /// DER `ECDSA-Sig-Value` → fixed-width r‖s.
    private static func rawSignature(fromDER der: [UInt8]) throws -> [UInt8] {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, buffer.count)
        }
        guard let signature = parsed else { throw CryptoError.fromOpenSSL("parse ECDSA signature") }
        defer { ECDSA_SIG_free(signature) }
        var output = [UInt8](repeating: 0, count: signatureLength)
        let wroteR = BN_bn2binpad(ECDSA_SIG_get0_r(signature), &output, 32)
        let wroteS = output.withUnsafeMutableBufferPointer { BN_bn2binpad(ECDSA_SIG_get0_s(signature), $0.baseAddress! + 32, 32) }
        guard wroteR == 32, wroteS == 32 else { throw CryptoError.fromOpenSSL("encode ECDSA signature") }
        return output
    }

    /// Fixed-width r‖s → DER, or nil when OpenSSL cannot build it.
    private static func derSignature(fromRaw raw: [UInt8]) -> [UInt8]? {
        guard let signature = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(signature) }
        let r = raw.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, 32, nil) }
        let s = raw.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress! + 32, 32, nil) }
        // ECDSA_SIG_set0 takes ownership of r and s only on success.
        guard let r, let s, ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r); BN_free(s)
            return nil
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { return nil }
        var output = [UInt8](repeating: 0, count: Int(length))
        _ = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        return output
    }
}
