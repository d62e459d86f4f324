import Exchanges
import Foundation
import Logging
import Store

/// The timer's market data step (issue 13, "Prices"): once a run, for each exchange someone has connected, one
/// batched read of its keyless public market data (`MarketDataClient`), stored as the latest quote of each
/// market Holdfast may need. A failing read leaves the exchange's quotes in place: they go `stale` with their
/// `asOf`, and `market_fetches` keeps the error code.
///
/// With several timers, each exchange is read by whichever claims it first in a minute (`QuoteStore.claimFetch`),
/// so the exchange's public request budget is spent once. A market list (Binance, Kraken, Bybit, Coinbase
/// Exchange) is read again at most once a day.
struct MarketRefresh: Sendable {
    let database: Database
    /// Base URLs, transport and request budget (the database's, shared with the balance reads).
    let exchanges: ExchangeConfiguration
    let logger: Logger
    /// Builds the client of an exchange (tests replace it).
    var makeClient: @Sendable (ExchangeID, ExchangeConfiguration) -> any MarketDataClient = MarketDataClients.client

    /// An exchange's market data is read at most once in this many seconds, whichever timer reads it.
    static let minimumInterval: TimeInterval = 50
    /// Assets every price path may pass through or end at, asked for whatever is held: the bridges and the
    /// valuation currencies (`PriceBook`).
    static let pathAssets: Set<String> = Set(["USD", "USDT", "USDC", "BTC"] + ValuationCurrency.allCases.map(\.code))

    /// What one run did, per exchange: `read` (quotes stored), `skipped` (read by another timer within the
    /// interval) or the error code of a failed read.
    struct Report: Sendable, Equatable {
        var quotes: [String: Int] = [:]
        var failures: [String: String] = [:]
        var skipped: [String] = []
    }

    /// Reads every connected exchange's market data that is due, all exchanges at once. Never throws: a failure
    /// is logged and recorded per exchange.
    func run(now: Date = Date()) async -> Report {
        let wanted: (exchanges: [String], assets: Set<String>, fetches: [String: QuoteStore.Fetch])
        do {
            wanted = try await database.read { db in
                (try ConnectionStore.exchangesInUse(in: db), Set(try HoldingStore.assetsHeld(in: db)),
                 try QuoteStore.fetches(in: db))
            }
        } catch {
            logger.error("market data: cannot read what to fetch", metadata: ["error": "\(error)"])
            return Report()
        }
        let assets = wanted.assets.union(Self.pathAssets)
        return await withTaskGroup(of: (String, Result<Int, ExchangeError>?).self) { group in
            for id in wanted.exchanges {
                guard let exchange = ExchangeID(rawValue: id) else { continue }
                group.addTask {
                    (id, await self.refresh(exchange, assets: assets, fetch: wanted.fetches[id], now: now))
                }
            }
            var report = Report()
            for await (id, outcome) in group {
                switch outcome {
                case nil: report.skipped.append(id)
                case .success(let count): report.quotes[id] = count
                case .failure(let error): report.failures[id] = error.code.rawValue
                }
            }
            report.skipped.sort()
            return report
        }
    }

    /// One exchange: claim, read (market list when due, then tickers), store. Nil when another timer has it.
    private func refresh(_ exchange: ExchangeID, assets: Set<String>, fetch: QuoteStore.Fetch?,
                         now: Date) async -> Result<Int, ExchangeError>? {
        let id = exchange.rawValue
        do {
            guard try await database.write({ db in
                try QuoteStore.claimFetch(of: id, at: now, interval: Self.minimumInterval, in: db)
            }) else { return nil }
        } catch {
            logger.error("market data: cannot claim the read", metadata: ["exchange": "\(id)", "error": "\(error)"])
            return nil
        }
        let client = makeClient(exchange, exchanges)
        do {
            var marketList: [String: MarketPair] = [:]
            var listRead = false
            if client.needsMarketList {
                if fetch?.pairsDue(now: now) ?? true {
                    let pairs = try await client.pairs()
                    marketList = Dictionary(pairs.map { ($0.market, $0) }, uniquingKeysWith: { first, _ in first })
                    listRead = true
                } else {
                    marketList = try await database.read { db in try QuoteStore.pairs(of: id, in: db) }
                }
            }
            let quotes = try await client.quotes(for: assets, marketList: marketList)
            let fetchedAt = Timestamp.format(Date())
            let pairs = listRead ? Array(marketList.values) : nil
            let refreshed = listRead
            try await database.write { db in
                if let pairs { try QuoteStore.replacePairs(of: id, with: pairs, in: db) }
                try QuoteStore.upsertQuotes(quotes, of: id, fetchedAt: fetchedAt, in: db)
                try QuoteStore.recordFetch(of: id, at: fetchedAt, errorCode: nil, pairsRefreshed: refreshed, in: db)
            }
            return .success(quotes.count)
        } catch {
            let failure = error as? ExchangeError ?? ExchangeError(.exchangeUnavailable, exchange: exchange, detail: "\(type(of: error))")
            logger.warning("market data read failed; its quotes go stale",
                           metadata: ["exchange": "\(id)", "code": "\(failure.code.rawValue)"])
            try? await database.write { db in
                try QuoteStore.recordFetch(of: id, at: Timestamp.format(Date()), errorCode: failure.code.rawValue,
                                           pairsRefreshed: false, in: db)
            }
            return .failure(failure)
        }
    }
}
