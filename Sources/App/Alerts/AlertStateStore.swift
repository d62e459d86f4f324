import Foundation
import Store

/// Owns `alert_states`: which alert conditions of each connection were last alerted as raised. It also reads
/// the connection facts the conditions come from (a store may read another store's table).
enum AlertStateStore {
    /// The conditions a connection is watched for.
    enum Condition: String, Sendable, CaseIterable {
        case needsAttention = "needs_attention"
        case stale
        case keyExpiring = "key_expiring"
    }

    /// What the detector needs of one connection.
    struct Watched: Sendable {
        let id: String
        let userID: String
        let exchange: String
        let label: String?
        /// Paused by its owner: no alert is raised for it.
        let paused: Bool
        let needsAttention: Bool
        let errorCode: String?
        /// The last successful sync, or when the connection was made if it never synced.
        let lastSuccess: Date?
        /// The key's expiry as the exchange reported it (`permissions.expiresAt`).
        let keyExpiresAt: Date?
        /// Conditions currently stored as raised.
        var raised: Set<Condition>
        /// When each raised condition was raised (a condition missing here counts as raised before any sync).
        var raisedAt: [Condition: Date] = [:]

        /// True when a successful sync came after `condition` was raised: what clears it is a recovery, not the
        /// person's edit (which also clears `needs_attention`) or a higher stale threshold.
        func succeeded(since condition: Condition) -> Bool {
            guard let raised = raisedAt[condition] else { return true }
            guard let success = lastSuccess else { return false }
            return success > raised
        }
    }

    /// Every connection with its stored raised conditions.
    static func watched(in db: Connection) throws -> [Watched] {
        var raised: [String: Set<Condition>] = [:]
        var raisedAt: [String: [Condition: Date]] = [:]
        for row in try db.query("SELECT connection_id, condition, changed_at FROM alert_states WHERE raised = 1") {
            guard let id = row.string("connection_id"),
                  let condition = row.string("condition").flatMap(Condition.init(rawValue:)) else { continue }
            raised[id, default: []].insert(condition)
            raisedAt[id, default: [:]][condition] = row.string("changed_at").flatMap(Timestamp.parse)
        }
        return try db.query("""
            SELECT id, user_id, exchange, label, status, needs_attention, last_error_code, last_sync_at, created_at,
                permissions FROM exchange_connections
            """).compactMap { row in
            guard let id = row.string("id"), let userID = row.string("user_id"),
                  let exchange = row.string("exchange") else { return nil }
            let success = (row.string("last_sync_at") ?? row.string("created_at")).flatMap(Timestamp.parse)
            return Watched(id: id, userID: userID, exchange: exchange, label: row.string("label"),
                           paused: row.string("status") == ConnectionStatus.disabled.rawValue,
                           needsAttention: row.bool("needs_attention"), errorCode: row.string("last_error_code"),
                           lastSuccess: success, keyExpiresAt: row.string("permissions").flatMap(expiry(of:)),
                           raised: raised[id] ?? [], raisedAt: raisedAt[id] ?? [:])
        }
    }

    /// `expiresAt` of a stored permissions object.
    private static func expiry(of permissions: String) -> Date? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(permissions.utf8)) as? [String: Any],
              let text = object["expiresAt"] as? String else { return nil }
        return Timestamp.parse(text)
    }

    /// Marks `condition` of connection `id` raised or not at `now`, in one statement, only if it was not already:
    /// true when this caller changed it (so exactly one of several racing timers queues the alert).
    static func set(_ condition: Condition, of id: String, raised: Bool, at now: Date, in db: Connection) throws -> Bool {
        try db.run("""
            INSERT INTO alert_states (connection_id, condition, raised, changed_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (connection_id, condition) DO UPDATE SET raised = excluded.raised, changed_at = excluded.changed_at
            WHERE alert_states.raised <> excluded.raised
            """, [.text(id), .text(condition.rawValue), .bool(raised), .text(Timestamp.format(now))]) == 1
    }
}
