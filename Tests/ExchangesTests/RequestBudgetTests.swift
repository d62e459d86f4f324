import Foundation
import Sandbox
import Testing
@testable import Exchanges

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// issue 11 "Exchange request budgets": the allowance arithmetic, and the clients spending from it against the
/// sandbox's own counters (Binance weight per minute, Kraken's per-key counter).
@Suite struct RequestBudgetTests {
    /// 2027-01-15T08:00:00Z, on a minute boundary.
    static let minute = Date(timeIntervalSince1970: 1_800_000_000)

    // MARK: Arithmetic

    @Test func fixedWindowGrantsItsUsableShareThenNamesTheNextWindow() throws {
        let budget = InProcessRequestBudget()
        let scope = BudgetScope(name: "t", policy: BudgetPolicy(limit: 100, refill: .window(milliseconds: 60_000)))
        let now = Self.minute.addingTimeInterval(10)
        let granted = try (0..<200).filter { _ in try budget.reserve(1, in: scope, at: now) == .go }.count
        #expect(granted == 85)  // 85 % of the published limit
        #expect(try budget.reserve(1, in: scope, at: now) == .notBefore(Self.minute.addingTimeInterval(60)))
        #expect(try budget.reserve(1, in: scope, at: Self.minute.addingTimeInterval(60)) == .go)
    }

    @Test func krakenCounterDecaysAtTheStarterRate() throws {
        let budget = InProcessRequestBudget()
        let scope = BudgetScope(.krakenPrivate, baseURL: URL(string: "https://api.kraken.com")!, apiKey: "key")
        let t0 = Self.minute
        let granted = try (0..<20).filter { _ in try budget.reserve(1, in: scope, at: t0) == .go }.count
        #expect(granted == 12)  // 80 % of Starter's 15
        // One unit decays in 1/0.33 s = 3.031 s (rounded up to the millisecond).
        guard case .notBefore(let time) = try budget.reserve(1, in: scope, at: t0) else { Issue.record("granted"); return }
        #expect(BudgetLedger.milliseconds(time) - BudgetLedger.milliseconds(t0) == 3_031)
        #expect(try budget.reserve(1, in: scope, at: t0.addingTimeInterval(3.0)) != .go)
        #expect(try budget.reserve(1, in: scope, at: t0.addingTimeInterval(3.031)) == .go)
    }

    @Test func aRequestHeavierThanTheAllowanceRunsAloneInsteadOfNever() throws {
        let budget = InProcessRequestBudget()
        let scope = BudgetScope(name: "t", policy: BudgetPolicy(limit: 10, refill: .window(milliseconds: 60_000)))
        #expect(try budget.reserve(150, in: scope, at: Self.minute) == .go)
        #expect(try budget.reserve(1, in: scope, at: Self.minute) == .notBefore(Self.minute.addingTimeInterval(60)))
    }

