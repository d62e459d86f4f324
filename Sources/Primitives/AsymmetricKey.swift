import COpenSSL

/// One owned `EVP_PKEY` handle, freed in `deinit`. Internal: nothing outside Primitives sees an OpenSSL type.
final class AsymmetricKey {
    let handle: OpaquePointer

    private init(_ handle: OpaquePointer) { self.handle = handle }

    deinit { EVP_PKEY_free(handle) }

    /// A private key from PEM text (SEC1 `EC PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`, PKCS#8 `PRIVATE KEY`).
    /// An encrypted PEM fails: no passphrase is ever supplied.
    static func privateKey(pem: String) throws -> AsymmetricKey {
        try withMemoryBIO(pem) { bio in
            // With a nil callback OpenSSL's default one would prompt on the controlling terminal for an
            // encrypted PEM; this one answers "no passphrase" so decryption fails with an error instead.
            guard let key = PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil) else {
                throw CryptoError.fromOpenSSL("read private key PEM")
            }
            return AsymmetricKey(key)
        }
    }

    /// A public key from PEM text (`PUBLIC KEY`, i.e. SubjectPublicKeyInfo).
    static func publicKey(pem: String) throws -> AsymmetricKey {
        try withMemoryBIO(pem) { bio in
            guard let key = PEM_read_bio_PUBKEY(bio, nil, nil, nil) else {
                throw CryptoError.fromOpenSSL("read public key PEM")
            }
            return AsymmetricKey(key)
        }
    }

    /// A public key from DER SubjectPublicKeyInfo bytes.
    static func publicKey(der: [UInt8]) throws -> AsymmetricKey {
        try der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            guard let key = d2i_PUBKEY(nil, &cursor, buffer.count) else {
                throw CryptoError.fromOpenSSL("read public key DER")
            }
            return AsymmetricKey(key)
        }
    }

    /// An Ed25519 key from its 32-byte seed (`private == true`) or 32-byte public key.
    static func ed25519(raw: [UInt8], isPrivate: Bool) throws -> AsymmetricKey {
        guard raw.count == 32 else {
            throw CryptoError(operation: "load Ed25519 key", reason: "expected 32 bytes, got \(raw.count)")
        }
        let key = raw.withUnsafeBufferPointer { buffer in
            isPrivate
                ? EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, buffer.baseAddress, 32)
                : EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, buffer.baseAddress, 32)
        }
        guard let key else { throw CryptoError.fromOpenSSL("load Ed25519 key") }
        return AsymmetricKey(key)
    }

    /// The OpenSSL key type id (`EVP_PKEY_EC`, `EVP_PKEY_ED25519`, ...).
    var baseID: Int32 { EVP_PKEY_get_base_id(handle) }

    /// The key size in bits (256 for P-256).
    var bits: Int32 { EVP_PKEY_get_bits(handle) }

    /// The DER SubjectPublicKeyInfo of the public half.
    func subjectPublicKeyInfo() throws -> [UInt8] {
        let length = i2d_PUBKEY(handle, nil)
        guard length > 0 else { throw CryptoError.fromOpenSSL("encode public key") }
        var output = [UInt8](repeating: 0, count: Int(length))
        let written = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_PUBKEY(handle, &cursor)
        }
        guard written == length else { throw CryptoError.fromOpenSSL("encode public key") }
        return output
    }

    /// The raw public key bytes of an Ed25519 key.
    func rawPublicKey() throws -> [UInt8] {
        var length = 0
        try check(EVP_PKEY_get_raw_public_key(handle, nil, &length), "get raw public key")
        var output = [UInt8](repeating: 0, count: length)
        try check(EVP_PKEY_get_raw_public_key(handle, &output, &length), "get raw public key")
        return Array(output.prefix(length))
    }

    /// One-shot signature; `digest` is nil for Ed25519, which hashes internally. `rsaPadding` (an
    /// `RSA_*_PADDING` mode) is set on RSA keys only, so the scheme never rests on a default.
    func sign(_ message: [UInt8], digest: OpaquePointer?, rsaPadding: Int32? = nil) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw CryptoError.fromOpenSSL("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        try check(EVP_DigestSignInit(context, &keyContext, digest, nil, handle), "EVP_DigestSignInit")
        if let rsaPadding {
            // keyContext is owned by `context` and freed with it.
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, rsaPadding) > 0 else {
                throw CryptoError.fromOpenSSL("EVP_PKEY_CTX_set_rsa_padding")
            }
        }
        var length = 0
        try message.withUnsafeBufferPointer { input in
            try check(EVP_DigestSign(context, nil, &length, input.baseAddress, input.count), "EVP_DigestSign")
        }
        var output = [UInt8](repeating: 0, count: length)
        try message.withUnsafeBufferPointer { input in
            try check(EVP_DigestSign(context, &output, &length, input.baseAddress, input.count), "EVP_DigestSign")
        }
        return Array(output.prefix(length))
    }

    /// True when `signature` (in OpenSSL's encoding: DER for ECDSA, raw for Ed25519 and RSA) verifies.
    /// A separate code path from `sign`: the sandbox checks clients' signatures with it.
    func verify(_ signature: [UInt8], message: [UInt8], digest: OpaquePointer?, rsaPadding: Int32? = nil) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context); ERR_clear_error() }
        var keyContext: OpaquePointer?
        guard EVP_DigestVerifyInit(context, &keyContext, digest, nil, handle) == 1 else { return false }
        if let rsaPadding, EVP_PKEY_CTX_set_rsa_padding(keyContext, rsaPadding) <= 0 { return false }
        return signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { input in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, input.baseAddress, input.count) == 1
            }
        }
    }

    /// Runs `body` with a read-only memory BIO over `text`'s UTF-8 bytes.
    private static func withMemoryBIO<T>(_ text: String, _ body: (OpaquePointer) throws -> T) throws -> T {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            // The BIO borrows the buffer; it is freed before the buffer goes away.
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                throw CryptoError.fromOpenSSL("BIO_new_mem_buf")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }
}

/// PEM armour (RFC 7468 §2): a base64 body between BEGIN and END lines, wrapped at 64 columns.
public enum PEM {
    /// `-----BEGIN label-----` text for DER bytes.
    static func encode(_ der: [UInt8], label: String) -> String {
        armour(base64: Base64.encode(der), label: label)
    }

    /// `body` (base64 without whitespace) armoured under `label` in 64-character lines, ending in a newline.
    public static func armour(base64 body: String, label: String) -> String {
        var lines = ["-----BEGIN \(label)-----"]
        var index = body.startIndex
        while index < body.endIndex {
            let end = body.index(index, offsetBy: 64, limitedBy: body.endIndex) ?? body.endIndex
            lines.append(String(body[index..<end]))
            index = end
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }
}
