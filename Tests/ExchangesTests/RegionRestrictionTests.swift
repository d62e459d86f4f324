import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// A location block (exchanges.md §7.8) is `region_restricted`, never a temporary `bad_response`, in every form
/// the sandbox can answer and on every endpoint a client calls.
struct RegionRestrictionTests {
    @Test(arguments: ["451", "cdn403"])
    func binanceAccountBlockedByLocation(form: String) async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.binance)
            try await h.update(.binance, FixtureUpdate(apiKey: account.apiKey, faults: Faults(regionBlock: form)))
            let error = await exchangeError { _ = try await h.client(account).fetchBalances() }
            #expect(error?.code == .regionRestricted)
            #expect(error?.exchange == .binance)
            #expect(error?.message.contains("location of this server") == true)
        }
    }

    /// Binance blocks public endpoints too, so the time call that precedes a signed call already fails.
    @Test(arguments: ["451", "cdn403"])
    func binanceBlockedOnEveryEndpoint(form: String) async throws {
        try await SandboxHarness.run { h in
            try await h.update(.binance, FixtureUpdate(exchangeFaults: Faults(regionBlock: form)))
            let client = try h.client(h.account(.binance))
            #expect(await exchangeError { _ = try await client.serverTime() }?.code == .regionRestricted)
            #expect(await exchangeError { _ = try await client.fetchBalances() }?.code == .regionRestricted)
            #expect(await exchangeError { _ = try await client.permissions() }?.code == .regionRestricted)
        }
    }

    /// The exact bodies, classified without the sandbox: Binance's `code` 0 falls through a `code < 0` rule.
    @Test func binanceBodies() {
        let json = #"{"code":0,"msg":"Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms. Please contact customer service if you believe you received this message in error."}"#
        #expect(BinanceErrors.classify(result(451, json))?.code == .regionRestricted)
        // The same text under another status (a proxy rewriting 451) is still the location block.
        #expect(BinanceErrors.classify(result(403, json))?.code == .regionRestricted)
        let cloudFront = "<HTML><BODY><H1>403 ERROR</H1>The Amazon CloudFront distribution is configured to block " +
            "access from your country.</BODY></HTML>"
        #expect(BinanceErrors.classify(result(403, cloudFront))?.code == .regionRestricted)
        // A 403 without a location sentence stays the WAF answer of §7.8.
        let waf = "<HTML><BODY><H1>403 ERROR</H1>Request blocked.</BODY></HTML>"
        #expect(BinanceErrors.classify(result(403, waf))?.code == .exchangeUnavailable)
        // A 451 with an empty body is still "Unavailable For Legal Reasons".
        #expect(BinanceErrors.classify(result(451, ""))?.code == .regionRestricted)
    }

    /// Every exchange: a 451 or a CDN country page is a location block, whatever else the client knows.
    @Test(arguments: ExchangeID.allCases)
    func everyExchangeMapsStatus451(exchange: ExchangeID) {
        let cloudFront = "The Amazon CloudFront distribution is configured to block access from your country."
        for answer in [result(451, "<html>Unavailable For Legal Reasons</html>"), result(403, cloudFront)] {
            let error: ExchangeError?
            switch exchange {
            case .binance: error = BinanceErrors.classify(answer)
            case .coinbase: error = CoinbaseErrors.classify(answer)
            case .coinbaseexchange: error = CoinbaseExchangeErrors.classify(answer)
            case .kraken: error = KrakenErrors.classify(answer)
            case .kucoin: error = KuCoinErrors.classify(answer)
            case .okx: error = OKXErrors.classify(answer)
            case .bybit: error = BybitErrors.classify(answer)
            case .bitvavo: error = BitvavoErrors.classify(answer)
            }
            #expect(error?.code == .regionRestricted, "\(exchange) HTTP \(answer.status)")
        }
    }

    @Test func successBodiesMentioningTheWordsAreNotBlocks() {
        #expect(RegionBlock.error(result(200, #"{"note":"restricted location"}"#), exchange: .binance) == nil)
    }

    @Test func messageNamesTheServerNotTheKey() {
        let message = ExchangeError(.regionRestricted, exchange: .binance).message
        #expect(message.contains("Binance refuses requests from the location of this server"))
        #expect(message.contains("new key will not help"))
    }

    private func result(_ status: Int, _ body: String) -> HTTPResult {
        HTTPResult(status: status, headers: [:], body: Data(body.utf8), sentAt: Date(), receivedAt: Date())
    }
}
