import COpenSSL

/// Keyed-hash message authentication codes (RFC 2104) over SHA-256 and SHA-512.
public enum HMAC {
    /// The hash function under the MAC.
    public enum Hash: Sendable {
        case sha256, sha512

        var evp: OpaquePointer? { self == .sha256 ? EVP_sha256() : EVP_sha512() }
        var length: Int { self == .sha256 ? 32 : 64 }
    }

    /// The authentication code of `message` under `key`.
    public static func authenticationCode(
        _ hash: Hash = .sha256, for message: [UInt8], using key: [UInt8]
    ) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: hash.length)
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { keyBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                // A zero-length key must still be a valid pointer for OpenSSL.
                let keyPointer = UnsafeRawPointer(keyBuffer.baseAddress) ?? UnsafeRawPointer(bitPattern: 1)!
                _ = COpenSSL.HMAC(
                    hash.evp, keyPointer, Int32(keyBuffer.count),
                    messageBuffer.baseAddress, messageBuffer.count, &output, &length)
            }
        }
        return Array(output.prefix(Int(length)))
    }

    /// Convenience for string message and key, both taken as UTF-8 bytes.
    public static func authenticationCode(_ hash: Hash = .sha256, for message: String, using key: String) -> [UInt8] {
        authenticationCode(hash, for: Array(message.utf8), using: Array(key.utf8))
    }
}
