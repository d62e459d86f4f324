import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// Every client against the in-process sandbox with the demo fixture: balances, permissions, server time.
struct ClientSuccessTests {
    @Test func binanceReadsEveryWalletAndKeepsLDO() async throws {
        try await SandboxHarness.run { h in
            let balances = try await h.client(h.account(.binance, label: "read-only")).fetchBalances()
            #expect(balances.map(\.asset) == ["BNB", "BTC", "ETH", "LDO", "RWUSD", "USDT"])
            #expect(balances[asset: "BTC"]?.free == "0.5")
            #expect(balances[asset: "BTC"]?.locked == "0.1")
            #expect(balances[asset: "BTC"]?.total == "0.6")
            // Spot 1500.75 + funding 25 + flexible 100; the spot LDUSDT 100 mirrors the flexible 100 (§7.3).
            #expect(balances[asset: "USDT"]?.total == "1625.75")
            #expect(balances[asset: "USDT"]?.free == "1525.75")
            #expect(balances[asset: "BNB"]?.total == "2.3")
            #expect(balances[asset: "BNB"]?.wallets.map(\.wallet) == ["spot", "earn-flexible"])
            #expect(balances[asset: "ETH"]?.total == "2.75")
            #expect(balances[asset: "RWUSD"]?.wallets.map(\.wallet) == ["rwusd"])
            #expect(balances[asset: "LDO"]?.wallets.first?.wallet == "spot")
        }
    }

    @Test func coinbaseFollowsCursorPagesWithES256() async throws {
        try await SandboxHarness.run { h in
            let balances = try await h.client(h.account(.coinbase, label: "ECDSA")).fetchBalances()
            #expect(balances.map(\.asset) == ["BTC", "ETH", "SOL", "USD", "USDC"])
            #expect(balances[asset: "BTC"]?.total == "0.31")
            #expect(balances[asset: "BTC"]?.locked == "0.01")
            #expect(balances[asset: "BTC"]?.wallets.count == 2)
            #expect(balances[asset: "USDC"]?.total == "255")
            #expect(balances[asset: "USD"]?.total == "1000.5")
            // Six accounts at two per page: three pages.
            #expect(try await h.count(.coinbase, path: "/api/v3/brokerage/accounts") == 3)
        }
    }

    @Test func coinbaseWithEd25519Key() async throws {
        try await SandboxHarness.run { h in
            let client = try h.client(h.account(.coinbase, label: "Ed25519"))
            let balances = try await client.fetchBalances()
            #expect(balances.map(\.total) == ["0.1", "320.4"])
            let permissions = try await client.permissions()
            #expect(permissions.canTrade == true)
            #expect(permissions.canWithdraw == false)
        }
    }

    @Test func coinbaseExchangeSplitsBalanceAndHold() async throws {
        try await SandboxHarness.run { h in
            let balances = try await h.client(h.account(.coinbaseexchange)).fetchBalances()
            #expect(balances.map(\.asset) == ["BTC", "USD"])
            #expect(balances[asset: "BTC"]?.free == "1.5")
            #expect(balances[asset: "BTC"]?.locked == "0.5")
            #expect(balances[asset: "BTC"]?.total == "2")
        }
    }

    @Test func krakenNormalizesLegacyIdsAndSuffixes() async throws {
        try await SandboxHarness.run { h in
            let balances = try await h.client(h.account(.kraken)).fetchBalances()
            #expect(balances.map(\.asset) == ["ADA", "BTC", "DOGE", "DOT", "ETH", "USD", "USDT", "XTZ"])
            #expect(balances[asset: "BTC"]?.total == "1.2445")
            #expect(balances[asset: "BTC"]?.locked == "0.1")
            #expect(balances[asset: "BTC"]?.wallets.map(\.rawAsset).sorted() == ["XBT.M", "XXBT"])
            #expect(balances[asset: "ETH"]?.total == "4.5")
            #expect(balances[asset: "DOT"]?.total == "105")
            #expect(balances[asset: "USD"]?.total == "260")
            #expect(balances[asset: "ADA"]?.wallets.first?.wallet == "auto-earn")
        }
    }

