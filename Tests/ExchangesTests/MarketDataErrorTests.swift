import Foundation
import Sandbox
import Testing
@testable import Exchanges

/// The four market data clients of Binance, Kraken, Coinbase and Coinbase Exchange map the sandbox's real error
/// answers to the codes the balance clients use: 429 → `rate_limited` with the exchange's wait, 5xx and HTML
/// pages → `exchange_unavailable`.
struct MarketDataErrorTests {
    static let exchanges: [ExchangeID] = [.binance, .kraken, .coinbase, .coinbaseexchange]

    /// The client of `exchange` (one of `exchanges`).
    static func client(_ exchange: ExchangeID, _ configuration: ExchangeConfiguration) -> any MarketDataClient {
        switch exchange {
        case .binance: return BinanceMarketData(configuration: configuration)
        case .kraken: return KrakenMarketData(configuration: configuration)
        case .coinbase: return CoinbaseMarketData(configuration: configuration)
        default: return CoinbaseExchangeMarketData(configuration: configuration)
        }
    }

    /// The sandbox's markets of `exchange` as a market list.
    static func list(_ exchange: ExchangeID) -> [String: MarketPair] {
        MarketAnswer.marketList(MarketPrices.markets(on: exchange).map {
            MarketPair(market: $0.id, base: $0.canonicalBase, quote: $0.canonicalQuote)
        })
    }

    @Test(arguments: exchanges)
    func rateLimitsCarryTheExchangesWait(_ exchange: ExchangeID) async throws {
        try await SandboxHarness.run { h in
            try await h.update(exchange, FixtureUpdate(exchangeFaults: Faults(rateLimited: true, retryAfterSeconds: 30)))
            let client = Self.client(exchange, MarketDataTest.configuration(h).0)
            let error = await exchangeError {
                _ = try await client.quotes(for: ["BTC", "USD", "USDT"], marketList: Self.list(exchange))
            }
            #expect(error?.code == .rateLimited && error?.exchange == exchange)
            // Kraken's answer is `EAPI:Rate limit exceeded` without a header: the balance client's 15 s.
            #expect(error?.retryAfter == (exchange == .kraken ? 15 : 30))
        }
    }

    @Test(arguments: exchanges)
    func serverErrorsAndHTMLPagesAreOutages(_ exchange: ExchangeID) async throws {
        for faults in [Faults(serverError: 500), Faults(htmlError: true)] {
            try await SandboxHarness.run { h in
                try await h.update(exchange, FixtureUpdate(exchangeFaults: faults))
                let client = Self.client(exchange, MarketDataTest.configuration(h).0)
                let error = await exchangeError { _ = try await client.pairs() }
                #expect(error?.code == .exchangeUnavailable, "\(exchange) \(faults)")
            }
        }
    }
}
