import Exchanges
import Foundation
import Store

/// The one owner of the market data tables of migration 0010: `market_pairs` and `market_quotes` (here),
/// `market_fetches` (`QuoteStore+Fetches.swift`) and `asset_prices` (`QuoteStore+Prices.swift`,
/// `QuoteStore+Thinning.swift`). Callers open the transaction (`database.read`/`write`), as with every store.
///
/// Prices stay decimal strings from the exchange's text to the TEXT columns and back: never a Double.
enum QuoteStore {
    /// One stored quote: `price` units of `quote` for one `base` on `exchange`'s `market` (canonical decimal
    /// text). `asOf` is the exchange's time for the quote (else when it was received), `fetchedAt` when
    /// Holdfast stored it (stored timestamp text).
    struct StoredQuote: Sendable, Equatable {
        let exchange: String
        let market: String
        let base: String
        let quote: String
        let price: String
        let asOf: Date
        let fetchedAt: String
    }

    /// Rows per multi-row statement (8 parameters a row): far below SQLite's 32,766 parameters.
    static let rowsPerStatement = 200

    /// Replaces `exchange`'s market list with `pairs` (a market read twice counts once, as read last). One
    /// delete and a few multi-row inserts; the caller's `write` makes them one transaction, so a reader sees
    /// the old list or the new one, never a mix.
    static func replacePairs(of exchange: String, with pairs: [MarketPair], in db: Connection) throws {
        _ = try db.run("DELETE FROM market_pairs WHERE exchange = ?", [.text(exchange)])
        var latest: [String: MarketPair] = [:]
        for pair in pairs { latest[pair.market] = pair }
        let rows = latest.keys.sorted().compactMap { latest[$0] }
        for chunk in rows.chunks(of: rowsPerStatement) {
            let bindings = chunk.flatMap { pair -> [SQLValue] in
                [.text(exchange), .text(pair.market), .text(pair.base), .text(pair.quote)]
            }
            _ = try db.run("""
                INSERT INTO market_pairs (exchange, market, base, quote)
                VALUES \(Array(repeating: "(?, ?, ?, ?)", count: chunk.count).joined(separator: ", "))
                """, bindings)
        }
    }

    /// `exchange`'s market list by market id (the id in the exchange's own form), empty when never read.
    static func pairs(of exchange: String, in db: Connection) throws -> [String: MarketPair] {
        var pairs: [String: MarketPair] = [:]
        for row in try db.query("SELECT market, base, quote FROM market_pairs WHERE exchange = ?", [.text(exchange)]) {
            guard let market = row.string("market"), let base = row.string("base"), let quote = row.string("quote")
            else { continue }
            pairs[market] = MarketPair(market: market, base: base, quote: quote)
        }
        return pairs
    }

    /// Stores `quotes` as `exchange`'s latest (`INSERT … ON CONFLICT (exchange, market) DO UPDATE`, `rowsPerStatement`
    /// rows a statement). Markets not in `quotes` keep their older row: a market missing from one answer goes
    /// stale rather than vanishing. A market quoted twice counts once, as quoted last. `fetchedAt` is stored
    /// timestamp text.
    static func upsertQuotes(_ quotes: [MarketQuote], of exchange: String, fetchedAt: String, in db: Connection) throws {
        var latest: [String: MarketQuote] = [:]
        for quote in quotes { latest[quote.market] = quote }
        // Sorted, so two writers of one exchange take the rows' locks in the same order (no deadlock).
        let rows = latest.keys.sorted().compactMap { latest[$0] }
        for chunk in rows.chunks(of: rowsPerStatement) {
            let bindings = chunk.flatMap { quote -> [SQLValue] in
                [.text(exchange), .text(quote.market), .text(quote.base), .text(quote.quote), .text(quote.price),
                 .text(Timestamp.format(quote.asOf)), .text(fetchedAt), .text(quote.raw)]
            }
            _ = try db.run("""
                INSERT INTO market_quotes (exchange, market, base, quote, price, as_of, fetched_at, raw)
                VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "))
                ON CONFLICT (exchange, market) DO UPDATE SET base = excluded.base, quote = excluded.quote,
                    price = excluded.price, as_of = excluded.as_of, fetched_at = excluded.fetched_at, raw = excluded.raw
                """, bindings)
        }
    }

    /// Every stored quote of every exchange, ordered by exchange and market. The raw text is not read (it is
    /// for diagnosis, and the largest column), and dates are read with `StoredInstant`, so ~3,000 rows cost
    /// a few milliseconds. A row whose `as_of` is not a timestamp is skipped.
    static func quotes(in db: Connection) throws -> [StoredQuote] {
        try db.query("""
            SELECT exchange, market, base, quote, price, as_of, fetched_at FROM market_quotes ORDER BY exchange, market
            """).compactMap { row in
            guard let exchange = row.string("exchange"), let market = row.string("market"), let base = row.string("base"),
                  let quote = row.string("quote"), let price = row.string("price"),
                  let asOf = row.string("as_of").flatMap(StoredInstant.date), let fetchedAt = row.string("fetched_at")
            else { return nil }
            return StoredQuote(exchange: exchange, market: market, base: base, quote: quote, price: price, asOf: asOf,
                               fetchedAt: fetchedAt)
        }
    }
}
