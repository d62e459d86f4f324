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
        var prepared: [[SQLValue]] = []
        var portfolioNames: [(connectionID: String, name: String)] = []
        for (index, row) in rows.enumerated() {
            let id = UUID().uuidString.lowercased()
            func secret(_ column: String, _ field: CredentialField, required: Bool) throws -> SQLValue {
                guard let stored = row[column] as? String, !stored.isEmpty else {
                    if required { throw LegacyImportError.badRow(index: index, reason: "\(column) is missing") }
                    return .null
                }
                do {
                    let plain = try decryptor.open(stored)
                    return .text(try cipher.seal(plain, connectionId: id, field: field))
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
            if exchange == "coinbase" && passphrase != .null { exchange = "coinbaseexchange" }
            let status = (row["status"] as? String).flatMap { ["active", "disabled", "error"].contains($0) ? $0 : nil } ?? "active"
            let autoSync = (row["auto_sync"] as? Bool) ?? true
            let interval = min(max((row["sync_interval"] as? Int) ?? 300, 60), 86_400)
            let label = row["label"] as? String
            prepared.append([.text(id), .text(userID), .text(exchange), .optionalText(label), apiKey, apiSecret, passphrase,
                             .text(status), .bool(autoSync), .int(interval), .text(now), .text(now)])
            portfolioNames.append((id, label ?? exchange))
        }
        try database.write { db in
            for values in prepared {
                try db.run("""
                    INSERT INTO exchange_connections (id, user_id, exchange, label, api_key_encrypted, api_secret_encrypted,
                        passphrase_encrypted, status, auto_sync, sync_interval, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, values)
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
