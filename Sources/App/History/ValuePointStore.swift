import Foundation
import Store

/// The one owner of `value_points` (migration 0010): each user's total value over time. Statements are here
/// and in `ValuePointStore+Thinning.swift`; callers open the transaction.
enum ValuePointStore {
    /// Points of one user are at least this far apart (issue 13: "at most every 5 minutes").
    static let minimumSpacing: TimeInterval = 300

    /// A point to record: the user's total in `currency` at `at` (decimal text, nil when nothing could be
    /// valued — never 0 for unknown), `complete` when every connection was synced and every asset priced.
    struct NewPoint: Sendable, Equatable {
        let at: Date
        let currency: String
        let total: String?
        let complete: Bool
        let detail: ValuePointDetail
    }

    /// A point as `GET /portfolio/history` returns it: `time` is the instant the point was recorded (the last
    /// of its bucket), `value` its total (nil: unknown).
    struct HistoryPoint: Sendable, Equatable {
        let time: Date
        let value: String?
        let complete: Bool
        let currency: String
    }

    /// A stored point with everything the table holds (for tests, the CLI and the benchmark).
    struct StoredPoint: Sendable, Equatable {
        let at: Date
        let currency: String
        let total: String?
        let complete: Bool
        let resolution: HistoryResolution
        let detail: ValuePointDetail?
    }

    /// Records `point` for `userID` unless the user's latest point is less than `minimumSpacing` before it (or
    /// after it: a clock that went back records nothing). Returns whether it wrote. Call it inside
    /// `database.write`: the check and the insert are then one transaction (SQLite's single writer, PostgreSQL's
    /// `SERIALIZABLE`), so two timers racing for one user write one point. Not in a `lockingWrite`: at READ
    /// COMMITTED two writers could both pass the check (there is no row to lock before the first point).
    @discardableResult
    static func record(_ point: NewPoint, forUser userID: String, in db: Connection) throws -> Bool {
        let latest = try db.queryOne("SELECT max(at) AS at FROM value_points WHERE user_id = ?", [.text(userID)])?
            .string("at").flatMap(StoredInstant.date)
        if let latest, point.at.timeIntervalSince(latest) < minimumSpacing { return false }
        return try db.run("""
            INSERT INTO value_points (user_id, at, currency, total, complete, detail) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id, at) DO NOTHING
            """, [.text(userID), .text(Timestamp.format(point.at)), .text(point.currency),
                  point.total.map { .text($0) } ?? .null, .integer(point.complete ? 1 : 0),
                  .text(try point.detail.json())]) > 0
    }

    /// Inserts `points` of `userID` as they are, without the spacing rule, in a few multi-row statements (a point
    /// already stored at the same instant is kept). For importing history and for benchmarks and tests that need
    /// a long timeline at once; the timer records through `record(_:forUser:in:)`.
    static func backfill(_ points: [NewPoint], forUser userID: String, in db: Connection) throws {
        for chunk in points.chunks(of: 200) {
            var bindings: [SQLValue] = []
            for point in chunk {
                bindings += [.text(userID), .text(Timestamp.format(point.at)), .text(point.currency),
                             point.total.map { .text($0) } ?? .null, .integer(point.complete ? 1 : 0),
                             .text(try point.detail.json())]
            }
            _ = try db.run("""
                INSERT INTO value_points (user_id, at, currency, total, complete, detail)
                VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "))
                ON CONFLICT (user_id, at) DO NOTHING
                """, bindings)
        }
    }

    /// `userID`'s history from `from` to `to` (both included) at `resolution`: one point per UTC bucket, the
    /// last recorded in it, oldest first. Read from whatever is retained — a stretch thinned to one point a day
    /// yields one point a day even at `1h`. Inputs are validated by the API. One range scan of the primary key
    /// (a year at `1h` is about 3,000 rows), timestamps read with `StoredInstant`.
    static func points(ofUser userID: String, from: Date, to: Date, resolution: HistoryResolution,
                       in db: Connection) throws -> [HistoryPoint] {
        let rows = try db.query("""
            SELECT at, currency, total, complete FROM value_points WHERE user_id = ? AND at >= ? AND at <= ? ORDER BY at
            """, [.text(userID), .text(Timestamp.format(from)), .text(Timestamp.format(to))])
        var points: [HistoryPoint] = []
        points.reserveCapacity(rows.count)
        var lastBucket: Int64?
        for row in rows {
            guard let text = row.string("at"), let millis = StoredInstant.unixMilliseconds(text) else { continue }
            let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
            let bucket = resolution.bucket(ofUnixSeconds: seconds)
            let point = HistoryPoint(time: Date(timeIntervalSince1970: TimeInterval(millis) / 1000),
                                     value: row.string("total"), complete: row.bool("complete"),
                                     currency: row.string("currency") ?? "")
            // Rows come in time order: a row of the same bucket as the previous one replaces it (the last wins).
            if bucket == lastBucket { points[points.count - 1] = point } else { points.append(point) }
            lastBucket = bucket
        }
        return points
    }

    /// Every stored point of `userID`, oldest first.
    static func timeline(ofUser userID: String, in db: Connection) throws -> [StoredPoint] {
        try db.query("""
            SELECT at, currency, total, complete, resolution, detail FROM value_points WHERE user_id = ? ORDER BY at
            """, [.text(userID)]).compactMap { row in
            guard let at = row.string("at").flatMap(StoredInstant.date),
                  let resolution = row.string("resolution").flatMap(HistoryResolution.init(rawValue:)) else { return nil }
            return StoredPoint(at: at, currency: row.string("currency") ?? "", total: row.string("total"),
                               complete: row.bool("complete"), resolution: resolution,
                               detail: row.string("detail").flatMap(ValuePointDetail.decode))
        }
    }
}
