import Foundation
import Store

/// The one definition of "due": which connections the timer syncs now.
///
/// Scheduled means: not paused, auto-sync on, not waiting for the person after a credential or permission
/// failure. Due means scheduled and its next attempt time (the sync interval after the last attempt, or the
/// backoff after a failure) reached; a connection never attempted is due at once. Both conditions are SQL
/// written here only: the timer's listing, the claim's re-check and /metrics filter on them, and every
/// `ConnectionRecord` carries them as columns (`scheduled`, `due`), which the API's view reads.
extension ConnectionStore {
    /// A due connection, as the timer lists it.
    public struct Due: Sendable, Equatable {
        public let id: String
        public let exchange: String
        /// When it fell due (ISO 8601 UTC); nil for a connection never attempted.
        public let nextAttemptAt: String?
    }

    /// Scheduled for automatic syncs at all, on the columns of table alias `c`.
    static let scheduledCondition = """
        c.status != '\(ConnectionStatus.disabled.rawValue)' AND c.auto_sync = 1 AND c.needs_attention = 0
        """

    /// Due at the time bound as `?1` (ISO 8601 UTC text, compared as text), on the columns of alias `c`. Never
    /// attempted (NULL) counts as due: `coalesce` makes it '', before every time. Written as one comparison on an
    /// expression, not `IS NULL OR <= ?1`, on purpose: SQLite answered the OR with both index ranges and then
    /// sorted every due row for the claim's `ORDER BY … LIMIT 1` (a timer's CPU per sync grew from 11 to 29 ms
    /// between 2,000 and 10,000 connections); on the expression both databases walk the claim-order index
    /// (`exchange_connections_next_due`) and stop at the first due row.
    static let dueCondition = scheduledCondition + " AND coalesce(c.next_attempt_at, '') <= ?1"

    /// Every connection due at `now`, those never attempted first, then oldest next attempt first, so a backlog
    /// drains fairly; at most `limit`.
    public static func due(in db: Connection, now: Date = Date(), limit: Int = 100_000) throws -> [Due] {
        try db.query("""
            SELECT c.id, c.exchange, c.next_attempt_at FROM exchange_connections c WHERE \(dueCondition)
            ORDER BY c.next_attempt_at IS NOT NULL, c.next_attempt_at, c.id LIMIT ?2
            """, [.text(Timestamp.format(now)), .int(limit)]).compactMap { row in
            guard let id = row.string("id"), let exchange = row.string("exchange") else { return nil }
            return Due(id: id, exchange: exchange, nextAttemptAt: row.string("next_attempt_at"))
        }
    }

    /// How many connections are due at `now` (the backlog, for /metrics).
    public static func dueCount(in db: Connection, now: Date = Date()) throws -> Int {
        try db.queryOne("SELECT count(*) AS n FROM exchange_connections c WHERE \(dueCondition)",
                        [.text(Timestamp.format(now))])?.int("n") ?? 0
    }
}
