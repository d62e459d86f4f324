import Foundation
import Store
import Web

/// `GET /metrics` in the Prometheus text format (0.0.4). nginx serves it to loopback only.
///
/// Counters come from `sync_counters` (`SyncRunStore`), which the sync engine bumps in the same transaction as each sync's
/// result, so they survive restarts and never go backwards.
enum MetricsHandler {
    static func metrics(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application) throws -> Response {
        let now = Date()
        let (counters, deferrals, due, statuses, oldest) = try app.database.read { db in
            (try SyncRunStore.counters(in: db), try SyncRunStore.deferrals(in: db), try ConnectionStore.dueCount(in: db, now: now),
             try ConnectionStore.countsByExchangeAndStatus(in: db), try ConnectionStore.oldestSyncOfAutoSynced(in: db))
        }
        var text = ""
        func family(_ name: String, _ type: String, _ help: String) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        var attempts: [String: Int] = [:]
        var successes: [String: Int] = [:]
        family("holdfast_sync_failures_total", "counter", "Failed syncs by exchange and error code.")
        for counter in counters {
            attempts[counter.exchange, default: 0] += counter.count
            if counter.outcome == "success" {
                successes[counter.exchange, default: 0] += counter.count
            } else {
                text += "holdfast_sync_failures_total{exchange=\"\(label(counter.exchange))\",error_code=\"\(label(counter.errorCode))\"} \(counter.count)\n"
            }
        }
        family("holdfast_sync_attempts_total", "counter", "Sync attempts by exchange.")
        for (exchange, count) in attempts.sorted(by: { $0.key < $1.key }) {
            text += "holdfast_sync_attempts_total{exchange=\"\(label(exchange))\"} \(count)\n"
        }
        family("holdfast_sync_successes_total", "counter", "Successful syncs by exchange.")
        for exchange in attempts.keys.sorted() {
            text += "holdfast_sync_successes_total{exchange=\"\(label(exchange))\"} \(successes[exchange] ?? 0)\n"
        }
        family("holdfast_sync_deferred_total", "counter",
               "Scheduled syncs deferred because the exchange's request budget could not afford them that run.")
        // A deferral is not an attempt: the request budget kept the sync from being tried at all.
        for deferral in deferrals {
            text += "holdfast_sync_deferred_total{exchange=\"\(label(deferral.exchange))\"} \(deferral.count)\n"
        }
        let totalAttempts = attempts.values.reduce(0, +), totalSuccesses = successes.values.reduce(0, +)
        family("holdfast_sync_success_ratio", "gauge", "Successful syncs over all attempts since install (1 when none yet).")
        text += "holdfast_sync_success_ratio \(totalAttempts == 0 ? "1" : String(format: "%.6f", Double(totalSuccesses) / Double(totalAttempts)))\n"
        family("holdfast_sync_due_connections", "gauge", "Connections due for a scheduled sync now (the backlog).")
        text += "holdfast_sync_due_connections \(due)\n"
        family("holdfast_sync_oldest_success_age_seconds", "gauge", "Age of the stalest successful sync among auto-synced connections.")
        let age = oldest.flatMap(Timestamp.parse).map { max(0, now.timeIntervalSince($0)) } ?? 0
        text += "holdfast_sync_oldest_success_age_seconds \(Int(age))\n"
        family("holdfast_connections", "gauge", "Exchange connections by exchange and status.")
        for entry in statuses {
            text += "holdfast_connections{exchange=\"\(label(entry.exchange))\",status=\"\(label(entry.status))\"} \(entry.count)\n"
        }
        text += storageMetrics(app)
        return Response(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: Array(text.utf8))
    }

    /// The WAL's size and the responder's checkpoint outcomes (`WALCheckpoints`), and whether writes fail.
    /// Empty on PostgreSQL: it has no WAL file of ours, and its own statistics views say more than we could.
    static func storageMetrics(_ app: Application) -> String {
        guard app.database.isSQLite else { return "" }
        let walBytes = app.database.walFileSize
        let checkpoints = app.checkpoints.current
        var text = ""
        func family(_ name: String, _ type: String, _ help: String) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        family("holdfast_sqlite_wal_bytes", "gauge",
               "Size of the database's write-ahead log; checkpoints keep it under \(SQLiteConnection.walSizeLimitBytes) bytes unless a reader holds an old snapshot.")
        text += "holdfast_sqlite_wal_bytes \(walBytes)\n"
        family("holdfast_sqlite_checkpoints_total", "counter", "WAL checkpoints this responder ran since it started.")
        text += "holdfast_sqlite_checkpoints_total \(checkpoints.total)\n"
        family("holdfast_sqlite_checkpoints_incomplete_total", "counter",
               "WAL checkpoints that could not complete because a reader held an old snapshot, since the responder started.")
        text += "holdfast_sqlite_checkpoints_incomplete_total \(checkpoints.incompleteTotal)\n"
        family("holdfast_sqlite_checkpoint_last_complete", "gauge",
               "1 when the last WAL checkpoint completed, 0 when a reader kept it from completing (absent before the first).")
        if let complete = checkpoints.lastComplete { text += "holdfast_sqlite_checkpoint_last_complete \(complete ? 1 : 0)\n" }
        family("holdfast_sqlite_writes_failing", "gauge", "1 while the last write failed because of the storage (full disk, I/O error, read-only).")
        text += "holdfast_sqlite_writes_failing \(app.database.writeHealth.currentFailure == nil ? 0 : 1)\n"
        return text
    }

    /// Escapes a label value (backslash, quote, newline) per the exposition format.
    static func label(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
