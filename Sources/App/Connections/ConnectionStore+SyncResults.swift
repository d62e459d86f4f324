import Foundation
import Store

/// What a sync writes on the connection: its status, schedule and error on failure, its read's notes on
/// success, or a later next attempt when the request budget deferred it. The caller's transaction also holds
/// the history row (`SyncRunStore`), the holdings (`HoldingsWriter`) and the lease's release.
extension ConnectionStore {
    /// A failed sync: `error` status (a paused connection stays paused), the error, the failure count, whether
    /// it now waits for the person, and the backoff's next attempt (nil while waiting for the person).
    static func recordFailure(_ id: String, code: String, message: String, failures: Int, needsAttention: Bool,
                              nextAttemptAt: String?, at now: String, in db: Connection) throws {
        try db.run("""
            UPDATE exchange_connections SET status = CASE WHEN status = ?1 THEN status ELSE ?2 END,
                last_error_code = ?3, last_error = ?4, last_attempt_at = ?5, next_attempt_at = ?6,
                consecutive_failures = ?7, needs_attention = ?8, updated_at = ?5
            WHERE id = ?9
            """, [.text(ConnectionStatus.disabled.rawValue), .text(ConnectionStatus.error.rawValue), .text(code), .text(message),
                  .text(now), .optionalText(nextAttemptAt), .int(failures), .bool(needsAttention), .text(id)])
    }

    /// A successful sync: `active` status (a paused connection stays paused), no error, the next attempt one
    /// interval on, and what the read could not see or count, as stored JSON.
    static func recordSuccess(_ id: String, nextAttemptAt: String, unreadWallets: String, readNotes: String,
                              at now: String, in db: Connection) throws {
        try db.run("""
            UPDATE exchange_connections SET status = CASE WHEN status = ?1 THEN status ELSE ?2 END,
                last_sync_at = ?3, last_attempt_at = ?3, next_attempt_at = ?4, last_error = NULL, last_error_code = NULL,
                consecutive_failures = 0, needs_attention = 0, unread_wallets = ?5, read_notes = ?6, updated_at = ?3
            WHERE id = ?7
            """, [.text(ConnectionStatus.disabled.rawValue), .text(ConnectionStatus.active.rawValue), .text(now),
                  .text(nextAttemptAt), .text(unreadWallets), .text(readNotes), .text(id)])
    }

    /// A scheduled sync the request budget could not afford: due again at `until`, nothing else changes.
    static func deferSync(_ id: String, until: String, in db: Connection) throws {
        try db.run("UPDATE exchange_connections SET next_attempt_at = ? WHERE id = ?", [.text(until), .text(id)])
    }
}
