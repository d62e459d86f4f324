import Foundation
import Store

/// The one owner of `sync_runs` (each connection's sync history), `sync_counters` (per-exchange totals for
/// /metrics, which only grow) and `sync_deferrals` (scheduled syncs the request budget put off).
///
/// Functions take the caller's `Connection`: the sync engine writes a run in the same transaction as the
/// connection's new state and holdings.
enum SyncRunStore {
    /// How many runs each connection keeps: the newest, so the history stays bounded.
    static let keptPerConnection = 200

    /// One finished sync, as the history stores it.
    struct Run: Sendable {
        var connectionID: String
        /// The connection's exchange, for the counters.
        var exchange: String
        var trigger: SyncEngine.Trigger
        /// ISO 8601 UTC.
        var startedAt: String
        var finishedAt: String
        /// The error code and message of a failed sync; nil for a success.
        var errorCode: String?
        var errorMessage: String?
        /// Holdings after a successful sync; nil for a failure.
        var assetCount: Int?
        var durationMs: Int
    }

    /// One history row, encoded as-is in `GET /connections/:id/syncs`.
    struct Entry: Sendable, Encodable {
        let startedAt: String
        let finishedAt: String
        let trigger: String
        /// `success` or `failure`.
        let outcome: String
        let errorCode: String?
        let assetCount: Int?
        let durationMs: Int
    }

    /// A counter row: syncs of `exchange` with `outcome` (and for failures, `errorCode`; empty for successes).
    struct Counter: Sendable {
        let exchange: String
        let outcome: String
        let errorCode: String
        let count: Int
    }

    /// Appends `run` to its connection's history, bumps its exchange's counter, and trims the history to the
    /// newest `keptPerConnection`.
    static func record(_ run: Run, in db: Connection) throws {
        let outcome = run.errorCode == nil ? "success" : "failure"
        try db.run("""
            INSERT INTO sync_runs (connection_id, trigger, started_at, finished_at, outcome, error_code, error_message, asset_count, duration_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(run.connectionID), .text(run.trigger.rawValue), .text(run.startedAt), .text(run.finishedAt), .text(outcome),
                  .optionalText(run.errorCode), .optionalText(run.errorMessage), run.assetCount.map(SQLValue.int) ?? .null,
                  .int(run.durationMs)])
        try db.run("""
            INSERT INTO sync_counters (exchange, outcome, error_code, count) VALUES (?, ?, ?, 1)
            ON CONFLICT(exchange, outcome, error_code) DO UPDATE SET count = sync_counters.count + 1
            """, [.text(run.exchange), .text(outcome), .text(run.errorCode ?? "")])
        try db.run("""
            DELETE FROM sync_runs WHERE connection_id = ?1 AND id NOT IN
                (SELECT id FROM sync_runs WHERE connection_id = ?1 ORDER BY id DESC LIMIT ?2)
            """, [.text(run.connectionID), .int(keptPerConnection)])
    }

    /// Counts a deferred scheduled sync of `exchange`.
    static func recordDeferral(exchange: String, in db: Connection) throws {
        try db.run("""
            INSERT INTO sync_deferrals (exchange, count) VALUES (?, 1)
            ON CONFLICT(exchange) DO UPDATE SET count = sync_deferrals.count + 1
            """, [.text(exchange)])
    }

    /// The newest `limit` runs of connection `id`, newest first.
    static func recent(connectionID id: String, limit: Int = 50, in db: Connection) throws -> [Entry] {
        try db.query("""
            SELECT started_at, finished_at, trigger, outcome, error_code, asset_count, duration_ms FROM sync_runs
            WHERE connection_id = ? ORDER BY id DESC LIMIT ?
            """, [.text(id), .int(limit)]).map {
            Entry(startedAt: $0.string("started_at") ?? "", finishedAt: $0.string("finished_at") ?? "",
                  trigger: $0.string("trigger") ?? "", outcome: $0.string("outcome") ?? "", errorCode: $0.string("error_code"),
                  assetCount: $0.int("asset_count"), durationMs: $0.int("duration_ms") ?? 0)
        }
    }

    /// Every counter, by exchange, outcome and error code.
    static func counters(in db: Connection) throws -> [Counter] {
        try db.query("SELECT exchange, outcome, error_code, count FROM sync_counters ORDER BY exchange, outcome, error_code").map {
            Counter(exchange: $0.string("exchange") ?? "", outcome: $0.string("outcome") ?? "",
                    errorCode: $0.string("error_code") ?? "", count: $0.int("count") ?? 0)
        }
    }

    /// Deferred scheduled syncs per exchange, by exchange.
    static func deferrals(in db: Connection) throws -> [(exchange: String, count: Int)] {
        try db.query("SELECT exchange, count FROM sync_deferrals ORDER BY exchange").map {
            ($0.string("exchange") ?? "", $0.int("count") ?? 0)
        }
    }

    /// How many history rows `userID`'s connections have (what deleting the user removes).
    static func count(userID: String, in db: Connection) throws -> Int {
        try db.queryOne("""
            SELECT count(*) AS n FROM sync_runs WHERE connection_id IN (SELECT id FROM exchange_connections WHERE user_id = ?)
            """, [.text(userID)])?.int("n") ?? 0
    }
}
