import Foundation
import Store

extension QuoteStore {
    /// One exchange's market data reads (`market_fetches`): when one was last tried, when one last succeeded,
    /// the error code of the last attempt (nil when it succeeded), and when the market list was last read (nil:
    /// never). Timestamps are stored text.
    struct Fetch: Sendable, Equatable {
        let exchange: String
        let attemptedAt: String
        let succeededAt: String?
        let errorCode: String?
        let pairsRefreshedAt: String?

        /// Whether the market list is due to be read again: never read, or last read a day or more before `now`
        /// (issue 13: a market list is read at most once a day per exchange).
        func pairsDue(now: Date) -> Bool {
            guard let text = pairsRefreshedAt, let refreshed = StoredInstant.date(text) else { return true }
            return now.timeIntervalSince(refreshed) >= 86_400
        }
    }

    /// Records one market data read of `exchange` at `at` (stored timestamp text): a success when `errorCode`
    /// is nil (clears the code, sets `succeeded_at`), else a failure that keeps the last success's time, so its
    /// quotes are known to be going stale. `pairsRefreshed` says the market list was read in this attempt.
    static func recordFetch(of exchange: String, at: String, errorCode: String?, pairsRefreshed: Bool,
                            in db: Connection) throws {
        let succeeded: SQLValue = errorCode == nil ? .text(at) : .null
        let pairs: SQLValue = pairsRefreshed ? .text(at) : .null
        _ = try db.run("""
            INSERT INTO market_fetches (exchange, attempted_at, succeeded_at, error_code, pairs_refreshed_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (exchange) DO UPDATE SET attempted_at = excluded.attempted_at,
                succeeded_at = COALESCE(excluded.succeeded_at, market_fetches.succeeded_at),
                error_code = excluded.error_code,
                pairs_refreshed_at = COALESCE(excluded.pairs_refreshed_at, market_fetches.pairs_refreshed_at)
            """, [.text(exchange), .text(at), succeeded, errorCode.map { .text($0) } ?? .null, pairs])
    }

    /// Every exchange's fetch record, by exchange; an exchange never read is absent.
    static func fetches(in db: Connection) throws -> [String: Fetch] {
        var fetches: [String: Fetch] = [:]
        for row in try db.query("""
            SELECT exchange, attempted_at, succeeded_at, error_code, pairs_refreshed_at FROM market_fetches
            """) {
            guard let exchange = row.string("exchange"), let attemptedAt = row.string("attempted_at") else { continue }
            fetches[exchange] = Fetch(exchange: exchange, attemptedAt: attemptedAt,
                                      succeededAt: row.string("succeeded_at"), errorCode: row.string("error_code"),
                                      pairsRefreshedAt: row.string("pairs_refreshed_at"))
        }
        return fetches
    }
}
