import Foundation
import Store

extension QuoteStore {
    /// One bounded thinning pass over `asset_prices` (the rule and the bands are `Retention`'s): at most `limit`
    /// rows deleted or re-marked, in the caller's transaction. A series is one asset in one currency; buckets
    /// are read from the stored text (`substr(at, 1, 13)` is the UTC hour, `substr(at, 1, 10)` the UTC day),
    /// and each statement walks the `asset_prices_thinning` index in time order, probing the primary key.
    static func thinPrices(_ cutoffs: Retention.Cutoffs, limit: Int, in db: Connection) throws -> Retention.Counts {
        let hourly: [SQLValue] = [.text(cutoffs.daily), .text(cutoffs.hourly)]
        return try Retention.pass(limit: limit, deleteHourly: { budget in
            try db.run("""
                DELETE FROM asset_prices WHERE (asset, currency, at) IN (
                    SELECT v.asset, v.currency, v.at FROM asset_prices v
                    WHERE v.resolution = '5m' AND v.at >= ?1 AND v.at < ?2 AND EXISTS (
                        SELECT 1 FROM asset_prices w WHERE w.asset = v.asset AND w.currency = v.currency
                            AND w.at > v.at AND w.at <= substr(v.at, 1, 13) || ':59:59.999Z')
                    ORDER BY v.at LIMIT ?3)
                """, hourly + [.integer(Int64(budget))])
        }, markHourly: { budget in
            try db.run("""
                UPDATE asset_prices SET resolution = '1h' WHERE (asset, currency, at) IN (
                    SELECT v.asset, v.currency, v.at FROM asset_prices v
                    WHERE v.resolution = '5m' AND v.at >= ?1 AND v.at < ?2 AND NOT EXISTS (
                        SELECT 1 FROM asset_prices w WHERE w.asset = v.asset AND w.currency = v.currency
                            AND w.at > v.at AND w.at <= substr(v.at, 1, 13) || ':59:59.999Z')
                    ORDER BY v.at LIMIT ?3)
                """, hourly + [.integer(Int64(budget))])
        }, deleteDaily: { budget in
            try db.run("""
                DELETE FROM asset_prices WHERE (asset, currency, at) IN (
                    SELECT v.asset, v.currency, v.at FROM asset_prices v
                    WHERE v.resolution IN ('5m', '1h') AND v.at < ?1 AND EXISTS (
                        SELECT 1 FROM asset_prices w WHERE w.asset = v.asset AND w.currency = v.currency
                            AND w.at > v.at AND w.at <= substr(v.at, 1, 10) || 'T23:59:59.999Z')
                    ORDER BY v.at LIMIT ?2)
                """, [.text(cutoffs.daily), .integer(Int64(budget))])
        }, markDaily: { budget in
            try db.run("""
                UPDATE asset_prices SET resolution = '1d' WHERE (asset, currency, at) IN (
                    SELECT v.asset, v.currency, v.at FROM asset_prices v
                    WHERE v.resolution IN ('5m', '1h') AND v.at < ?1 AND NOT EXISTS (
                        SELECT 1 FROM asset_prices w WHERE w.asset = v.asset AND w.currency = v.currency
                            AND w.at > v.at AND w.at <= substr(v.at, 1, 10) || 'T23:59:59.999Z')
                    ORDER BY v.at LIMIT ?2)
                """, [.text(cutoffs.daily), .integer(Int64(budget))])
        })
    }
}
