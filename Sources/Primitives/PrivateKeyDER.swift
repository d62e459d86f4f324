import COpenSSL

/// Identifies an unencrypted private key given as DER bytes (the body of a PEM), without ever asking for a
/// password: the bytes are wrapped into PEM armour of our own, so no `Proc-Type: ENCRYPTED` header from the
/// input can reach OpenSSL's password prompt.
public enum PrivateKeyDER {
    /// What the bytes hold.
    public enum Kind: Equatable, Sendable {
        /// An EC key on P-256; `pem` is the key re-armoured under the label it loaded with.
        case p256(pem: String)
        /// An Ed25519 key (PKCS#8); its 32-byte seed.
        case ed25519(seed: [UInt8])
        /// A private key of another type ("RSA", "EC-384", …): loadable, but not wanted.
        case otherPrivateKey(type: String)
        /// A public key (SubjectPublicKeyInfo), not a private key.
        case publicKey
        /// Nothing loadable: truncated or damaged bytes, or not a key at all.
        case unreadable
    }

    /// Loads `der` under `label` when given (the armour it came in), then as SEC1 `EC PRIVATE KEY`, then as
    /// PKCS#8 `PRIVATE KEY`, then as a public key to tell the user what they pasted.
    public static func identify(_ der: [UInt8], label: String? = nil) -> Kind {
        let labels = (label.map { [$0] } ?? []) + ["EC PRIVATE KEY", "PRIVATE KEY"]
        for label in labels {
            let pem = PEM.encode(der, label: label)
            guard let key = try? AsymmetricKey.privateKey(pem: pem) else { continue }
            switch key.baseID {
            case EVP_PKEY_EC:
                return key.bits == 256 ? .p256(pem: pem) : .otherPrivateKey(type: "EC-\(key.bits)")
            case EVP_PKEY_ED25519:
                guard let seed = try? key.rawPrivateKey(), seed.count == 32 else { return .unreadable }
                return .ed25519(seed: seed)
            case EVP_PKEY_RSA:
                return .otherPrivateKey(type: "RSA")
            default:
                return .otherPrivateKey(type: "type \(key.baseID)")
            }
        }
        if (try? AsymmetricKey.publicKey(der: der)) != nil { return .publicKey }
        return .unreadable
    }
}

extension AsymmetricKey {
    /// The raw private key bytes of an Ed25519 key (its 32-byte seed).
    func rawPrivateKey() throws -> [UInt8] {
        var length = 0
        try check(EVP_PKEY_get_raw_private_key(handle, nil, &length), "get raw private key")
        var output = [UInt8](repeating: 0, count: length)
        try check(EVP_PKEY_get_raw_private_key(handle, &output, &length), "get raw private key")
        return Array(output.prefix(length))
    }
}
