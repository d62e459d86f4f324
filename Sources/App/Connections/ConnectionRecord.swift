import Exchanges
import Foundation
import Store

/// One `exchange_connections` row as the application reads it (`ConnectionStore` reads and writes them). The
/// encrypted fields stay encrypted here; only the sync engine opens them, and only for the length of one
/// exchange call.
public struct ConnectionRecord: Sendable {
    public var id: String
    public var userID: String
    public var exchange: String
    public var label: String?
    public var apiKeyEncrypted: String
    public var apiSecretEncrypted: String
    public var passphraseEncrypted: String?
    /// The `ExchangeRegion` id of the host the key belongs to; nil for the exchange's default host.
    public var region: String?
    public var status: ConnectionStatus
    public var lastSyncAt: String?
    public var lastAttemptAt: String?
    public var nextAttemptAt: String?
    public var lastErrorCode: String?
    public var lastError: String?
    public var autoSync: Bool
    public var syncInterval: Int
    public var consecutiveFailures: Int
    public var needsAttention: Bool
    public var permissions: String?
    public var apiKeyHint: String?
    /// The wallets the key may not read, as stored JSON (`UnreadWalletsJSON`).
    public var unreadWallets: String?
    /// What the last successful read noticed but did not count, as stored JSON (`ReadNotesJSON`).
    public var readNotes: String?
    public var createdAt: String
    public var updatedAt: String
    /// Whether a live sync lease exists for it (joined in by the queries below).
    public var syncing: Bool
    /// How many holdings its portfolio has.
    public var holdingsCount: Int
    /// Whether the timer syncs it at all (not paused, auto-sync on, not waiting for the person), by the one
    /// due rule (`ConnectionStore+Due`), as of the query's time.
    public var scheduled: Bool
    /// Whether it is due now: scheduled and its next attempt time reached, by the same rule.
    public var due: Bool

    init?(_ row: Row) {
        guard let id = row.string("id"), let userID = row.string("user_id"), let exchange = row.string("exchange"),
              let apiKey = row.string("api_key_encrypted"), let apiSecret = row.string("api_secret_encrypted") else { return nil }
        self.id = id
        self.userID = userID
        self.exchange = exchange
        label = row.string("label")
        apiKeyEncrypted = apiKey
        apiSecretEncrypted = apiSecret
        passphraseEncrypted = row.string("passphrase_encrypted")
        region = row.string("region")
        status = row.string("status").flatMap(ConnectionStatus.init(rawValue:)) ?? .active
        lastSyncAt = row.string("last_sync_at")
        lastAttemptAt = row.string("last_attempt_at")
        nextAttemptAt = row.string("next_attempt_at")
        lastErrorCode = row.string("last_error_code")
        lastError = row.string("last_error")
        autoSync = row.bool("auto_sync")
        syncInterval = row.int("sync_interval") ?? 300
        consecutiveFailures = row.int("consecutive_failures") ?? 0
        needsAttention = row.bool("needs_attention")
        permissions = row.string("permissions")
        apiKeyHint = row.string("api_key_hint")
        unreadWallets = row.string("unread_wallets")
        readNotes = row.string("read_notes")
        createdAt = row.string("created_at") ?? ""
        updatedAt = row.string("updated_at") ?? ""
        syncing = row.bool("syncing")
        holdingsCount = row.int("holdings_count") ?? 0
        scheduled = row.bool("scheduled")
        due = row.bool("due")
    }

    /// The exchange id, when it is one this build knows.
    public var exchangeID: ExchangeID? { ExchangeID(rawValue: exchange) }
}
