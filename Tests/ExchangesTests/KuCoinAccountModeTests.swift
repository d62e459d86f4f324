import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// KuCoin account modes (exchanges.md §9.1–§9.3): a unified trading account is read from its own balance call,
/// classic margin wallets net of borrowed coins, a refused margin wallet is reported unread, and an answer that
/// cannot be shown complete fails the read.
struct KuCoinAccountModeTests {
    /// The demo KuCoin account with `balances`, in `mode`, and the margin endpoints refused when asked.
    private func account(
        _ h: SandboxHarness, mode: String? = nil, balances: [FixtureBalance]? = nil, marginRefused: Bool = false
    ) async throws -> FixtureAccount {
        var account = h.account(.kucoin)
        account.accountMode = mode
        if let balances { account.balances = balances }
        account.marginPermissionDenied = marginRefused
        try await h.update(.kucoin, FixtureUpdate(account: account))
        return account
    }

    /// USDT balance 100 with liability 30 is a holding of 70; the 30 borrowed are not counted, and free is capped
    /// at the holding. Only the UTA balance is read, never `/api/v1/accounts`.
    @Test func unifiedAccountIsReadNetOfLiabilities() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, mode: "UNIFIED", balances: [
                FixtureBalance(asset: "USDT", free: "100", liability: "30"),
                FixtureBalance(asset: "BTC", free: "0.2", locked: "0.1"),
                // Free 0.6 of 1 held, 0.5 borrowed: holding 0.5, free 0.5 (capped), locked 0.
                FixtureBalance(asset: "ETH", free: "0.6", locked: "0.4", liability: "0.5"),
                // Owes more than it holds: the debt is not a negative holding, the asset is left out.
                FixtureBalance(asset: "SOL", free: "1", liability: "3"),
            ])
            let read = try await h.client(account).readBalances()
            #expect(read.unreadWallets.isEmpty)
            #expect(read.balances.map(\.asset) == ["BTC", "ETH", "USDT"])
            #expect(read.balances[asset: "USDT"] == Balance(asset: "USDT", free: "70", locked: "0", total: "70", wallets: [
                WalletBalance(wallet: "unified", rawAsset: "USDT", free: "70", locked: "0"),
            ]))
            #expect(read.balances[asset: "BTC"]?.free == "0.2")
            #expect(read.balances[asset: "BTC"]?.locked == "0.1")
            #expect(read.balances[asset: "ETH"]?.free == "0.5")
            #expect(read.balances[asset: "ETH"]?.locked == "0")
            #expect(try await h.count(.kucoin, path: "/api/ua/v1/account/mode") == 1)
            #expect(try await h.count(.kucoin, path: "/api/ua/v1/unified/account/balance") == 1)
            #expect(try await h.count(.kucoin, path: "/api/v1/accounts") == 0)
        }
    }

    /// A classic account reads as before (every type summed), after one mode call; the demo account's margin row
    /// makes the client read cross margin once (no liability there, so the same totals), isolated never.
    @Test func classicAccountIsUnaffected() async throws {
        try await SandboxHarness.run { h in
            let read = try await h.client(h.account(.kucoin)).readBalances()
            #expect(read.unreadWallets.isEmpty)
            #expect(read.balances.map(\.asset) == ["BTC", "ETH", "USDT"])
            #expect(read.balances[asset: "BTC"]?.total == "0.5")
            #expect(read.balances[asset: "USDT"]?.total == "175")
            #expect(read.balances[asset: "USDT"]?.wallets.map(\.wallet) == ["main", "trade", "margin"])
            #expect(try await h.count(.kucoin, path: "/api/ua/v1/account/mode") == 1)
            #expect(try await h.count(.kucoin, path: "/api/v3/margin/accounts") == 1)
            #expect(try await h.count(.kucoin, path: "/api/v3/isolated/accounts") == 0)
            #expect(try await h.count(.kucoin, path: "/api/ua/v1/unified/account/balance") == 0)
        }
    }

    /// Without non-empty margin rows no margin endpoint is asked (no request spent), and `trade_hf` and unknown
    /// types count.
    @Test func classicAccountWithoutMarginCostsNoMarginCall() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, balances: [
                FixtureBalance(asset: "BTC", free: "0.25", wallet: "trade_hf"),
                FixtureBalance(asset: "BTC", free: "0.5", wallet: "some_future_type"),
                FixtureBalance(asset: "USDT", free: "0", wallet: "margin"),
            ])
            let read = try await h.client(account).readBalances()
            #expect(read.balances.map(\.total) == ["0.75"])
            #expect(try await h.count(.kucoin, path: "/api/v3/margin/accounts") == 0)
            #expect(try await h.count(.kucoin, path: "/api/v3/isolated/accounts") == 0)
        }
    }

    /// Cross margin USDT 25 with 10 borrowed counts 15; an isolated BTC-USDT pair with USDT 50, 40 borrowed, and
    /// BTC 0.1 counts USDT 10 and BTC 0.1; the gross `/api/v1/accounts` margin rows are never counted.
    @Test func classicMarginIsNettedOfLiabilities() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, balances: [
                FixtureBalance(asset: "USDT", free: "100", wallet: "main"),
                FixtureBalance(asset: "USDT", free: "20", locked: "5", wallet: "margin", liability: "10"),
                FixtureBalance(asset: "BTC", free: "0.1", wallet: "isolated:BTC-USDT"),
                FixtureBalance(asset: "USDT", free: "50", wallet: "isolated:BTC-USDT", liability: "40"),
                FixtureBalance(asset: "USDT", free: "7", wallet: "isolated:ETH-USDT"),
            ])
            let read = try await h.client(account).readBalances()
            #expect(read.unreadWallets.isEmpty)
            #expect(read.balances[asset: "USDT"]?.total == "132")
            #expect(read.balances[asset: "USDT"]?.wallets == [
                WalletBalance(wallet: "main", rawAsset: "USDT", free: "100", locked: "0"),
                WalletBalance(wallet: "margin", rawAsset: "USDT", free: "15", locked: "0"),
                WalletBalance(wallet: "isolated", rawAsset: "USDT", free: "17", locked: "0"),
            ])
            #expect(read.balances[asset: "BTC"]?.wallets == [
                WalletBalance(wallet: "isolated", rawAsset: "BTC", free: "0.1", locked: "0"),
            ])
            #expect(try await h.count(.kucoin, path: "/api/v3/margin/accounts") == 1)
            #expect(try await h.count(.kucoin, path: "/api/v3/isolated/accounts") == 1)
        }
    }

    /// A key refused the margin endpoints (`400007`): the read succeeds, the margin wallets are named unread and
    /// their rows (which may hold borrowed coins) are left out.
    @Test func refusedMarginIsAnUnreadWallet() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, balances: [
                FixtureBalance(asset: "USDT", free: "100", wallet: "main"),
                FixtureBalance(asset: "USDT", free: "25", wallet: "margin", liability: "10"),
                FixtureBalance(asset: "BTC", free: "1", wallet: "isolated:BTC-USDT", liability: "1"),
            ], marginRefused: true)
            let read = try await h.client(account).readBalances()
            #expect(read.balances.map(\.asset) == ["USDT"])
            #expect(read.balances[asset: "USDT"]?.total == "100")
            #expect(read.unreadWallets.map(\.wallet) == ["margin", "isolated"])
            #expect(read.unreadWallets.allSatisfy { $0.reason == "permission_denied" })
        }
    }

    /// A UTA answer whose `data` is missing, null or of the wrong type, or whose first currency lost its amounts,
    /// is `bad_response`: holdings must not be replaced from it.
    @Test(arguments: [ListingFault.missing, .null, .wrongType, .rowWithoutAmount])
    func incompleteUnifiedAnswerIsBadResponse(fault: ListingFault) async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, mode: "UNIFIED")
            var faults = Faults()
            faults.listingFault = fault
            try await h.update(.kucoin, FixtureUpdate(apiKey: account.apiKey, faults: faults))
            let error = await exchangeError { _ = try await h.client(account).readBalances() }
            #expect(error?.code == .badResponse)
        }
    }

    /// Hostile amounts in the unified and margin answers are `bad_response`, never a trap (issue 11, item 2).
    @Test(arguments: [
        ("UNIFIED", FixtureBalance(asset: "USDT", free: "1", liability: "1E-400")),
        ("UNIFIED", FixtureBalance(asset: "USDT", free: "NaN")),
        ("CLASSIC", FixtureBalance(asset: "USDT", free: "1", wallet: "margin", liability: "Infinity")),
        ("CLASSIC", FixtureBalance(asset: "BTC", free: "1", wallet: "isolated:BTC-USDT", liability: "0x10")),
    ])
    func hostileAmountIsBadResponse(mode: String, row: FixtureBalance) async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, mode: mode, balances: [row])
            let error = await exchangeError { _ = try await h.client(account).readBalances() }
            #expect(error?.code == .badResponse)
        }
    }

    /// `data` without `accounts`, or an account without `currencies`, cannot be shown complete.
    @Test(arguments: [#"{"accountType":"UNIFIED","ts":1}"#, #"{"accounts":[{"currencies":[]},{}]}"#,
                      #"{"accounts":null}"#])
    func unifiedAnswerWithoutListingIsIncomplete(data: String) throws {
        let answer = try JSONDecoder().decode(KuCoinUnified.Answer.self, from: Data(data.utf8))
        let error = try #require(throws: ExchangeError.self) { try KuCoinUnified.rows(in: answer) }
        #expect(error.code == .badResponse)
    }

    /// The mode endpoint missing (HTTP 404) means classic; any other failure of it fails the read with its code
    /// (an outage stays `exchange_unavailable`, through the same classifier as every KuCoin call).
    @Test func modeEndpointNotFoundMeansClassic() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, mode: "unavailable")
            let read = try await h.client(account).readBalances()
            #expect(read.balances[asset: "USDT"]?.total == "175")
            #expect(try await h.count(.kucoin, path: "/api/v1/accounts") == 1)
        }
    }

    @Test(arguments: [OutageFault.unavailable, .internalError])
    func modeOrMarginOutageIsUnavailable(outage: OutageFault) async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, mode: "UNIFIED")
            var faults = Faults()
            faults.outage = outage
            try await h.update(.kucoin, FixtureUpdate(apiKey: account.apiKey, faults: faults))
            let error = await exchangeError { _ = try await h.client(account).readBalances() }
            #expect(error?.code == .exchangeUnavailable)
            #expect(try await h.count(.kucoin, path: "/api/v1/accounts") == 0)
        }
    }

    /// Netting rule edge cases: free never exceeds the holding, never negative; a debt reads as 0.
    @Test(arguments: [
        ("100", "100", "30", "70", "0"), ("100", "60", "30", "60", "10"), ("1", "1", "3", "0", "0"),
        ("5", "-1", "0", "0", "5"), ("0.3", "0.2", "0", "0.2", "0.1"), ("2", "2", "2", "0", "0"),
    ])
    func borrowedNetting(balance: String, available: String, liability: String, free: String, locked: String) throws {
        let net = try BorrowedNetting.net(balance: balance, available: available, liability: liability, currency: "X")
        #expect(net.free == free)
        #expect(net.locked == locked)
    }

    @Test func nettingRefusesHostileAmounts() {
        for (balance, liability) in [("1E-400", "0"), ("1", "NaN"), (String(repeating: "9", count: 64), "-1")] {
            #expect(throws: ExchangeError.self) {
                _ = try BorrowedNetting.net(balance: balance, available: "0", liability: liability, currency: "X")
            }
        }
    }
}
