/// Why a stored credential could not be opened or re-encrypted.
///
/// Messages name key ids and format rules only: never plaintext, and never the stored text itself (a column
/// that was mistakenly filled with a plaintext secret must not leak through an error message or a log line).
public enum VaultError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The value was sealed under a key id this process does not have (add it to the previous keys).
    case unknownKey(String)
    /// The stored text does not follow its format; the reason describes the rule that was broken.
    case malformed(String)
    /// The tag did not verify: wrong key material, tampering, or a value moved to another row or field.
    case authenticationFailed
    /// The decrypted bytes are not UTF-8, so they cannot be an API credential.
    case notText

    /// A message safe to log: no key material, no plaintext.
    public var description: String {
        switch self {
        case .unknownKey(let id):
            return "credential is encrypted under unknown key id \(id); add that key to ENCRYPTION_KEYS_PREVIOUS"
        case .malformed(let reason):
            return "stored credential is malformed: \(reason)"
        case .authenticationFailed:
            return "stored credential failed authentication (wrong key, tampered, or moved to another row or field)"
        case .notText:
            return "decrypted credential is not UTF-8 text"
        }
    }
}
