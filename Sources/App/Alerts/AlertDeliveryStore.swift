import Foundation
import Store

/// Owns `alert_deliveries`: the delivery log, and the queue the timer works through.
enum AlertDeliveryStore {
    /// Queues `delivery`.
    static func insert(_ delivery: AlertDelivery, in db: Connection) throws {
        try db.run("""
            INSERT INTO alert_deliveries (id, user_id, channel_id, event, body, status, attempts, created_at,
                next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
            """, [.text(delivery.id), .text(delivery.userID), .text(delivery.channelID), .text(delivery.event),
                  .text(delivery.body), .text(delivery.status.rawValue), .text(delivery.createdAt),
                  .optionalText(delivery.nextAttemptAt)])
    }

    /// The user's newest `limit` deliveries, newest first.
    static func recent(ofUser userID: String, limit: Int, in db: Connection) throws -> [AlertDelivery] {
        try db.query("""
            SELECT * FROM alert_deliveries WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?
            """, [.text(userID), .int(limit)]).compactMap(AlertDelivery.init(row:))
    }

    /// The newest delivery of each of the user's channels, by channel id.
    static func latestByChannel(ofUser userID: String, in db: Connection) throws -> [String: AlertDelivery] {
        let rows = try db.query("""
            SELECT d.* FROM alert_deliveries d
            WHERE d.user_id = ? AND d.created_at = (
                SELECT max(created_at) FROM alert_deliveries e WHERE e.channel_id = d.channel_id)
            ORDER BY d.created_at, d.id
            """, [.text(userID)])
        var result: [String: AlertDelivery] = [:]
        for delivery in rows.compactMap(AlertDelivery.init(row:)) { result[delivery.channelID] = delivery }
        return result
    }

    /// Up to `limit` ids of deliveries due at `now` and not claimed by anyone, the longest waiting first.
    static func dueIDs(at now: Date, limit: Int, in db: Connection) throws -> [String] {
        let at = Timestamp.format(now)
        return try db.query("""
            SELECT id FROM alert_deliveries
            WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ? AND status <> 'delivered'
              AND (claimed_until IS NULL OR claimed_until <= ?)
            ORDER BY next_attempt_at, id LIMIT ?
            """, [.text(at), .text(at), .int(limit)]).compactMap { $0.string("id") }
    }

    /// Claims delivery `id` until `until` in one statement, when it is still unsent, not claimed by another
    /// process and (with `onlyIfDue`) due at `now`: true when this caller got it. Two timers racing both run it;
    /// the row lock makes the second see the first's `claimed_until` and change nothing.
    static func claim(_ id: String, now: Date, until: Date, onlyIfDue: Bool = true, in db: Connection) throws -> Bool {
        let at = Timestamp.format(now)
        return try db.run("""
            UPDATE alert_deliveries SET claimed_until = ?
            WHERE id = ? AND status <> 'delivered' AND next_attempt_at IS NOT NULL
              AND (claimed_until IS NULL OR claimed_until <= ?) AND (? = 0 OR next_attempt_at <= ?)
            """, [.text(Timestamp.format(until)), .text(id), .text(at), .bool(onlyIfDue), .text(at)]) == 1
    }

    /// The claimed delivery `id` with its channel, for sending.
    static func claimed(_ id: String, in db: Connection) throws -> (AlertDelivery, AlertChannel)? {
        guard let row = try db.queryOne("SELECT * FROM alert_deliveries WHERE id = ?", [.text(id)]),
              let delivery = AlertDelivery(row: row),
              let channelRow = try db.queryOne("SELECT * FROM alert_channels WHERE id = ?", [.text(delivery.channelID)]),
              let channel = AlertChannel(row: channelRow) else { return nil }
        return (delivery, channel)
    }

    /// Records that the channel accepted delivery `id` at `now`, and releases the claim.
    static func recordDelivered(_ id: String, at now: Date, in db: Connection) throws {
        try db.run("""
            UPDATE alert_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = ?,
                next_attempt_at = NULL, claimed_until = NULL, error_code = NULL, error_message = NULL
            WHERE id = ?
            """, [.text(Timestamp.format(now)), .text(id)])
    }

    /// Records a failed try of delivery `id`: its error, and when to try again (nil: given up); releases the claim.
    static func recordFailure(_ id: String, code: String, message: String, retryAt: Date?, in db: Connection) throws {
        try db.run("""
            UPDATE alert_deliveries SET status = 'failed', attempts = attempts + 1, next_attempt_at = ?,
                claimed_until = NULL, error_code = ?, error_message = ?
            WHERE id = ?
            """, [.optionalText(retryAt.map(Timestamp.format)), .text(code), .text(String(message.prefix(500))), .text(id)])
    }
}
