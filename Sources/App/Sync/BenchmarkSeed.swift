import Foundation
import Store
import Vault

/// Seeds connections for the sync benchmark: `count` connections of `userEmail`, spread over the given
/// sandbox accounts, due at once. Encrypted exactly as real connections are, in one transaction.
///
/// Called by `holdfast-bench seed-connections` and the timer's tests. It stays in App, beside the other
/// statements on `exchange_connections`, until the connection store owns its insert; then only the loop moves.
public enum BenchmarkSeed {
    /// An account to copy credentials from.
    public struct Account: Decodable, Sendable {
        public let exchange: String
        public let apiKey: String
        public let apiSecret: String
        public let passphrase: String?
    }

    /// Inserts the connections and returns their ids.
    @discardableResult
    public static func seed(count: Int, accounts: [Account], userEmail: String, database: Database, keyRing: KeyRing) throws -> [String] {
        let cipher = CredentialCipher(keyRing: keyRing)
        let now = Timestamp.now()
        return try database.write { db in
            guard let userID = try db.queryOne("SELECT id FROM users WHERE email = ?", [.text(userEmail)])?.string("id") else {
                throw UserError.notFound
            }
            var ids: [String] = []
            for index in 0..<count {
                let account = accounts[index % accounts.count]
                let id = UUIDs.make()
                try db.run("""
                    INSERT INTO exchange_connections (id, user_id, exchange, label, api_key_encrypted, api_secret_encrypted,
                        passphrase_encrypted, api_key_hint, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.text(id), .text(userID), .text(account.exchange), .text("bench \(index)"),
                          .text(try cipher.seal(account.apiKey, connectionId: id, field: .apiKey)),
                          .text(try cipher.seal(account.apiSecret, connectionId: id, field: .apiSecret)),
                          .optionalText(try account.passphrase.map { try cipher.seal($0, connectionId: id, field: .passphrase) }),
                          .text(ConnectionView.keyHint(account.apiKey)), .text(now), .text(now)])
                ids.append(id)
            }
            return ids
        }
    }
}
