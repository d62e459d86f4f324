import Foundation
import Store

extension QuoteStore {
    /// One asset's unit price in a valuation currency at an instant (`asset_prices`): `price` units of
    /// `currency` for one `asset` (canonical decimal text), `source` the path it came from (exchange and
    /// market, e.g. `kraken:XXBTZUSD`, or a conversion chain), `resolution` how finely this stretch is kept.
    struct AssetPrice: Sendable, Equatable {
        let asset: String
        let currency: String
        let at: Date
        let price: String
        let source: String
        var resolution: HistoryResolution = .fiveMinutes
    }

    /// Records `prices` as new `5m` rows in a few multi-row inserts. A price already stored for the same asset,
    /// currency and instant is kept (`DO NOTHING`): a timer run that is retried records nothing twice.
    static func record(prices: [AssetPrice], in db: Connection) throws {
        // A run records every asset at one instant: format each instant once (formatting costs microseconds).
        var formatted: [Date: String] = [:]
        for chunk in prices.chunks(of: rowsPerStatement) {
            var bindings: [SQLValue] = []
            for price in chunk {
                let at = formatted[price.at] ?? Timestamp.format(price.at)
                formatted[price.at] = at
                bindings += [.text(price.asset), .text(price.currency), .text(at), .text(price.price), .text(price.source),
                             .text(price.resolution.rawValue)]
            }
            _ = try db.run("""
                INSERT INTO asset_prices (asset, currency, at, price, source, resolution)
                VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "))
                ON CONFLICT (asset, currency, at) DO NOTHING
                """, bindings)
        }
    }

    /// The unit price of `asset` in `currency` as of `instant`: the latest row at or before it, provided that row
    /// is younger than its resolution allows (`HistoryResolution.priceValidity`: 10 minutes for a `5m` row,
    /// 2 hours for `1h`, 2 days for `1d`); else nil (the history does not know the price then). One indexed
    /// lookup on the primary key.
    static func price(of asset: String, in currency: String, at instant: Date, in db: Connection) throws -> AssetPrice? {
        guard let row = try db.queryOne("""
            SELECT at, price, source, resolution FROM asset_prices
            WHERE asset = ? AND currency = ? AND at <= ? ORDER BY at DESC LIMIT 1
            """, [.text(asset), .text(currency), .text(Timestamp.format(instant))]),
            let at = row.string("at").flatMap(StoredInstant.date), let price = row.string("price"),
            let resolution = row.string("resolution").flatMap(HistoryResolution.init(rawValue:))
        else { return nil }
        guard instant.timeIntervalSince(at) <= resolution.priceValidity else { return nil }
        return AssetPrice(asset: asset, currency: currency, at: at, price: price, source: row.string("source") ?? "",
                          resolution: resolution)
    }

    /// Every stored price of `asset` in `currency`, oldest first (for tests and the CLI).
    static func priceTimeline(of asset: String, in currency: String, in db: Connection) throws -> [AssetPrice] {
        try db.query("""
            SELECT at, price, source, resolution FROM asset_prices WHERE asset = ? AND currency = ? ORDER BY at
            """, [.text(asset), .text(currency)]).compactMap { row in
            guard let at = row.string("at").flatMap(StoredInstant.date), let price = row.string("price"),
                  let resolution = row.string("resolution").flatMap(HistoryResolution.init(rawValue:)) else { return nil }
            return AssetPrice(asset: asset, currency: currency, at: at, price: price, source: row.string("source") ?? "",
                              resolution: resolution)
        }
    }
}
