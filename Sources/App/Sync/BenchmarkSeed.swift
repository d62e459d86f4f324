import Foundation
import Store
import Vault

/// Seeds connections for the sync benchmark: `count` connections of `userEmail`, spread over the given
/// sandbox accounts, due at once. Encrypted exactly as real connections are, in one transaction.
///
/// Called by `holdfast-bench seed-connections` and the timer's tests (which is why it lives in App); it writes
/// through `UserStore` and `ConnectionStore` like every other caller.
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
            guard let userID = try UserStore.find(email: userEmail, in: db)?.id else { throw UserError.notFound }
            var ids: [String] = []
            for index in 0..<count {
                let account = accounts[index % accounts.count]
                let id = UUIDs.make()
                var connection = ConnectionStore.NewConnection(
                    id: id, userID: userID, exchange: account.exchange, label: "bench \(index)",
                    apiKeyEncrypted: try cipher.seal(account.apiKey, connectionId: id, field: .apiKey),
                    apiSecretEncrypted: try cipher.seal(account.apiSecret, connectionId: id, field: .apiSecret),
                    passphraseEncrypted: try account.passphrase.map { try cipher.seal($0, connectionId: id, field: .passphrase) },
                    createdAt: now)
                connection.apiKeyHint = ConnectionView.keyHint(account.apiKey)
                try ConnectionStore.insert(connection, in: db)
                ids.append(id)
            }
            return ids
        }
    }
}
