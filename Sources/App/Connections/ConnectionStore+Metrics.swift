import Foundation
import Store

/// The connection figures of `/metrics`.
extension ConnectionStore {
    /// How many connections each exchange has in each stored status, by exchange then status. The status is
    /// the stored text, so a value this build does not know still shows up rather than vanishing.
    static func countsByExchangeAndStatus(in db: Connection) throws -> [(exchange: String, status: String, count: Int)] {
        try db.query("SELECT exchange, status, count(*) AS n FROM exchange_connections GROUP BY exchange, status ORDER BY exchange, status")
            .map { ($0.string("exchange") ?? "", $0.string("status") ?? "", $0.int("n") ?? 0) }
    }

    /// The stalest last successful sync (or creation, for one never synced) among connections that are not
    /// paused and have auto-sync on; nil when there are none. ISO 8601 UTC.
    static func oldestSyncOfAutoSynced(in db: Connection) throws -> String? {
        try db.queryOne("""
            SELECT min(coalesce(last_sync_at, created_at)) AS oldest FROM exchange_connections
            WHERE status != ? AND auto_sync = 1
            """, [.text(ConnectionStatus.disabled.rawValue)])?.string("oldest")
    }
}
