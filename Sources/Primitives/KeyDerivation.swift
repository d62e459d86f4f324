import COpenSSL

/// Password-based key derivation (PBKDF2-HMAC-SHA256 and scrypt).
public enum KeyDerivation {
    /// PBKDF2-HMAC-SHA256 (RFC 8018). Slow by design: call it once per key, never per record.
    public static func pbkdf2SHA256(
        password: [UInt8], salt: [UInt8], iterations: Int, keyLength: Int
    ) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: keyLength)
        let status = password.withUnsafeBufferPointer { passwordBuffer in
            salt.withUnsafeBufferPointer { saltBuffer in
                password.withUnsafeBytes { raw in
                    PKCS5_PBKDF2_HMAC(
                        raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(passwordBuffer.count),
                        saltBuffer.baseAddress, Int32(saltBuffer.count), Int32(iterations),
                        EVP_sha256(), Int32(keyLength), &output)
                }
            }
        }
        try check(status, "PBKDF2")
        return output
    }

    /// scrypt (RFC 7914) with cost `n` (a power of two), block size `r` and parallelism `p`.
    public static func scrypt(
        password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, keyLength: Int
    ) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: keyLength)
        // Memory needed is 128·r·n bytes; allow that plus headroom, since OpenSSL's default cap is 32 MiB.
        let maxMemory = 128 * r * n + 1024 * 1024 * 16
        let status = password.withUnsafeBytes { passwordRaw in
            salt.withUnsafeBufferPointer { saltBuffer in
                EVP_PBE_scrypt(
                    passwordRaw.baseAddress?.assumingMemoryBound(to: CChar.self), passwordRaw.count,
                    saltBuffer.baseAddress, saltBuffer.count, n, r, p, maxMemory, &output, keyLength)
            }
        }
        try check(status, "scrypt")
        return output
    }
}
