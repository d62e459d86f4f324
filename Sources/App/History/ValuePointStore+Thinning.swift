import Foundation
import Store

extension ValuePointStore {
    /// One bounded thinning pass over `value_points` (the rule and the bands are `Retention`'s): at most `limit`
    /// rows deleted or re-marked, in the caller's transaction. A series is one user; buckets
    /// are read from the stored text (`substr(at, 1, 13)` is the UTC hour, `substr(at, 1, 10)` the UTC day),
    /// and each statement walks the `value_points_thinning` index in time order, probing the primary key.
    static func thin(_ cutoffs: Retention.Cutoffs, limit: Int, in db: Connection) throws -> Retention.Counts {
        let hourly: [SQLValue] = [.text(cutoffs.daily), .text(cutoffs.hourly)]
        return try Retention.pass(limit: limit, deleteHourly: { budget in
            try db.run("""
                DELETE FROM value_points WHERE (user_id, at) IN (
                    SELECT v.user_id, v.at FROM value_points v
                    WHERE v.resolution = '5m' AND v.at >= ?1 AND v.at < ?2 AND EXISTS (
                        SELECT 1 FROM value_points w WHERE w.user_id = v.user_id
                            AND w.at > v.at AND w.at <= substr(v.at, 1, 13) || ':59:59.999Z')
                    ORDER BY v.at LIMIT ?3)
                """, hourly + [.integer(Int64(budget))])
        }, markHourly: { budget in
            try db.run("""
                UPDATE value_points SET resolution = '1h' WHERE (user_id, at) IN (
                    SELECT v.user_id, v.at FROM value_points v
                    WHERE v.resolution = '5m' AND v.at >= ?1 AND v.at < ?2 AND NOT EXISTS (
                        SELECT 1 FROM value_points w WHERE w.user_id = v.user_id
                            AND w.at > v.at AND w.at <= substr(v.at, 1, 13) || ':59:59.999Z')
                    ORDER BY v.at LIMIT ?3)
                """, hourly + [.integer(Int64(budget))])
        }, deleteDaily: { budget in
            try db.run("""
                DELETE FROM value_points WHERE (user_id, at) IN (
                    SELECT v.user_id, v.at FROM value_points v
                    WHERE v.resolution IN ('5m', '1h') AND v.at < ?1 AND EXISTS (
                        SELECT 1 FROM value_points w WHERE w.user_id = v.user_id
                            AND w.at > v.at AND w.at <= substr(v.at, 1, 10) || 'T23:59:59.999Z')
                    ORDER BY v.at LIMIT ?2)
                """, [.text(cutoffs.daily), .integer(Int64(budget))])
        }, markDaily: { budget in
            try db.run("""
                UPDATE value_points SET resolution = '1d' WHERE (user_id, at) IN (
                    SELECT v.user_id, v.at FROM value_points v
                    WHERE v.resolution IN ('5m', '1h') AND v.at < ?1 AND NOT EXISTS (
                        SELECT 1 FROM value_points w WHERE w.user_id = v.user_id
                            AND w.at > v.at AND w.at <= substr(v.at, 1, 10) || 'T23:59:59.999Z')
                    ORDER BY v.at LIMIT ?2)
                """, [.text(cutoffs.daily), .integer(Int64(budget))])
        })
    }
}
