import Exchanges
import Foundation
import Store
import Vault

/// `holdfast import-legacy`: brings exchange connections over from the seed backend.
///
/// The file is a JSON array of the seed's `exchange_connections` rows. Every secret is decrypted with the
/// old key and re-encrypted in Holdfast's format, bound to its new row. Nothing is written until every row
/// has decrypted, and then all rows go in one transaction: all or nothing.
public enum LegacyImport {
    /// The exchange ids Holdfast supports. The seed's "coinbase (requires passphrase)" was Coinbase Exchange,
    /// so a seed coinbase row with a passphrase becomes `coinbaseexchange`.
    static let knownExchanges = Set(ExchangeID.allCases.map(\.rawValue))

    /// Imports `data` for the user with `email` and returns how many connections were imported.
    public static func run(data: Data, email: String, legacyKey: String, database: Database, cipher: CredentialCipher) throws -> Int {
        guard let rows = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw LegacyImportError.notAnArrayOfObjects
        }
        guard let userID = try database.read({ try UserStore.find(email: email, in: $0) })?.id else {
            throw LegacyImportError.unknownUser(email)
        }
        let decryptor = LegacyDecryptor(key: legacyKey)
        let now = Timestamp.now()
        var prepared: [ConnectionStore.NewConnection] = []
        var portfolioNames: [(connectionID: String, name: String)] = []
        for (index, row) in rows.enumerated() {
            let id = UUID().uuidString.lowercased()
            func secret(_ column: String, _ field: CredentialField, required: Bool) throws -> String? {
                guard let stored = row[column] as? String, !stored.isEmpty else {
                    if required { throw LegacyImportError.badRow(index: index, reason: "\(column) is missing") }
                    return nil
                }
                do {
                    let plain = try decryptor.open(stored)
                    return try cipher.seal(plain, connectionId: id, field: field)
                } catch {
                    throw LegacyImportError.badRow(index: index, reason: "\(column) does not decrypt with HOLDFAST_LEGACY_ENCRYPTION_KEY")
                }
            }
            let apiKey = try secret("api_key_encrypted", .apiKey, required: true)
            let apiSecret = try secret("api_secret_encrypted", .apiSecret, required: true)
            let passphrase = try secret("passphrase_encrypted", .passphrase, required: false)
            guard var exchange = (row["exchange"] as? String)?.lowercased(), knownExchanges.contains(exchange) else {
                throw LegacyImportError.badRow(index: index, reason: "exchange is not one of \(knownExchanges.sorted().joined(separator: ", "))")
            }
            if exchange == "coinbase" && passphrase != nil { exchange = "coinbaseexchange" }
            let label = row["label"] as? String
            // `required` secrets are never nil here: a missing one threw above.
            var connection = ConnectionStore.NewConnection(id: id, userID: userID, exchange: exchange, label: label,
                                                           apiKeyEncrypted: apiKey ?? "", apiSecretEncrypted: apiSecret ?? "",
                                                           passphraseEncrypted: passphrase, createdAt: now)
            // A status the seed had that Holdfast does not know imports as active.
            connection.status = (row["status"] as? String).flatMap(ConnectionStatus.init(rawValue:)) ?? .active
            connection.autoSync = (row["auto_sync"] as? Bool) ?? true
            connection.syncInterval = min(max((row["sync_interval"] as? Int) ?? 300, 60), 86_400)
            prepared.append(connection)
            portfolioNames.append((id, label ?? exchange))
        }
        try database.write { db in
            // Looked up again in the writing transaction: a user deleted (or re-created) since the first lookup,
            // which only chose the ids the keys are sealed to, must not receive the rows.
            guard try UserStore.find(email: email, in: db)?.id == userID else { throw LegacyImportError.unknownUser(email) }
            for connection in prepared {
                try ConnectionStore.insert(connection, in: db)
            }
            for portfolio in portfolioNames {
                _ = try HoldingStore.portfolioID(for: portfolio.connectionID, userID: userID, name: portfolio.name, at: now, in: db)
            }
        }
        return prepared.count
    }
}

/// Why an import stopped. Messages name rows and columns, never values.
public enum LegacyImportError: Error, CustomStringConvertible, Equatable {
    case notAnArrayOfObjects
    case unknownUser(String)
    case badRow(index: Int, reason: String)

    public var description: String {
        switch self {
        case .notAnArrayOfObjects: "the file is not a JSON array of connection objects; nothing was imported"
        case .unknownUser(let email): "no user has the email \(email); add it first with `holdfast user add`"
        case .badRow(let index, let reason): "row \(index): \(reason); nothing was imported"
        }
    }
}
