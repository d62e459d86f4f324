import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// Documented outages and server-side errors are `exchange_unavailable` (transient: the sync backs off and
/// retries), never `bad_response` (exchanges.md §1.4, §7.8, §8.4, §9.4).
struct OutageTests {
    /// Each exchange answering each outage knob with its real body, for the signed balance call.
    @Test(arguments: ExchangeID.allCases, OutageFault.allCases)
    func outageIsUnavailable(exchange: ExchangeID, fault: OutageFault) async throws {
        try await SandboxHarness.run { h in
            let account = h.account(exchange)
            var faults = Faults()
            faults.outage = fault
            try await h.update(exchange, FixtureUpdate(apiKey: account.apiKey, faults: faults))
            let error = await exchangeError { _ = try await h.client(account).fetchBalances() }
            #expect(error?.code == .exchangeUnavailable)
        }
    }

    /// An exchange-wide outage also answers the public time endpoint the clients read first.
    @Test(arguments: ExchangeID.allCases)
    func exchangeWideOutageIsUnavailable(exchange: ExchangeID) async throws {
        try await SandboxHarness.run { h in
            var faults = Faults()
            faults.outage = .unavailable
            try await h.update(exchange, FixtureUpdate(exchangeFaults: faults))
            let client = try h.client(h.account(exchange))
            #expect(await exchangeError { _ = try await client.fetchBalances() }?.code == .exchangeUnavailable)
            #expect(await exchangeError { _ = try await client.serverTime() }?.code == .exchangeUnavailable)
        }
    }

    private func result(_ status: Int, _ body: String) -> HTTPResult {
        HTTPResult(status: status, headers: [:], body: Data(body.utf8), sentAt: Date(), receivedAt: Date())
    }

    /// The issue's inputs, classified directly.
    @Test func issueInputs() {
        #expect(KuCoinErrors.classify(result(503, #"{"code":"503000","msg":"Service Unavailable"}"#))?.code
                == .exchangeUnavailable)
        for text in ["EGeneral:Internal error", "EGeneral:Internal error:1234", "EService:Unavailable",
                     "EService:Busy", "EService:Deadline elapsed", "EDatabase:Internal error",
                     "EService: Unavailable", "EService:Market in cancel_only mode"] {
            let error = KrakenErrors.classify(result(200, #"{"error":["\#(text)"]}"#))
            #expect(error?.code == .exchangeUnavailable, "\(text)")
        }
    }

    /// An error code the client does not know is a server fault on a 5xx (transient) and `bad_response`
    /// otherwise (§9.4 "HTTP 5xx with any unmapped code").
    @Test func unmappedCodesFollowTheStatus() {
        #expect(KuCoinErrors.classify(result(502, #"{"code":"502000","msg":"Bad Gateway"}"#))?.code == .exchangeUnavailable)
        #expect(KuCoinErrors.classify(result(200, #"{"code":"102431","msg":"x"}"#))?.code == .badResponse)
        #expect(BinanceErrors.classify(result(500, #"{"code":-1199,"msg":"x"}"#))?.code == .exchangeUnavailable)
        #expect(BinanceErrors.classify(result(400, #"{"code":-1199,"msg":"x"}"#))?.code == .badResponse)
        #expect(KrakenErrors.classify(result(500, #"{"error":["EQuery:Unknown asset pair"]}"#))?.code == .exchangeUnavailable)
        #expect(KrakenErrors.classify(result(200, #"{"error":["EQuery:Unknown asset pair"]}"#))?.code == .badResponse)
    }

    /// Kraken's edge answering instead of Kraken (HTML or empty, any non-2xx) is an outage (§8.4).
    @Test func krakenEdgePagesAreUnavailable() {
        for status in [403, 404, 500, 520, 530] {
            #expect(KrakenErrors.classify(result(status, "<html><body>cloudflare</body></html>"))?.code
                    == .exchangeUnavailable, "\(status)")
            #expect(KrakenErrors.classify(result(status, ""))?.code == .exchangeUnavailable, "\(status)")
        }
        #expect(KrakenErrors.classify(result(429, ""))?.code == .rateLimited)
    }

    /// A Coinbase 5xx is an outage even when its text contains words the 4xx heuristics look for.
    @Test func coinbase5xxIgnoresWordHeuristics() {
        let body = #"{"message":"Internal error: the description of this ip is not allowed; permission timestamp api key"}"#
        #expect(CoinbaseErrors.classify(result(503, body))?.code == .exchangeUnavailable)
        #expect(CoinbaseExchangeErrors.classify(result(503, body))?.code == .exchangeUnavailable)
    }
}

/// An exchange that cannot be reached at all (nothing listens at its address) is `exchange_unavailable` with a
/// message that says it was not reached and the key was not checked, never "the exchange is in maintenance".
struct UnreachableTests {
    @Test(arguments: ExchangeID.allCases)
    func unreachableExchangeSaysSo(exchange: ExchangeID) async throws {
        // Port 9 on loopback: nothing listens there, so the connection is refused before any request is sent.
        let closed = URL(string: "http://127.0.0.1:9")!
        let configuration = ExchangeConfiguration(
            baseURLs: Dictionary(uniqueKeysWithValues: ExchangeID.allCases.map { ($0, closed) }), timeout: 5,
            nonceStore: FileNonceStore(directory: FileManager.default.temporaryDirectory
                .appendingPathComponent("unreachable-nonces-\(UUID().uuidString)")))
        let account = try #require(Fixture.demo.accounts.first { $0.exchange == exchange })
        let client = try ExchangeClients.client(
            for: exchange, credentials: Credentials(apiKey: account.apiKey, apiSecret: account.apiSecret,
                                                    passphrase: account.passphrase), configuration: configuration)
        let error = await exchangeError { _ = try await client.fetchBalances() }
        #expect(error?.code == .exchangeUnavailable)
        #expect(error?.message.contains("could not reach \(exchange.info.displayName)") == true)
        #expect(error?.message.contains("Your key was not checked") == true)
    }
}
