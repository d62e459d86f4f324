/// Why an authenticated encryption call refused its input. Never carries key material or plaintext.
public enum AEADError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The tag did not verify: wrong key, wrong associated data, or tampered nonce, ciphertext or tag.
    case authenticationFailed
    /// The key is not the cipher's key size (the byte count is given, never the key).
    case invalidKeyLength(Int)
    /// The nonce length is not one the cipher accepts.
    case invalidNonceLength(Int)
    /// The tag length is not the full 16 bytes (truncated tags are refused: they weaken forgery resistance).
    case invalidTagLength(Int)

    /// A message safe to log: no key material, no plaintext.
    public var description: String {
        switch self {
        case .authenticationFailed: return "authentication failed: wrong key, wrong associated data, or tampered data"
        case .invalidKeyLength(let count): return "invalid key length \(count) bytes"
        case .invalidNonceLength(let count): return "invalid nonce length \(count) bytes"
        case .invalidTagLength(let count): return "invalid tag length \(count) bytes"
        }
    }
}
