import Foundation
import Store

extension ValuePointStore {
    /// Each user's latest point time, by user id (users without points are absent): one grouped scan of the
    /// primary key, so the timer values only the users whose next point is due.
    static func latestPoints(in db: Connection) throws -> [String: Date] {
        var latest: [String: Date] = [:]
        for row in try db.query("SELECT user_id, max(at) AS at FROM value_points GROUP BY user_id") {
            guard let user = row.string("user_id"), let at = row.string("at").flatMap(StoredInstant.date) else { continue }
            latest[user] = at
        }
        return latest
    }
}
