import Foundation
import Store

/// The person's changes to a connection (`PATCH /connections/:id`), as one read-modify-write.
extension ConnectionStore {
    /// What `PATCH` asked to change; nil leaves a setting as it is.
    struct SettingsChange: Sendable {
        /// `.some(nil)` clears the label; nil leaves it.
        var label: String??
        var autoSync: Bool?
        /// Seconds between scheduled syncs (validated by the caller: 60 to 86,400).
        var syncInterval: Int?
        /// Only `.active` (resume) or `.disabled` (pause); the caller refuses `.error`.
        var status: ConnectionStatus?
    }

    /// Applies `change` to `userID`'s connection `id` and returns it as it now stands, or nil if there is no
    /// such connection of that user. Run it inside a write transaction: the row is read in the same
    /// transaction that writes it, so a sync's result (error status, backoff) committed a moment before is
    /// kept, not overwritten by a stale copy.
    static func change(_ id: String, userID: String, _ change: SettingsChange, now: Date = Date(),
                       in db: Connection) throws -> ConnectionRecord? {
        guard let record = try find(id, userID: userID, in: db, now: now) else { return nil }
        let nowText = Timestamp.format(now)
        var status = record.status
        var nextAttempt = record.nextAttemptAt
        if change.status == .disabled { status = .disabled }
        if change.status == .active && record.status == .disabled {
            status = .active
            nextAttempt = nowText  // resuming makes it due at once
        }
        let interval = change.syncInterval ?? record.syncInterval
        if change.syncInterval != nil, status != .disabled {
            let base = record.lastAttemptAt.flatMap(Timestamp.parse) ?? now
            nextAttempt = Timestamp.format(max(now, base.addingTimeInterval(TimeInterval(interval))))
        }
        let label = change.label.map { $0.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } } ?? record.label
        // Any change by the person counts as attention: automatic retries resume, and a connection that was
        // waiting for them starts its failure count afresh.
        try db.run("""
            UPDATE exchange_connections SET label = ?, auto_sync = ?, sync_interval = ?, status = ?, next_attempt_at = ?,
                needs_attention = 0, consecutive_failures = CASE WHEN needs_attention = 1 THEN 0 ELSE consecutive_failures END,
                updated_at = ?
            WHERE id = ? AND user_id = ?
            """, [.optionalText(label), .bool(change.autoSync ?? record.autoSync), .int(interval), .text(status.rawValue),
                  .optionalText(nextAttempt), .text(nowText), .text(record.id), .text(userID)])
        return try find(record.id, userID: userID, in: db, now: now)
    }
}
