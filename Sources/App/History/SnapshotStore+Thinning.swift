import Foundation
import Store

extension SnapshotStore {
    /// One bounded thinning pass over `quantity_snapshots` (`Retention`): before `cutoff` (stored text, a UTC
    /// midnight), a connection keeps only its last snapshot of each UTC day, so a statement of a day's end stays
    /// exact while a year of hourly changes shrinks to one row a day. At most `limit` rows are deleted; returns
    /// how many. A snapshot is deleted only when a later one of the same connection and day exists (the
    /// primary key answers that), so a pass cut short leaves a correct table.
    static func thin(before cutoff: String, limit: Int, in db: Connection) throws -> Int {
        try db.run("""
            DELETE FROM quantity_snapshots WHERE (connection_id, taken_at) IN (
                SELECT s.connection_id, s.taken_at FROM quantity_snapshots s
                WHERE s.taken_at < ?1 AND EXISTS (
                    SELECT 1 FROM quantity_snapshots t WHERE t.connection_id = s.connection_id
                        AND t.taken_at > s.taken_at AND t.taken_at <= substr(s.taken_at, 1, 10) || 'T23:59:59.999Z')
                LIMIT ?2)
            """, [.text(cutoff), .integer(Int64(limit))])
    }
}
