import Foundation
import Sandbox
import Testing
@testable import Exchanges

/// Bybit's request budgets (exchanges-okx-bybit-bitvavo.md §B.7): every request spends from the IP's 600 per 5 s,
/// every signed one also from its key's scope for the endpoint, whose limit is the endpoint's own.
struct BybitBudgetTests {
    /// On a second boundary (and a 5-second one).
    static let second = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func perEndpointLimitsPerKey() throws {
        let configuration = ExchangeConfiguration()
        let fund = BybitEndpoint.fundBalance.uidCost(in: configuration, apiKey: "my-bybit-key")
        let wallet = BybitEndpoint.walletBalance.uidCost(in: configuration, apiKey: "my-bybit-key")
        #expect(fund.scope.policy.limit == 5 && wallet.scope.policy.limit == 50)
        #expect(BybitEndpoint.keyInfo.uidCost(in: configuration, apiKey: "k").scope.policy.limit == 10)
        #expect(fund.scope != wallet.scope)
        #expect(fund.scope != BybitEndpoint.fundBalance.uidCost(in: configuration, apiKey: "other").scope)
        #expect(!fund.scope.name.contains("my-bybit-key"))
        #expect(fund.scope.name.hasPrefix("bybit-uid api.bybit.com "))

        // 85 % of 5 per second: four Funding reads a second, the fifth waits for the next second.
        let budget = InProcessRequestBudget()
        let now = Self.second.addingTimeInterval(0.2)
        let granted = try (0..<10).filter { _ in try budget.reserve(1, in: fund.scope, at: now) == .go }.count
        #expect(granted == 4)
        #expect(try budget.reserve(1, in: fund.scope, at: now) == .notBefore(Self.second.addingTimeInterval(1)))
    }

    /// One IP scope for every Bybit host: a regional key spends from the same 600 per 5 s (§B.7).
    @Test func oneIPBudgetForEveryHost() throws {
        var configuration = ExchangeConfiguration()
        configuration.regionBaseURLs = [.bybit: ["nl": URL(string: "https://api.bybit.nl")!]]
        configuration.egressID = "web-1"
        let ip = BybitEndpoint.ipCost(in: configuration)
        #expect(ip.scope.name == "bybit-ip api.bybit.com from web-1")
        #expect(ip.scope.policy.limit == 600 && ip.scope.policy.refill == .window(milliseconds: 5_000))
        let budget = InProcessRequestBudget()
        let granted = try (0..<700).filter { _ in try budget.reserve(1, in: ip.scope, at: Self.second) == .go }.count
        #expect(granted == 510)
    }

    /// A 10006 answer pauses the key's scope for that endpoint until Bybit's reset time, so the next read waits
    /// (or, with no wait allowed, is refused locally) instead of asking again.
    @Test func rateLimitAnswerPausesTheEndpointScope() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.bybit, label: "UTA 2.0")
            try await h.update(.bybit, FixtureUpdate(apiKey: account.apiKey,
                                                     faults: Faults(rateLimited: true, retryAfterSeconds: 30)))
            var configuration = h.sandbox.configuration(timeout: 10)
            configuration.budgetWait = 0
            let client = try ExchangeClients.client(
                for: .bybit, credentials: Credentials(apiKey: account.apiKey, apiSecret: account.apiSecret),
                configuration: configuration)
            #expect(await exchangeError { _ = try await client.readBalances() }?.detail == "10006")
            try await h.update(.bybit, FixtureUpdate(apiKey: account.apiKey, clearFaults: true))
            let second = await exchangeError { _ = try await client.readBalances() }
            #expect(second?.isLocalBudgetRefusal == true)
            #expect((second?.retryAfter ?? 0) >= 28)
            #expect(try await h.count(.bybit, path: "/v5/account/info") == 1)
        }
    }
}
