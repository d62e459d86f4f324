import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// The four market-data readers of KuCoin, OKX, Bybit and Bitvavo map the exchange's rate-limit answer and an
/// HTML error page as their balance clients do.
struct MarketDataErrorTests {
    static func clients(_ configuration: ExchangeConfiguration) -> [any MarketDataClient] {
        [KuCoinMarketData(configuration: configuration), OKXMarketData(configuration: configuration),
         BybitMarketData(configuration: configuration), BitvavoMarketData(configuration: configuration)]
    }

    @Test func theExchangesRateLimitAnswerIsRateLimitedWithItsWait() async throws {
        try await SandboxHarness.run { h in
            for client in Self.clients(MarketDataChecks.configuration(h)) {
                try await h.update(client.exchange, FixtureUpdate(exchangeFaults: Faults(rateLimited: true, retryAfterSeconds: 7)))
                let error = await exchangeError { _ = try await client.quotes(for: ["BTC", "USDT"], marketList: [:]) }
                #expect(error?.code == .rateLimited, "\(client.exchange): \(String(describing: error))")
                #expect((1...8).contains(error?.retryAfter ?? 0), "\(client.exchange): \(String(describing: error?.retryAfter))")
            }
        }
    }

    @Test func anHTMLErrorPageIsAnOutageNotACrash() async throws {
        try await SandboxHarness.run { h in
            for client in Self.clients(MarketDataChecks.configuration(h)) {
                try await h.update(client.exchange, FixtureUpdate(exchangeFaults: Faults(htmlError: true)))
                let error = await exchangeError { _ = try await client.quotes(for: ["BTC", "USDT"], marketList: [:]) }
                #expect(error?.code == .exchangeUnavailable, "\(client.exchange): \(String(describing: error))")
            }
        }
    }
}
