import COpenSSL

/// The algorithm of a PEM key, read from the key itself (its AlgorithmIdentifier), never guessed from its length.
public enum KeyAlgorithm: Sendable, Equatable {
    case ed25519
    case rsa(bits: Int)
    case ecdsa(bits: Int)
    /// Any other type OpenSSL can read (Ed448, DSA, …), by its OpenSSL id.
    case other(id: Int32)

    /// The algorithm of a private key PEM (PKCS#8 `PRIVATE KEY`, PKCS#1, SEC1). Throws `CryptoError` when
    /// OpenSSL cannot read it, which includes every encrypted PEM (no passphrase is supplied).
    public init(privateKeyPEM pem: String) throws {
        self.init(try AsymmetricKey.privateKey(pem: pem))
    }

    /// The algorithm of a `PUBLIC KEY` (SubjectPublicKeyInfo) PEM. Throws `CryptoError` when unreadable.
    public init(publicKeyPEM pem: String) throws {
        self.init(try AsymmetricKey.publicKey(pem: pem))
    }

    private init(_ key: AsymmetricKey) {
        switch key.baseID {
        case EVP_PKEY_ED25519: self = .ed25519
        case EVP_PKEY_RSA: self = .rsa(bits: Int(key.bits))
        case EVP_PKEY_EC: self = .ecdsa(bits: Int(key.bits))
        default: self = .other(id: key.baseID)
        }
    }
}
