import COpenSSL

/// One-shot message digests.
public enum Digest {
    /// SHA-256 of `data` (32 bytes).
    public static func sha256<D: Collection>(_ data: D) -> [UInt8] where D.Element == UInt8 {
        let input = Array(data)
        var output = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        input.withUnsafeBufferPointer { buffer in
            _ = SHA256(buffer.baseAddress, buffer.count, &output)
        }
        return output
    }

    /// SHA-256 of a string's UTF-8 bytes.
    public static func sha256(_ text: String) -> [UInt8] { sha256(Array(text.utf8)) }
}
