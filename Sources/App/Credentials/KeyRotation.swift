import Store
import Vault

/// `holdfast keys rotate`: re-encrypts every stored exchange credential under the active key.
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
            let rows = try db.query("SELECT id, api_key_encrypted, api_secret_encrypted, passphrase_encrypted FROM exchange_connections")
            for row in rows {
                guard let id = row.string("id") else { continue }
                report.connections += 1
                var updates: [String: String] = [:]
                for (column, field) in columns {
                    guard let stored = row.string(column) else { continue }
                    if let rotated = try cipher.reencrypt(stored, connectionId: id, field: field) {
                        updates[column] = rotated
                        report.fieldsRotated += 1
                    } else {
                        report.fieldsAlreadyCurrent += 1
                    }
                }
                for (column, value) in updates {
                    // Column names come from the fixed table above, never from input.
                    try db.run("UPDATE exchange_connections SET \(column) = ? WHERE id = ?", [.text(value), .text(id)])
                }
            }
            return report
        }
    }

    /// The credential columns and the vault field each one is bound to.
    static let columns: [(String, CredentialField)] = [
        ("api_key_encrypted", .apiKey), ("api_secret_encrypted", .apiSecret), ("passphrase_encrypted", .passphrase),
    ]
}
