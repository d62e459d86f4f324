import COpenSSL

/// Identifies an unencrypted private key given as DER bytes (the body of a PEM whose armour may be lost).
///
/// The bytes go to OpenSSL's DER decoder (`d2i_AutoPrivateKey`: SEC1 and PKCS#8), never to its PEM reader, so
/// no `Proc-Type: ENCRYPTED` header or encrypted structure can make OpenSSL prompt for a password on a terminal.
public enum PrivateKeyDER {
    /// What the bytes hold.
    public enum Kind: Equatable, Sendable {
        /// An EC key on P-256, re-encoded as a SEC1 `EC PRIVATE KEY` PEM with 64-character lines.
        case p256(pem: String)
        /// An Ed25519 key (PKCS#8); its 32-byte seed.
        case ed25519(seed: [UInt8])
        /// A private key of another type ("RSA", "EC-384", …): readable, but not wanted.
        case otherPrivateKey(type: String)
        /// A public key (SubjectPublicKeyInfo), not a private key.
        case publicKey
        /// Nothing readable: truncated or damaged bytes, or not a key at all.
        case unreadable
    }

    /// What `der` holds.
    public static func identify(_ der: [UInt8]) -> Kind {
        // Whatever fails below leaves reasons on this thread's OpenSSL error queue; none of them matter here.
        defer { ERR_clear_error() }
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
        guard let key = parsed else {
            return (try? AsymmetricKey.publicKey(der: der)) != nil ? .publicKey : .unreadable
        }
        defer { EVP_PKEY_free(key) }
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_EC:
            let bits = EVP_PKEY_get_bits(key)
            guard bits == 256 else { return .otherPrivateKey(type: "EC-\(bits)") }
            guard let sec1 = sec1DER(key) else { return .unreadable }
            return .p256(pem: PEM.encode(sec1, label: "EC PRIVATE KEY"))
        case EVP_PKEY_ED25519:
            var length = 32
            var seed = [UInt8](repeating: 0, count: 32)
            guard EVP_PKEY_get_raw_private_key(key, &seed, &length) == 1, length == 32 else { return .unreadable }
            return .ed25519(seed: seed)
        case EVP_PKEY_RSA:
            return .otherPrivateKey(type: "RSA")
        default:
            return .otherPrivateKey(type: "non-EC")
        }
    }

    /// The key's SEC1 (`ECPrivateKey`) encoding: `i2d_PrivateKey` writes the type-specific form for EC keys.
    private static func sec1DER(_ key: OpaquePointer) -> [UInt8]? {
        let length = i2d_PrivateKey(key, nil)
        guard length > 0 else { return nil }
        var output = [UInt8](repeating: 0, count: Int(length))
        let written = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_PrivateKey(key, &cursor)
        }
        return written == length ? output : nil
    }
}
