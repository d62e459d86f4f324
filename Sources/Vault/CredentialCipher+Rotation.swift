/// Key rotation, without any database: the `keys rotate` command walks the rows and calls these per field.
extension CredentialCipher {
    /// True when `stored` is not a v2 value sealed under the active key: older keys, the legacy format, and
    /// unparseable text all need attention from a rotation run.
    public func needsRotation(_ stored: String) -> Bool {
        guard let credential = try? StoredCredential(parsing: stored) else { return true }
        return credential.keyId != keyRing.activeKeyId
    }

    /// The value re-sealed under the active key, or nil when it already is under the active key (so the
    /// row need not be written). The value is opened first, so a tampered or misplaced value throws instead
    /// of being laundered into a fresh, valid ciphertext.
    ///
    /// Legacy (seed backend) values are not v2 and throw `VaultError.malformed`; open those with
    /// `LegacyDecryptor` and `seal` the result.
    public func reencrypt(_ stored: String, connectionId: String, field: CredentialField) throws -> String? {
        let credential = try StoredCredential(parsing: stored)
        guard credential.keyId != keyRing.activeKeyId else { return nil }
        let secret = try open(stored, connectionId: connectionId, field: field)
        return try seal(secret, connectionId: connectionId, field: field)
    }
}