    /// Issue 11 item 3: `BalanceEx` with `DOT` 1, `DOT28.S` 12.5, `SOL03.S` 3.25, `ATOM21.S` 7 (plus `API3`, fee
    /// credits and an xStock) read as DOT 13.5, SOL 3.25, ATOM 7, the staked part in its own wallet row.
    @Test func krakenFoldsLockUpStakingIds() async throws {
        try await SandboxHarness.run { h in
            let balances = try await h.client(h.account(.kraken, label: "staking")).fetchBalances()
            #expect(balances.map(\.asset) == ["AAPLX.T", "API3", "ATOM", "DOT", "SOL"])
            #expect(balances[asset: "DOT"]?.total == "13.5")
            #expect(balances[asset: "DOT"]?.wallets == [
                WalletBalance(wallet: "spot", rawAsset: "DOT", free: "1", locked: "0"),
                WalletBalance(wallet: "staked", rawAsset: "DOT28.S", free: "0", locked: "12.5"),
            ])
            // Staked coins cannot be traded: held, not free.
            #expect(balances[asset: "DOT"]?.free == "1" && balances[asset: "DOT"]?.locked == "12.5")
            #expect(balances[asset: "SOL"]?.total == "3.25")
            #expect(balances[asset: "SOL"]?.wallets.map(\.wallet) == ["staked"])
            #expect(balances[asset: "ATOM"]?.total == "7")
            #expect(balances[asset: "API3"]?.total == "2")
            #expect(balances[asset: "AAPLX.T"]?.wallets.map(\.wallet) == ["tokenized"])
            // SOL03 and ATOM21 are settled by Kraken's asset list, read once.
            #expect(try await h.count(.kraken, path: "/0/public/Assets") == 1)
        }
    }

    /// §8.3: per asset the earn part is max(suffixed rows, Earn allocations), never their sum.
    @Test func krakenAddsOnlyEarnAllocationsThatBalanceExDoesNotShow() async throws {
        try await SandboxHarness.run { h in
            var account = h.account(.kraken, label: "staking")
            account.earnAllocations = [
                FixtureEarnAllocation(strategyId: "dot-bonded-28", asset: "DOT", amount: "12.5"),  // = DOT28.S
                FixtureEarnAllocation(strategyId: "sol-flex", asset: "SOL", amount: "5"),  // > SOL03.S 3.25
                FixtureEarnAllocation(strategyId: "atom-flex", asset: "ATOM", amount: "6"),  // < ATOM21.S 7
                FixtureEarnAllocation(strategyId: "eth-vault", asset: "ETH", amount: "2"),  // not in BalanceEx
                FixtureEarnAllocation(strategyId: "xbt-flex", asset: "XBT", amount: "0"),
                // Kraken Rewards on the spot balance: the same coins as the DOT row, never added again.
                FixtureEarnAllocation(strategyId: "dot-rewards", asset: "DOT", amount: "1", lockType: "flex"),
            ]
            try await h.update(.kraken, FixtureUpdate(account: account))
            let balances = try await h.client(account).fetchBalances()
            #expect(balances.map(\.asset) == ["AAPLX.T", "API3", "ATOM", "DOT", "ETH", "SOL"])
            #expect(balances[asset: "DOT"]?.total == "13.5")
            #expect(balances[asset: "ATOM"]?.total == "7")
            #expect(balances[asset: "SOL"]?.total == "5")
            #expect(balances[asset: "SOL"]?.wallets == [
                WalletBalance(wallet: "staked", rawAsset: "SOL03.S", free: "0", locked: "3.25"),
                WalletBalance(wallet: "earn-allocations", rawAsset: "SOL", free: "0", locked: "1.75"),
            ])
            #expect(balances[asset: "ETH"]?.total == "2")
            #expect(balances[asset: "ETH"]?.locked == "2")
            #expect(try await h.count(.kraken, path: "/0/private/Earn/Strategies") == 1)
        }
    }

    @Test func krakenKeyRefusedEarnStillReadsBalances() async throws {
        try await SandboxHarness.run { h in
            var account = h.account(.kraken, label: "staking")
            account.earnAllocations = [FixtureEarnAllocation(strategyId: "eth-vault", asset: "ETH", amount: "2")]
            account.earnPermissionDenied = true
            try await h.update(.kraken, FixtureUpdate(account: account))
            let read = try await h.client(account).readBalances()
            #expect(read.balances.map(\.asset) == ["AAPLX.T", "API3", "ATOM", "DOT", "SOL"])
            // The read succeeds, and says which wallet it could not read.
            #expect(read.unreadWallets.map(\.wallet) == ["earn-allocations"])
            #expect(read.unreadWallets.first?.reason == "permission_denied")
            #expect(try await h.count(.kraken, path: "/0/private/Earn/Allocations") == 1)
            #expect(try await h.count(.kraken, path: "/0/private/Earn/Strategies") == 0)
        }
    }

    @Test func krakenReadsNoAssetListWhenTheAnswerSettlesEveryId() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.kraken, label: "staking")
            try await h.update(.kraken, FixtureUpdate(apiKey: account.apiKey, balances: [
                FixtureBalance(asset: "DOT", free: "1"), FixtureBalance(asset: "DOT28.S", free: "12.5"),
                FixtureBalance(asset: "XBT.M", free: "0.5"),
            ]))
            let balances = try await h.client(account).fetchBalances()
            #expect(balances.map(\.asset) == ["BTC", "DOT"])
            #expect(balances[asset: "DOT"]?.total == "13.5")
            #expect(try await h.count(.kraken, path: "/0/public/Assets") == 0)
        }
    }

    @Test func krakenAssetListFailureIsThrown() async throws {
        try await SandboxHarness.run { h in
            let configuration = h.sandbox.configuration(timeout: 10, nonceStore: FileNonceStore(directory: h.nonceDirectory))
            let codes = try await KrakenAssetCatalog.knownCodes(configuration: configuration)
            #expect(codes.isSuperset(of: ["XXBT", "XBT", "DOT", "SOL", "ATOM", "API3", "DOT28.S"]))
            #expect(!codes.contains("DOT28"))
            try await h.update(.kraken, FixtureUpdate(exchangeFaults: Faults(serverError: 503)))
            let error = await exchangeError {
                _ = try await KrakenAssetCatalog.knownCodes(configuration: configuration)
            }
            #expect(error?.code == .exchangeUnavailable)
        }
    }

    @Test func kucoinSumsEveryAccountType() async throws {
        try await SandboxHarness.run { h in
            let balances = try await h.client(h.account(.kucoin)).fetchBalances()
            #expect(balances.map(\.asset) == ["BTC", "ETH", "USDT"])
            #expect(balances[asset: "BTC"]?.total == "0.5")
            #expect(balances[asset: "BTC"]?.free == "0.45")
            #expect(balances[asset: "USDT"]?.total == "175")
            #expect(Set(balances[asset: "USDT"]?.wallets.map(\.wallet) ?? []) == ["main", "trade", "margin"])
        }
    }

    @Test func permissionsPerExchange() async throws {
        try await SandboxHarness.run { h in
            let readOnly = try await h.client(h.account(.binance, label: "read-only")).permissions()
            #expect(readOnly.isKnownReadOnly)
            let trading = try await h.client(h.account(.binance, label: "trading")).permissions()
            #expect(trading.canTrade == true && trading.canWithdraw == true)
            let coinbase = try await h.client(h.account(.coinbase, label: "ECDSA")).permissions()
            #expect(coinbase.isKnownReadOnly)
            let kucoin = try await h.client(h.account(.kucoin)).permissions()
            #expect(kucoin.canTrade == false)
            try await h.update(.kucoin, FixtureUpdate(apiKey: h.account(.kucoin).apiKey, canWithdraw: true))
            #expect(try await h.client(h.account(.kucoin)).permissions().canWithdraw == true)
            let kraken = try await h.client(h.account(.kraken)).permissions()
            #expect(kraken.canRead && kraken.canTrade == nil)
        }
    }

    @Test func serverTimesFollowTheSandboxClock() async throws {
        var fixture = Fixture.demo
        fixture.exchangeFaults = [:]
        for exchange in ExchangeID.allCases { fixture.exchangeFaults?[exchange.rawValue] = Faults(clockSkewMs: 3_600_000) }
        try await SandboxHarness.run(fixture: fixture) { h in
            for exchange in ExchangeID.allCases {
                let time = try await h.client(h.account(exchange)).serverTime()
                #expect(abs(time.timeIntervalSinceNow - 3600) < 5, "\(exchange)")
            }
        }
    }

    @Test func holdingsChangeBetweenSyncs() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.kucoin)
            let client = try h.client(account)
            #expect(try await client.fetchBalances()[asset: "ETH"]?.total == "1")
            try await h.update(.kucoin, FixtureUpdate(apiKey: account.apiKey, balances: [
                FixtureBalance(asset: "ETH", free: "2.5", wallet: "main"),
                FixtureBalance(asset: "ETH", free: "0.25", locked: "0.25", wallet: "trade"),
            ]))
            let after = try await client.fetchBalances()
            #expect(after.map(\.asset) == ["ETH"])
            #expect(after[asset: "ETH"]?.total == "3")
        }
    }

    @Test func parallelSyncsRunConcurrently() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.binance, label: "read-only")
            try await h.update(.binance, FixtureUpdate(apiKey: account.apiKey, faults: Faults(latencyMs: 400)))
            let client = try h.client(account)
            _ = try await client.serverTime()
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await client.fetchBalances().count } }
                for try await count in group { #expect(count == 6) }
            }
            let stats = try await h.stats(.binance)
            #expect((stats["maxInFlight"] as? Int ?? 0) >= 4)
        }
    }
}
