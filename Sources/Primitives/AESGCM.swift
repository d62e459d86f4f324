import COpenSSL

/// AES-256 in Galois/Counter Mode (NIST SP 800-38D): authenticated encryption with associated data.
///
/// New data uses random 96-bit nonces (the length GCM is designed for). Other nonce lengths, such as the
/// 16-byte IVs of the legacy stored format, are accepted for opening old data and are hashed into the
/// initial counter as the standard prescribes.
public enum AESGCM {
    /// AES-256 key length.
    public static let keyByteCount = 32
    /// The nonce length used for everything this code seals.
    public static let nonceByteCount = 12
    /// Full-length GCM tag.
    public static let tagByteCount = 16

    /// A nonce, the ciphertext (same length as the plaintext) and the authentication tag.
    public struct SealedBox: Sendable, Equatable {
        /// The nonce the box was sealed with; unique per key, not secret.
        public let nonce: [UInt8]
        /// The encrypted bytes, as long as the plaintext.
        public let ciphertext: [UInt8]
        /// The 16-byte authentication tag over associated data and ciphertext.
        public let tag: [UInt8]

        /// Assembles a box from its parts, for example after parsing a stored value.
        public init(nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
            self.nonce = nonce
            self.ciphertext = ciphertext
            self.tag = tag
        }
    }

    /// Encrypts `plaintext` under `key` and authenticates it together with `associatedData`.
    ///
    /// Leave `nonce` nil to get a fresh random 96-bit nonce; pass one only for known-answer tests, since
    /// reusing a nonce under the same key reveals the XOR of plaintexts and lets an attacker forge tags.
    public static func seal(
        _ plaintext: [UInt8], using key: SymmetricKey, nonce: [UInt8]? = nil,
        authenticating associatedData: [UInt8] = []
    ) throws -> SealedBox {
        let nonce = nonce ?? SecureRandom.bytes(nonceByteCount)
        try validate(key: key, nonce: nonce)
        let context = try CipherContext()
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: tagByteCount)

        try check(EVP_EncryptInit_ex(context.pointer, EVP_aes_256_gcm(), nil, nil, nil), "AES-GCM init")
        try context.setNonceLength(nonce.count)
        try key.withUnsafeBytes { keyBytes in
            let keyPointer = keyBytes.bindMemory(to: UInt8.self).baseAddress
            try check(EVP_EncryptInit_ex(context.pointer, nil, nil, keyPointer, nonce), "AES-GCM key setup")
        }
        var written: Int32 = 0
        if !associatedData.isEmpty {
            // A nil output buffer tells OpenSSL this input is associated data (authenticated, not encrypted).
            try check(EVP_EncryptUpdate(context.pointer, nil, &written, associatedData, Int32(associatedData.count)),
                      "AES-GCM associated data")
        }
        if !plaintext.isEmpty {
            try check(EVP_EncryptUpdate(context.pointer, &ciphertext, &written, plaintext, Int32(plaintext.count)),
                      "AES-GCM encrypt")
        }
        // GCM is a stream mode: Final emits no bytes, it only completes the tag computation.
        var scratch = [UInt8](repeating: 0, count: 16)
        try check(EVP_EncryptFinal_ex(context.pointer, &scratch, &written), "AES-GCM finish")
        try check(EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_GET_TAG, Int32(tagByteCount), &tag), "AES-GCM tag")
        return SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag)
    }

    /// Decrypts `box` under `key`, or throws `AEADError.authenticationFailed` when the tag does not verify
    /// for this key and `associatedData`. No plaintext is ever returned from a box that fails to verify.
    public static func open(
        _ box: SealedBox, using key: SymmetricKey, authenticating associatedData: [UInt8] = []
    ) throws -> [UInt8] {
        try validate(key: key, nonce: box.nonce)
        guard box.tag.count == tagByteCount else { throw AEADError.invalidTagLength(box.tag.count) }
        let context = try CipherContext()
        var plaintext = [UInt8](repeating: 0, count: box.ciphertext.count)

        try check(EVP_DecryptInit_ex(context.pointer, EVP_aes_256_gcm(), nil, nil, nil), "AES-GCM init")
        try context.setNonceLength(box.nonce.count)
        try key.withUnsafeBytes { keyBytes in
            let keyPointer = keyBytes.bindMemory(to: UInt8.self).baseAddress
            try check(EVP_DecryptInit_ex(context.pointer, nil, nil, keyPointer, box.nonce), "AES-GCM key setup")
        }
        var written: Int32 = 0
        if !associatedData.isEmpty {
            try check(EVP_DecryptUpdate(context.pointer, nil, &written, associatedData, Int32(associatedData.count)),
                      "AES-GCM associated data")
        }
        if !box.ciphertext.isEmpty {
            try check(
                EVP_DecryptUpdate(context.pointer, &plaintext, &written, box.ciphertext, Int32(box.ciphertext.count)),
                "AES-GCM decrypt")
        }
        var expectedTag = box.tag
        try check(EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_SET_TAG, Int32(tagByteCount), &expectedTag),
                  "AES-GCM set tag")
        // Final compares the tags in constant time. Until it succeeds the buffer holds unauthenticated
        // plaintext, which must be destroyed rather than returned.
        var scratch = [UInt8](repeating: 0, count: 16)
        guard EVP_DecryptFinal_ex(context.pointer, &scratch, &written) == 1 else {
            ConstantTime.wipe(&plaintext)
            ERR_clear_error()
            throw AEADError.authenticationFailed
        }
        return plaintext
    }

    private static func validate(key: SymmetricKey, nonce: [UInt8]) throws {
        guard key.byteCount == keyByteCount else { throw AEADError.invalidKeyLength(key.byteCount) }
        // SP 800-38D allows 1...2^64 bits; 8 bytes is a sane floor and 128 covers every real format.
        guard (8...128).contains(nonce.count) else { throw AEADError.invalidNonceLength(nonce.count) }
    }
}

/// Owns one `EVP_CIPHER_CTX` for the length of a single seal or open.
private final class CipherContext {
    let pointer: OpaquePointer

    init() throws {
        guard let pointer = EVP_CIPHER_CTX_new() else { throw CryptoError.fromOpenSSL("EVP_CIPHER_CTX_new") }
        self.pointer = pointer
    }

    /// GCM defaults to 12-byte nonces; any other length must be announced before the nonce is set.
    func setNonceLength(_ length: Int) throws {
        guard length != AESGCM.nonceByteCount else { return }
        try check(EVP_CIPHER_CTX_ctrl(pointer, EVP_CTRL_GCM_SET_IVLEN, Int32(length), nil), "AES-GCM nonce length")
    }

    deinit {
        // EVP_CIPHER_CTX_free cleanses the expanded key schedule before freeing it.
        EVP_CIPHER_CTX_free(pointer)
    }
}
