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
        let canTrade: Bool?
        let canWithdraw: Bool?
        let warning: String?
    }

    let id: String
    let exchange: String
    let exchangeName: String
    let label: String?
    let status: String
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
    let holdingsCount: Int
    let createdAt: String
    let updatedAt: String

    init(_ record: ConnectionRecord) {
        id = record.id
        exchange = record.exchange
        exchangeName = record.exchangeID?.info.displayName ?? record.exchange
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
        permissions = record.permissions.flatMap { Self.permissions(fromJSON: $0) }
        unreadWallets = UnreadWalletsJSON.decode(record.unreadWallets)
        holdingsCount = record.holdingsCount
        createdAt = record.createdAt
        updatedAt = record.updatedAt
    }

    /// When the timer will sync it next: nothing while paused, with auto-sync off, or waiting for the user.
    static func nextSync(_ record: ConnectionRecord) -> String? {
        guard record.status != "disabled", record.autoSync, !record.needsAttention else { return nil }
        return record.nextAttemptAt ?? record.createdAt
    }

    /// Reads the stored permissions JSON. JSONSerialization rather than a JSONDecoder: this runs for every
    /// connection of every list request, and building a decoder costs more than the parse.
    static func permissions(fromJSON text: String) -> PermissionsView? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              let canRead = object["canRead"] as? Bool else { return nil }
        return view(of: KeyPermissions(canRead: canRead, canTrade: object["canTrade"] as? Bool, canWithdraw: object["canWithdraw"] as? Bool))
    }

    static func view(of value: KeyPermissions) -> PermissionsView {
        var risks: [String] = []
        if value.canTrade == true { risks.append("trade") }
        if value.canWithdraw == true { risks.append("withdraw") }
        let warning = risks.isEmpty ? nil
            : "This key can \(risks.joined(separator: " and ")). Holdfast only reads balances: create a read-only key instead."
        return PermissionsView(canRead: value.canRead, canTrade: value.canTrade, canWithdraw: value.canWithdraw, warning: warning)
    }

    /// The key's last four characters, or fewer for a very short key (never more than a third of it).
    static func keyHint(_ apiKey: String) -> String {
        String(apiKey.suffix(min(4, apiKey.count / 3)))
    }

    /// Stored form of permissions.
    static func json(_ value: KeyPermissions?) -> String? {
        guard let value, let data = try? JSONEncoder().encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A connection plus the number of holdings a sync left it with.
struct ConnectionResult: Encodable {
    let connection: ConnectionView
    let holdingsCount: Int
}
