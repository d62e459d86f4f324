import Exchanges
import Foundation
import Store

/// How a connection looks in API responses. Never carries a credential: only the key's last four
/// characters, so people can tell keys apart.
struct ConnectionView: Encodable {
    struct ErrorView: Encodable {
        let code: String
        let message: String
    }

    struct PermissionsView: Encodable {
        let canRead: Bool
        /// nil: the exchange did not say (Bitvavo cannot be asked, §C.4).
        let canTrade: Bool?
        let canWithdraw: Bool?
        /// When the exchange stops accepting the key (ISO 8601 UTC), where it reports one (Bybit, §B.5).
        let expiresAt: String?
        let warning: String?
    }

    let id: String
    let exchange: String
    let exchangeName: String
    /// The `ExchangeRegion` id of the host the key belongs to; null for the exchange's default host or an
    /// exchange without regions.
    let region: String?
    /// The region's name with its host ("EEA (eea.okx.com)"); null when `region` is.
    let regionName: String?
    let label: String?
    let status: ConnectionStatus
    let syncing: Bool
    let needsAttention: Bool
    let lastSyncAt: String?
    let lastError: ErrorView?
    let autoSync: Bool
    let syncInterval: Int
    let nextSyncAt: String?
    let apiKeyHint: String?
    let permissions: PermissionsView?
    /// Wallets the last successful sync could not read because the key lacks permission for them.
    let unreadWallets: [UnreadWallet]
    /// What the last successful sync noticed but did not count: a debt (borrowed coins are not holdings), funds
    /// in places Holdfast does not read, receipts of staked coins. Sentences, at most `ReadNotesJSON.maximumCount`.
    let notes: [String]
    let holdingsCount: Int
    let createdAt: String
    let updatedAt: String

    init(_ record: ConnectionRecord) {
        id = record.id
        exchange = record.exchange
        exchangeName = record.exchangeID?.info.displayName ?? record.exchange
        region = record.region
        regionName = record.region.flatMap { record.exchangeID?.info.region($0)?.displayName }
        label = record.label
        status = record.status
        syncing = record.syncing
        needsAttention = record.needsAttention
        lastSyncAt = record.lastSyncAt
        lastError = record.lastErrorCode.map { ErrorView(code: $0, message: record.lastError ?? "") }
        autoSync = record.autoSync
        syncInterval = record.syncInterval
        nextSyncAt = Self.nextSync(record)
        apiKeyHint = record.apiKeyHint
        permissions = record.permissions.flatMap { Self.permissions(fromJSON: $0, exchange: record.exchangeID) }
        unreadWallets = UnreadWalletsJSON.decode(record.unreadWallets)
        notes = ReadNotesJSON.decode(record.readNotes)
        holdingsCount = record.holdingsCount
        createdAt = record.createdAt
        updatedAt = record.updatedAt
    }

    /// When the timer will sync it next: nothing unless the due rule schedules it (`ConnectionRecord.scheduled`,
    /// computed by the store's one definition); a connection never attempted is due since it was created.
    static func nextSync(_ record: ConnectionRecord) -> String? {
        guard record.scheduled else { return nil }
        return record.nextAttemptAt ?? record.createdAt
    }

    /// Reads the stored permissions JSON. This runs for every connection of every list request, so the parsed
    /// permissions are remembered by text (`ParsedTextCache`); the view is built afresh, as its expiry warning
    /// depends on the day.
    static func permissions(fromJSON text: String, exchange: ExchangeID?) -> PermissionsView? {
        parsedPermissions.value(for: text, parse: parsePermissions).map { view(of: $0, exchange: exchange) }
    }

    private static let parsedPermissions = ParsedTextCache<KeyPermissions>()

    /// JSONSerialization rather than a JSONDecoder: building a decoder costs more than the parse.
    private static func parsePermissions(_ text: String) -> KeyPermissions? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              let canRead = object["canRead"] as? Bool else { return nil }
        let expiresAt = (object["expiresAt"] as? String).flatMap(Timestamp.parse)
        return KeyPermissions(canRead: canRead, canTrade: object["canTrade"] as? Bool,
                              canWithdraw: object["canWithdraw"] as? Bool, expiresAt: expiresAt)
    }

    /// Keys expiring within this many days are warned about (the alerts issue warns at 14 days too).
    static let expiryWarningDays = 14

    static func view(of value: KeyPermissions, exchange: ExchangeID?, now: Date = Date()) -> PermissionsView {
        var risks: [String] = []
        if value.canTrade == true { risks.append("trade") }
        if value.canWithdraw == true { risks.append("withdraw") }
        var warnings: [String] = []
        if !risks.isEmpty {
            warnings.append("This key can \(risks.joined(separator: " and ")). Holdfast only reads balances: create a read-only key instead.")
        }
        if let exchange, !exchange.info.canCheckPermissions {
            warnings.append("\(exchange.info.displayName) cannot tell whether this key may trade or withdraw: make sure only the View permission is ticked.")
        }
        if let expiresAt = value.expiresAt {
            let days = Int((expiresAt.timeIntervalSince(now) / 86_400).rounded(.down))
            if expiresAt <= now {
                warnings.append("This key expired on \(Timestamp.format(expiresAt).prefix(10)): create a new key.")
            } else if days < expiryWarningDays {
                warnings.append("This key expires on \(Timestamp.format(expiresAt).prefix(10)) (in \(days) day\(days == 1 ? "" : "s")). "
                    + "Bind it to your server's IP address, or renew it, before then.")
            }
        }
        return PermissionsView(canRead: value.canRead, canTrade: value.canTrade, canWithdraw: value.canWithdraw,
                               expiresAt: value.expiresAt.map(Timestamp.format),
                               warning: warnings.isEmpty ? nil : warnings.joined(separator: " "))
    }

    /// The key's last four characters, or fewer for a very short key (never more than a third of it).
    static func keyHint(_ apiKey: String) -> String {
        String(apiKey.suffix(min(4, apiKey.count / 3)))
    }

    /// Stored form of permissions.
    static func json(_ value: KeyPermissions?) -> String? {
        guard let value else { return nil }
        // ISO dates, as `permissions(fromJSON:)` reads them (JSONEncoder's default is seconds since 2001).
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        guard let data = try? encoder.encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A connection plus the number of holdings a sync left it with.
struct ConnectionResult: Encodable {
    let connection: ConnectionView
    let holdingsCount: Int
}