    @Test func scopesNeverHoldTheKeyAndSeparateHostsKeysAndEndpoints() {
        let production = URL(string: "https://api.kucoin.com")!, sandbox = URL(string: "http://127.0.0.1:17404")!
        let a = BudgetScope(.kucoinPrivate, baseURL: production, apiKey: "my-secret-key-id")
        #expect(!a.name.contains("my-secret-key-id") && a.name.hasPrefix("kucoin-private api.kucoin.com "))
        #expect(a != BudgetScope(.kucoinPrivate, baseURL: production, apiKey: "other"))
        #expect(a != BudgetScope(.kucoinPrivate, baseURL: sandbox, apiKey: "my-secret-key-id"))
        // Binance /api is per IP: every key shares one scope.
        let binance = URL(string: "https://api.binance.com")!
        #expect(BudgetScope(.binanceAPI, baseURL: binance, apiKey: "a") == BudgetScope(.binanceAPI, baseURL: binance, apiKey: "b"))
        #expect(BudgetScope(.binanceSAPI, baseURL: binance, endpoint: "/sapi/v1/x")
                != BudgetScope(.binanceSAPI, baseURL: binance, endpoint: "/sapi/v1/y"))
    }

    /// Per-IP scopes are counted per host (its egress name), per-key scopes across every host: a key's limit is
    /// the account's wherever the request comes from.
    @Test func perIPScopesArePerEgressAndPerKeyScopesAreShared() {
        let binance = URL(string: "https://api.binance.com")!, kraken = URL(string: "https://api.kraken.com")!
        let web1 = BudgetScope(.binanceAPI, baseURL: binance, egress: "web-1")
        #expect(web1.name == "binance-api api.binance.com from web-1")
        #expect(web1 != BudgetScope(.binanceAPI, baseURL: binance, egress: "web-2"))
        #expect(BudgetScope(.krakenPrivate, baseURL: kraken, apiKey: "k", egress: "web-1")
                == BudgetScope(.krakenPrivate, baseURL: kraken, apiKey: "k", egress: "web-2"))
        var configuration = ExchangeConfiguration(baseURLs: [.binance: binance])
        configuration.egressID = "web-3"
        #expect(configuration.cost(.binanceAPI, weight: 20).scope.name.hasSuffix(" from web-3"))
        #expect(!configuration.cost(.kucoinPrivate, weight: 5, apiKey: "k").scope.name.contains("web-3"))
    }

    @Test func hostileFeedbackIsBoundedAndNeverTraps() throws {
        let budget = InProcessRequestBudget()
        let scope = BudgetScope(name: "t", policy: BudgetPolicy(limit: 100, refill: .window(milliseconds: 60_000)))
        try budget.record(BudgetFeedback(usedWeight: .max, blockedForSeconds: .max), in: scope, at: Self.minute)
        // Blocked for the longest wait Holdfast takes (a day), not for ever.
        #expect(try budget.reserve(1, in: scope, at: Self.minute)
                == .notBefore(Self.minute.addingTimeInterval(TimeInterval(ResponseSupport.maxRetryAfterSeconds))))
        #expect(try budget.reserve(1, in: scope, at: Self.minute.addingTimeInterval(86_460)) == .go)
        try budget.record(BudgetFeedback(usedWeight: -5, blockedForSeconds: -5), in: scope, at: Self.minute)
    }

    @Test func limitsFromTheEnvironmentAreCheckedPositiveIntegers() throws {
        let limits = try BudgetLimits.fromEnvironment(["HOLDFAST_BINANCE_WEIGHT_PER_MINUTE": "600"])
        #expect(limits[.binanceAPI].limit == 600 && limits[.krakenPrivate].limit == 15)
        // /sapi has its own variable: the benchmarks raise it so the Simple Earn endpoints do not bind.
        #expect(limits[.binanceSAPI].limit == 12_000)
        let sapi = try BudgetLimits.fromEnvironment(["HOLDFAST_BINANCE_SAPI_WEIGHT_PER_MINUTE": "1000000"])
        #expect(sapi[.binanceSAPI].limit == 1_000_000 && sapi[.binanceAPI].limit == 6_000)
        for bad in ["0", "-1", "1e3", "lots", "99999999999"] {
            #expect(throws: ExchangeConfigurationError.self) {
                try BudgetLimits.fromEnvironment(["HOLDFAST_KRAKEN_COUNTER_MAX": bad])
            }
            #expect(throws: ExchangeConfigurationError.self) {
                try BudgetLimits.fromEnvironment(["HOLDFAST_BINANCE_SAPI_WEIGHT_PER_MINUTE": bad])
            }
        }
    }

    // MARK: Against the sandbox

    /// A client of `account` whose configuration never waits for its budget, with `limits` applied.
    func client(_ h: SandboxHarness, _ account: FixtureAccount,
                _ adjust: (inout ExchangeConfiguration) -> Void = { _ in }) throws -> any ExchangeClient {
        var configuration = h.sandbox.configuration(timeout: 10, nonceStore: FileNonceStore(directory: h.nonceDirectory))
        configuration.budgetWait = 0
        adjust(&configuration)
        let credentials = Credentials(apiKey: account.apiKey, apiSecret: account.apiSecret, passphrase: account.passphrase)
        return try ExchangeClients.client(for: account.exchange, credentials: credentials, configuration: configuration)
    }

    /// Binance counts weight per IP, including what other software behind the same IP spends: the weight the
    /// exchange reports in `X-MBX-USED-WEIGHT-1M` raises the local count, so the budget stops before Binance does.
    @Test func binanceUsedWeightHeaderRaisesTheLocalCount() async throws {
        try await awaitRoomInMinute(25)
        try await SandboxHarness.run { h in
            // Other software on this IP spends 60 weight (60 pings of weight 1).
            let ping = h.sandbox.baseURL(for: .binance).appendingPathComponent("api/v3/ping")
            for _ in 0..<60 { _ = try await URLSession.shared.data(from: ping) }
            let account = h.account(.binance)
            let client = try client(h, account) { $0.budgetLimits[.binanceAPI].limit = 100 }  // 85 usable
            // time 1 → Binance says 61; account 20 → 81: within 85.
            _ = try await client.readBalances()
            // Locally only 21 were spent, but Binance said 81: another 20 would pass 85, so nothing is sent.
            let error = await exchangeError { _ = try await client.readBalances() }
            #expect(error?.isLocalBudgetRefusal == true, "\(String(describing: error))")
            #expect((1...60).contains(error?.retryAfter ?? 0))
            #expect(try await h.count(.binance, path: "/api/v3/account") == 1)
        }
    }

    /// A 429 with `Retry-After` blocks the whole scope until then: the next request is not sent at all.
    @Test func a429WithRetryAfterBlocksTheScope() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.binance)
            let client = try client(h, account)
            try await h.update(.binance, FixtureUpdate(apiKey: account.apiKey, faults: Faults(rateLimited: true, retryAfterSeconds: 30)))
            let first = await exchangeError { _ = try await client.readBalances() }
            #expect(first?.code == .rateLimited && first?.isLocalBudgetRefusal == false && first?.retryAfter == 30)
            try await h.update(.binance, FixtureUpdate(apiKey: account.apiKey, clearFaults: true))
            let sent = try await h.count(.binance, path: "/api/v3/account")
            let second = await exchangeError { _ = try await client.readBalances() }
            #expect(second?.isLocalBudgetRefusal == true)
            #expect((28...30).contains(second?.retryAfter ?? 0))
            #expect(try await h.count(.binance, path: "/api/v3/account") == sent)
        }
    }

    /// The sandbox enforces a (lowered) Binance weight limit with the real 429 `-1003` and `Retry-After`; the
    /// client honours it and sends nothing more that minute.
    @Test func sandboxEnforcesBinanceWeightAndTheClientStops() async throws {
        try await awaitRoomInMinute(15)
        try await SandboxHarness.run { h in
            var faults = Faults()
            faults.weightLimit = 30
            try await h.update(.binance, FixtureUpdate(exchangeFaults: faults))
            let client = try client(h, h.account(.binance))  // published 6,000 locally: the exchange knows better
            _ = try await client.readBalances()  // 21
            let refused = await exchangeError { _ = try await client.readBalances() }  // 41 > 30
            #expect(refused?.code == .rateLimited && refused?.isLocalBudgetRefusal == false && refused?.detail == "-1003")
            #expect((1...60).contains(refused?.retryAfter ?? 0))
            let local = await exchangeError { _ = try await client.readBalances() }
            #expect(local?.isLocalBudgetRefusal == true)
            let stats = try await h.stats(.binance)
            #expect(stats["maxWeightPerMinute"] as? Int == 41 && stats["weightLimit"] as? Int == 30)
            #expect(stats["weightRefusals"] as? Int == 1)
        }
    }

    /// Kraken's counter (`counterMax` knob) answers `EAPI:Rate limit exceeded`; the key's local count is then
    /// full, so the next call waits for decay instead of hitting Kraken again.
    @Test func krakenCounterExceededPausesTheKey() async throws {
        try await SandboxHarness.run { h in
            let account = FixtureAccount(exchange: .kraken, label: "counter", apiKey: "counter-key",
                                          apiSecret: Data("counter-secret".utf8).base64EncodedString(),
                                          balances: [FixtureBalance(asset: "XXBT", free: "1")], faults: Faults())
            var limited = account
            limited.faults?.counterMax = 3
            try await h.update(.kraken, FixtureUpdate(account: limited))
            let client = try client(h, account)
            _ = try await client.readBalances()  // BalanceEx + Earn/Allocations: counter 2
            let refused = await exchangeError { _ = try await client.readBalances() }  // 3, then 4 > 3
            #expect(refused?.code == .rateLimited && refused?.isLocalBudgetRefusal == false)
            let local = await exchangeError { _ = try await client.readBalances() }
            #expect(local?.isLocalBudgetRefusal == true)
            #expect((1...4).contains(local?.retryAfter ?? 0))
            #expect(try await h.stats(.kraken)["counterRefusals"] as? Int == 1)
        }
    }

    /// test/connect wait briefly: a scope free again within `budgetWait` is waited for, not refused.
    @Test func aShortWaitIsWaitedOut() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.binance)
            let client = try client(h, account) { $0.budgetWait = 5 }
            try await h.update(.binance, FixtureUpdate(apiKey: account.apiKey, faults: Faults(rateLimited: true, retryAfterSeconds: 1)))
            _ = await exchangeError { _ = try await client.readBalances() }
            try await h.update(.binance, FixtureUpdate(apiKey: account.apiKey, clearFaults: true))
            let started = Date()
            _ = try await client.readBalances()
            #expect(Date().timeIntervalSince(started) >= 0.5)
        }
    }
}
