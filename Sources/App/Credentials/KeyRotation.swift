import Store
import Vault

/// `holdfast keys rotate`: re-encrypts every stored exchange credential, every alert channel's secret or token and
/// every Ghostfolio feed token under the active key.
///
/// One transaction for the whole table: a Holdfast database holds at most thousands of connections and each
/// field costs microseconds, so the lock is held briefly, and a crash leaves either all rows rotated or none.
/// Running it again finds nothing to do. Once it reports zero remaining, old keys can be removed from
/// `ENCRYPTION_KEYS_PREVIOUS`.
public enum KeyRotation {
    /// What a rotation did.
    public struct Report: Sendable, Equatable {
        public var connections = 0
        public var fieldsRotated = 0
        public var fieldsAlreadyCurrent = 0
    }

    /// Rotates every credential in `database` with `cipher`'s active key.
    public static func rotate(_ database: Database, cipher: CredentialCipher) throws -> Report {
        try database.write { db in
            var report = Report()
            for connection in try ConnectionStore.sealedCredentials(in: db) {
                report.connections += 1
                for (field, stored) in connection.fields {
                    if let rotated = try cipher.reencrypt(stored, connectionId: connection.id, field: field) {
                        try ConnectionStore.replaceSealed(field, of: connection.id, with: rotated, in: db)
                        report.fieldsRotated += 1
                    } else {
                        report.fieldsAlreadyCurrent += 1
                    }
                }
            }
            // Alert channel secrets (webhook HMAC keys, ntfy tokens), counted with the fields.
            for (id, stored) in try AlertChannelStore.sealedSecrets(in: db) {
                if let rotated = try cipher.reencrypt(stored, connectionId: id, field: .alertSecret) {
                    try AlertChannelStore.replaceSealedSecret(of: id, with: rotated, in: db)
                    report.fieldsRotated += 1
                } else {
                    report.fieldsAlreadyCurrent += 1
                }
            }
            // The Ghostfolio feeds' security tokens are sealed with the same key ring (`FeedToken`).
            for (userID, stored) in try FeedStore.sealedTokens(in: db) {
                if let rotated = try cipher.reencrypt(stored, connectionId: FeedToken.binding(ofUser: userID), field: .apiSecret) {
                    try FeedStore.replaceSealedToken(ofUser: userID, with: rotated, in: db)
                    report.fieldsRotated += 1
                } else {
                    report.fieldsAlreadyCurrent += 1
                }
            }
            return report
        }
    }
}
