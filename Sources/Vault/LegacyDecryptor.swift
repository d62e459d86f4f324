import Foundation
import Primitives

/// Opens credentials written by the seed backend, so they can be migrated to the v2 format.
///
/// Legacy text form, four standard-base64 fields separated by `:`:
///
///     salt:iv:authTag:ciphertext
///
/// with a 64-byte salt, a 16-byte IV, a 16-byte GCM tag and the ciphertext (empty for an empty secret).
/// The AES-256-GCM key is PBKDF2-HMAC-SHA256(old ENCRYPTION_KEY, salt, 100,000 iterations, 32 bytes), and
/// there is no associated data, so legacy values are not bound to their row (one more reason to migrate).
///
/// Every record carries its own salt, so every record costs a full PBKDF2 (tens of milliseconds). Derived
/// keys are cached by salt, so a repeated salt is not stretched twice.
public final class LegacyDecryptor: @unchecked Sendable {
    // @unchecked Sendable is safe: `password` is immutable after init, and `cache` is only touched while
    // holding `lock`.

    /// The seed backend's PBKDF2 iteration count.
    public static let iterations = 100_000
    /// Bytes of the per-record salt, the first field of the text form.
    public static let saltByteCount = 64
    /// Bytes of the GCM IV, the second field; the seed backend used 16, not GCM's usual 12.
    public static let ivByteCount = 16
    /// Upper bound on cached keys; each record normally has a unique salt, so the cache is only a shortcut
    /// for repeats and must not grow with the table.
    static let cacheLimit = 1024

    private let password: SymmetricKey
    private let lock = NSLock()
    private var cache: [[UInt8]: SymmetricKey] = [:]

    /// How many derived keys are cached (for tests).
    var cachedKeyCount: Int { lock.withLock { cache.count } }

    /// A decryptor for values written under the seed backend's `ENCRYPTION_KEY` value `key`.
    public init(key: String) {
        var bytes = Array(key.utf8)
        password = SymmetricKey(consuming: &bytes)
    }

    /// True when `stored` has the shape of a legacy value (four fields, no v2 prefix). It does not decrypt.
    public static func recognizes(_ stored: String) -> Bool {
        let parts = stored.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] != StoredCredential.version
            && Base64.decode(String(parts[0]))?.count == saltByteCount
    }

    /// Decrypts a legacy value. Throws `VaultError.malformed` for bad shape and
    /// `VaultError.authenticationFailed` for a wrong key or tampered data; never quotes the input.
    public func open(_ stored: String) throws -> String {
        let parts = stored.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            throw VaultError.malformed("legacy value needs 4 ':'-separated fields, found \(parts.count)")
        }
        guard let salt = Base64.decode(String(parts[0])), salt.count == Self.saltByteCount else {
            throw VaultError.malformed("legacy salt is not base64 of \(Self.saltByteCount) bytes")
        }
        guard let iv = Base64.decode(String(parts[1])), iv.count == Self.ivByteCount else {
            throw VaultError.malformed("legacy IV is not base64 of \(Self.ivByteCount) bytes")
        }
        guard let tag = Base64.decode(String(parts[2])), tag.count == AESGCM.tagByteCount else {
            throw VaultError.malformed("legacy tag is not base64 of \(AESGCM.tagByteCount) bytes")
        }
        // An empty secret encrypts to an empty field; Base64.decode("") is an empty array, not nil.
        guard let ciphertext = Base64.decode(String(parts[3])) else {
            throw VaultError.malformed("legacy ciphertext is not base64")
        }
        let key = try self.key(forSalt: salt)
        var plaintext: [UInt8]
        do {
            plaintext = try AESGCM.open(AESGCM.SealedBox(nonce: iv, ciphertext: ciphertext, tag: tag), using: key)
        } catch AEADError.authenticationFailed {
            throw VaultError.authenticationFailed
        }
        defer { ConstantTime.wipe(&plaintext) }
        guard let secret = String(bytes: plaintext, encoding: .utf8) else { throw VaultError.notText }
        return secret
    }

    /// The derived key for `salt`, from the cache or from PBKDF2. The PBKDF2 runs outside the lock so
    /// concurrent migrations of different records do not queue behind each other.
    private func key(forSalt salt: [UInt8]) throws -> SymmetricKey {
        if let cached = lock.withLock({ cache[salt] }) { return cached }
        var passwordBytes = password.withUnsafeBytes { Array($0) }
        defer { ConstantTime.wipe(&passwordBytes) }
        var derived = try KeyDerivation.pbkdf2SHA256(
            password: passwordBytes, salt: salt, iterations: Self.iterations, keyLength: AESGCM.keyByteCount)
        let key = SymmetricKey(consuming: &derived)
        lock.withLock {
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            cache[salt] = key
        }
        return key
    }
}
