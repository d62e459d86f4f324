import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// The four market-data readers of KuCoin, OKX, Bybit and Bitvavo map the exchange's rate-limit answer and an
/// HTML error page as their balance clients do.
struct SecondFourMarketDataErrorTests {
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

    @Test func bybitsRateLimitWithoutHTTP429StillPausesTheIPScope() async throws {
        try await SandboxHarness.run { h in
            let budget = RecordingBudget()
            let client = BybitMarketData(configuration: MarketDataChecks.configuration(h, budget: budget))
            try await h.update(.bybit, FixtureUpdate(exchangeFaults: Faults(rateLimited: true, retryAfterSeconds: 7)))
            #expect(await exchangeError { _ = try await client.pairs() }?.code == .rateLimited)
            // 10006 comes with HTTP 200: the reader itself must tell the budget to wait.
            let block = budget.recorded.first { $0.feedback.blockedForSeconds != nil }
            #expect(block?.scope.hasPrefix("bybit-ip ") == true)
            #expect((1...8).contains(block?.feedback.blockedForSeconds ?? 0))
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
