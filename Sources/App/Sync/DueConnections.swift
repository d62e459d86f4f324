import Foundation
import Store

/// Which connections the timer should sync now.
///
/// Due means: not paused, auto-sync on, not waiting for the user after a credential or permission failure,
/// and its next attempt time (the sync interval after the last attempt, or the backoff after a failure)
/// reached. A connection never attempted is due at once.
public enum DueConnections {
    /// A due connection, oldest next-attempt first so a backlog drains fairly.
    public struct Due: Sendable, Equatable {
        public let id: String
        public let exchange: String
        public let nextAttemptAt: String?
    }

    static let dueSQL = """
        FROM exchange_connections
        WHERE status != 'disabled' AND auto_sync = 1 AND needs_attention = 0
          AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
        """

    /// Every connection due at `now`.
    public static func list(in database: Database, now: Date = Date(), limit: Int = 100_000) throws -> [Due] {
        try database.read { db in
            try db.query("SELECT id, exchange, next_attempt_at " + dueSQL + " ORDER BY next_attempt_at IS NOT NULL, next_attempt_at, id LIMIT ?",
                         [.text(Timestamp.format(now)), .int(limit)])
        }.compactMap { row in
            guard let id = row.string("id"), let exchange = row.string("exchange") else { return nil }
            return Due(id: id, exchange: exchange, nextAttemptAt: row.string("next_attempt_at"))
        }
    }

    /// Whether connection `id` is due at `now`, by the same rule as `list`.
    public static func isDue(_ id: String, in database: Database, now: Date = Date()) throws -> Bool {
        try database.read { db in
            try db.queryOne("SELECT 1 AS due " + dueSQL + " AND id = ?", [.text(Timestamp.format(now)), .text(id)]) != nil
        }
    }

    /// How many connections are due at `now` (the backlog, for /metrics).
    public static func count(in db: Connection, now: Date = Date()) throws -> Int {
        try db.queryOne("SELECT count(*) AS n " + dueSQL, [.text(Timestamp.format(now))])?.int("n") ?? 0
    }
}
