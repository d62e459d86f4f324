import Primitives
import Vault

/// Writes records in the seed backend's format, which Holdfast itself only ever reads (`LegacyDecryptor`): for the
/// tests of that reader and the vault benchmark (`holdfast-bench vault`), which need unique-salt legacy data. Only
/// they link this library, never a binary a server runs.
public enum LegacyFixture {
    /// `plaintext` sealed as the seed backend did: fresh salt and IV, PBKDF2 key, no associated data. The text
    /// form is `LegacyDecryptor`'s `salt:iv:authTag:ciphertext`, each field standard base64.
    public static func seal(_ plaintext: String, password: String) throws -> String {
        let salt = SecureRandom.bytes(LegacyDecryptor.saltByteCount)
        var derived = try KeyDerivation.pbkdf2SHA256(
            password: Array(password.utf8), salt: salt, iterations: LegacyDecryptor.iterations,
            keyLength: AESGCM.keyByteCount)
        let key = SymmetricKey(consuming: &derived)
        let box = try AESGCM.seal(
            Array(plaintext.utf8), using: key, nonce: SecureRandom.bytes(LegacyDecryptor.ivByteCount))
        return [salt, box.nonce, box.tag, box.ciphertext].map { Base64.encode($0) }.joined(separator: ":")
    }
}
