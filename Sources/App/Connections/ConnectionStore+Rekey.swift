import Foundation
import Store

/// A new API key for an existing connection (`PATCH /connections/:id` with `apiKey` and `apiSecret`): the
/// credentials change in place, so the connection keeps its id, holdings, snapshots, value and sync history.
extension ConnectionStore {
    /// The tested key, already sealed for the connection's id, and what its test found.
    struct CredentialsReplacement: Sendable {
        var apiKeyEncrypted: String
        var apiSecretEncrypted: String
        var passphraseEncrypted: String?
        /// The `ExchangeRegion` id; nil for the exchange's default host.
        var region: String?
        /// The key's permissions as stored JSON (`ConnectionView.json`), when known.
        var permissions: String?
        /// The key's last characters (`ConnectionView.keyHint`).
        var apiKeyHint: String?
        /// The wallets the new key may not read, as stored JSON (`UnreadWalletsJSON`).
        var unreadWallets: String
        /// What the new key's test read noticed but did not count, as stored JSON (`ReadNotesJSON`).
        var readNotes: String
    }

    /// The holder a replaced key leaves on the connection's lease (see `replaceCredentials`).
    static func rekeyHolder(_ id: String) -> String { "rekey:\(id)" }

    /// Stores `replacement` as `userID`'s connection `id`'s credentials and returns the connection as it now
    /// stands, or nil if there is no such connection of that user. Run it inside a write transaction, with any
    /// other change of the same request: the row is locked as it is read.
    ///
    /// The old key's trouble goes with it: the last error, the failure count and the wait for the person are
    /// cleared, an `error` connection is `active` again (a paused one stays paused), and the next sync is due
    /// now. A sync still running with the old key loses its lease to an already expired one, so its result
    /// is discarded when it ends (`SyncEngine` keeps the result of the lease's holder only) instead of
    /// putting the old key's error back, and the timer may claim the connection at once.
    static func replaceCredentials(_ id: String, userID: String, with replacement: CredentialsReplacement,
                                   now: Date = Date(), in db: Connection) throws -> ConnectionRecord? {
        guard let record = try findLocked(id, in: db, now: now), record.userID == userID else { return nil }
        let nowText = Timestamp.format(now)
        try db.run("""
            UPDATE exchange_connections SET api_key_encrypted = ?1, api_secret_encrypted = ?2, passphrase_encrypted = ?3,
                region = ?4, permissions = ?5, api_key_hint = ?6, unread_wallets = ?7, read_notes = ?8,
                last_error = NULL, last_error_code = NULL, consecutive_failures = 0, needs_attention = 0,
                status = CASE WHEN status = ?9 THEN ?10 ELSE status END, next_attempt_at = ?11, updated_at = ?11
            WHERE id = ?12 AND user_id = ?13
            """, [.text(replacement.apiKeyEncrypted), .text(replacement.apiSecretEncrypted),
                  .optionalText(replacement.passphraseEncrypted), .optionalText(replacement.region),
                  .optionalText(replacement.permissions), .optionalText(replacement.apiKeyHint),
                  .text(replacement.unreadWallets), .text(replacement.readNotes),
                  .text(ConnectionStatus.error.rawValue), .text(ConnectionStatus.active.rawValue), .text(nowText),
                  .text(record.id), .text(userID)])
        try db.run("UPDATE sync_leases SET holder = ?, expires_at = ? WHERE connection_id = ?",
                   [.text(rekeyHolder(record.id)), .text(nowText), .text(record.id)])
        return try find(record.id, userID: userID, in: db, now: now)
    }
}
