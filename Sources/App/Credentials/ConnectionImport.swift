import Exchanges
import Foundation
import Store
import Vault

/// Stores exchange connections from plaintext credentials the caller vouches for, without asking the exchange:
/// for provisioning and imports, where the keys were checked elsewhere or are known good. Today
/// `holdfast-bench seed-connections` (and the timer's tests) fill a database this way; an admin command that
/// provisions connections, or `holdfast import-legacy` once its secrets are decrypted, could call it as well.
///
/// Unlike `POST /api/v1/exchanges/connect`, nothing here contacts the exchange, reads the key's permissions or
/// runs a first sync: each connection is stored never attempted, so it is due at once. Each secret is sealed for
/// its new row as the handler seals it (bound to the row id and field), and every row goes in in one write
/// transaction: all or nothing. The SQL stays with `ConnectionStore` and `UserStore`.
public enum ConnectionImport {
    /// One connection to store, with its credentials in plaintext (never logged, never echoed in an error).
    public struct Entry: Sendable {
        public var exchange: ExchangeID
        /// The name the UI shows; nil for none.
        public var label: String?
        public var apiKey: String
        public var apiSecret: String
        /// For the exchanges whose `info.requiredFields` include it (KuCoin, OKX, Coinbase Exchange); not checked here.
        public var passphrase: String?

        public init(exchange: ExchangeID, label: String?, apiKey: String, apiSecret: String, passphrase: String?) {
            self.exchange = exchange
            self.label = label
            self.apiKey = apiKey
            self.apiSecret = apiSecret
            self.passphrase = passphrase
        }
    }

    /// Stores `entries` for the user with `email` (ASCII case ignored, as at login) and returns their new ids, in
    /// the order of `entries`.
    ///
    /// Throws `UserError.notFound` when nobody has that email, or the vault's error when a secret cannot be
    /// sealed; either way nothing is stored. The sealing runs before the transaction, so a write that is retried
    /// (PostgreSQL's serialization failures) stores the same rows and does not pay for the cipher twice.
    @discardableResult
    public static func add(_ entries: [Entry], forUserWithEmail email: String, in database: Database,
                           cipher: CredentialCipher) throws -> [String] {
        let now = Timestamp.now()
        let sealed = try entries.map { try Sealed($0, cipher: cipher) }
        try database.write { db in
            // Looked up in the writing transaction, so a user deleted meanwhile cannot receive the rows.
            guard let userID = try UserStore.find(email: email, in: db)?.id else { throw UserError.notFound }
            for connection in sealed {
                try ConnectionStore.insert(connection.row(userID: userID, createdAt: now), in: db)
            }
        }
        return sealed.map(\.id)
    }

    /// An entry with a new id and its secrets sealed for that id; the plaintext stays behind in `Entry`.
    private struct Sealed: Sendable {
        let id: String
        let exchange: ExchangeID
        let label: String?
        let apiKey: String
        let apiSecret: String
        let passphrase: String?
        /// The key's last characters, for the UI (`ConnectionView.keyHint`).
        let apiKeyHint: String

        init(_ entry: Entry, cipher: CredentialCipher) throws {
            let id = UUIDs.make()
            self.id = id
            exchange = entry.exchange
            label = entry.label
            apiKey = try cipher.seal(entry.apiKey, connectionId: id, field: .apiKey)
            apiSecret = try cipher.seal(entry.apiSecret, connectionId: id, field: .apiSecret)
            passphrase = try entry.passphrase.map { try cipher.seal($0, connectionId: id, field: .passphrase) }
            apiKeyHint = ConnectionView.keyHint(entry.apiKey)
        }

        /// The row `ConnectionStore.insert` stores for `userID`: never attempted, so due at once.
        func row(userID: String, createdAt: String) -> ConnectionStore.NewConnection {
            var row = ConnectionStore.NewConnection(
                id: id, userID: userID, exchange: exchange.rawValue, label: label, apiKeyEncrypted: apiKey,
                apiSecretEncrypted: apiSecret, passphraseEncrypted: passphrase, createdAt: createdAt)
            row.apiKeyHint = apiKeyHint
            return row
        }
    }
}
