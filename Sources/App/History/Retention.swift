import Foundation
import Store

/// How long history is kept at each resolution (issue 13, "Retention"): every point for 48 hours, one an hour
/// (the last of each UTC hour) for 90 days, one a day (the last of each UTC day) for ever. Applies alike to
/// `value_points` and `asset_prices`, and after 90 days to `quantity_snapshots` (the last of each UTC day per
/// connection); each table's statements live in its owner (`ValuePointStore+Thinning`,
/// `QuoteStore+Thinning`), this type holds the rule and runs both.
///
/// Thinning is bounded: a call changes at most `limit` rows of each table, so the timer can run it every
/// minute without a long transaction; a backlog (a first run over a year of points) drains over several runs.
/// Kept points are marked with their new resolution, so a second pass over the same stretch changes nothing.
enum Retention {
    /// Every point is kept at least this long.
    static let everyPoint: TimeInterval = 48 * 3_600
    /// Hourly points are kept at least this long; older stretches keep one point a day.
    static let hourly: TimeInterval = 90 * 86_400

    /// The bands of one thinning pass, as stored timestamp text. Both bounds are whole UTC hours (`hourly`) or
    /// days (`daily`), so every bucket lies wholly inside or wholly outside a band.
    struct Cutoffs: Sendable, Equatable {
        /// Rows before this instant (and at or after `daily`) keep one per hour: the start of the UTC hour
        /// holding `now − 48 h`.
        let hourly: String
        /// Rows before this instant keep one per day: the start of the UTC day holding `now − 90 d`.
        let daily: String

        init(now: Date) {
            hourly = Timestamp.format(HistoryResolution.hour.bucketStart(of: now.addingTimeInterval(-Retention.everyPoint)))
            daily = Timestamp.format(HistoryResolution.day.bucketStart(of: now.addingTimeInterval(-Retention.hourly)))
        }
    }

    /// What one pass did to one table: rows deleted, and kept rows re-marked with a coarser resolution.
    struct Counts: Sendable, Equatable {
        var deleted = 0
        var marked = 0

        /// Rows changed in all.
        var changed: Int { deleted + marked }
    }

    /// One bounded pass over both tables as of `now`, in the caller's write transaction: at most `limit` rows of
    /// `value_points` and at most `limit` of `asset_prices` are deleted or re-marked. Returns what it did; a
    /// pass that changed nothing means both tables are thinned up to `now`.
    static func thin(now: Date, limit: Int, in db: Connection)
        throws -> (valuePoints: Counts, assetPrices: Counts, snapshots: Counts) {
        let cutoffs = Cutoffs(now: now)
        let points = try ValuePointStore.thin(cutoffs, limit: limit, in: db)
        let prices = try QuoteStore.thinPrices(cutoffs, limit: limit, in: db)
        let snapshots = Counts(deleted: try SnapshotStore.thin(before: cutoffs.daily, limit: limit, in: db))
        return (points, prices, snapshots)
    }

    /// Runs the four steps of a pass in order, each with what is left of `limit`: delete the non-last rows of
    /// the hourly band, mark its last rows `1h`, then the same for the daily band (`1d`). Each statement decides
    /// row by row (a row is deleted when a later row shares its bucket, marked when none does), so a pass cut
    /// short anywhere leaves a correct table; a band is marked only once its deletions are done, and the daily
    /// band waits for the hourly one, so the budget goes to one band at a time.
    static func pass(limit: Int, deleteHourly: (Int) throws -> Int, markHourly: (Int) throws -> Int,
                     deleteDaily: (Int) throws -> Int, markDaily: (Int) throws -> Int) throws -> Counts {
        var counts = Counts()
        // One band: false when the budget ran out, so the next band waits for the next pass.
        func band(_ delete: (Int) throws -> Int, _ mark: (Int) throws -> Int) throws -> Bool {
            let budget = limit - counts.changed
            guard budget > 0 else { return false }
            let deleted = try delete(budget)
            counts.deleted += deleted
            guard deleted < budget else { return false }
            counts.marked += try mark(budget - deleted)
            return counts.changed < limit
        }
        if try band(deleteHourly, markHourly) {
            _ = try band(deleteDaily, markDaily)
        }
        return counts
    }
}
