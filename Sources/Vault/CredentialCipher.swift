import Foundation
import Primitives

/// Seals and opens exchange credentials for storage, using a `KeyRing`.
///
/// Every call is one AES-256-GCM operation with an already-derived key (microseconds); the slow key
/// stretching happened once when the ring was built. Values are text in the `StoredCredential` format,
/// bound to their connection and field.
public struct CredentialCipher: Sendable {
    /// The keys: the active one seals, any of them opens.
    public let keyRing: KeyRing

    /// A cipher over `keyRing`.
    public init(keyRing: KeyRing) {
        self.keyRing = keyRing
    }

    /// Encrypts `secret` under the active key for `field` of connection `connectionId`.
    public func seal(_ secret: String, connectionId: String, field: CredentialField) throws -> String {
        let key = keyRing.active
        var plaintext = Array(secret.utf8)
        defer { ConstantTime.wipe(&plaintext) }
        let box = try AESGCM.seal(
            plaintext, using: key.key,
            authenticating: StoredCredential.associatedData(keyId: key.id, connectionId: connectionId, field: field))
        return StoredCredential(keyId: key.id, box: box).text
    }

    /// Decrypts a stored value of `field` of connection `connectionId`.
    ///
    /// Throws `VaultError.malformed` for text that is not a v2 value, `VaultError.unknownKey(id)` when the
    /// ring lacks the sealing key, and `VaultError.authenticationFailed` when the value was tampered with,
    /// sealed for another connection or field, or sealed under different key material with the same id.
    public func open(_ stored: String, connectionId: String, field: CredentialField) throws -> String {
        let credential = try StoredCredential(parsing: stored)
        guard let key = keyRing.key(withId: credential.keyId) else { throw VaultError.unknownKey(credential.keyId) }
        var plaintext: [UInt8]
        do {
            plaintext = try AESGCM.open(
                credential.box, using: key.key,
                authenticating: StoredCredential.associatedData(
                    keyId: credential.keyId, connectionId: connectionId, field: field))
        } catch AEADError.authenticationFailed {
            throw VaultError.authenticationFailed
        }
        defer { ConstantTime.wipe(&plaintext) }
        guard let secret = String(bytes: plaintext, encoding: .utf8) else { throw VaultError.notText }
        return secret
    }
}
