import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// The OKX client against the in-process sandbox (exchanges-okx-bybit-bitvavo.md §A): every place read once,
/// the staking double-count trap, borrowed coins, regions, demo keys, unread wallets and hostile amounts.
struct OKXClientTests {
    /// A client for `account` on the host of `region` (nil: the default region).
    private func client(_ h: SandboxHarness, _ account: FixtureAccount, region: String? = nil) throws -> any ExchangeClient {
        let credentials = Credentials(apiKey: account.apiKey, apiSecret: account.apiSecret,
                                      passphrase: account.passphrase, region: region)
        return try ExchangeClients.client(for: .okx, credentials: credentials,
                                          configuration: h.sandbox.configuration(timeout: 10))
    }

    /// The demo account with its OKX wallets replaced by `change`.
    private func account(_ h: SandboxHarness, _ change: (inout FixtureAccount) -> Void) async throws -> FixtureAccount {
        var account = h.account(.okx)
        change(&account)
        try await h.update(.okx, FixtureUpdate(account: account))
        return account
    }

    @Test func demoAccountCountsEveryPlaceOnce() async throws {
        try await SandboxHarness.run { h in
            let read = try await client(h, h.account(.okx)).readBalances()
            let balances = read.balances
            #expect(balances.map(\.asset) == ["BETH", "BTC", "DOT", "ETH", "USDT"])
            // Trading 0.42 + 0.08 frozen, Simple Earn 0.05.
            #expect(balances[asset: "BTC"]?.total == "0.55")
            #expect(balances[asset: "BTC"]?.locked == "0.13")
            #expect(balances[asset: "BTC"]?.wallets.map(\.wallet) == ["trading", "earn-flexible"])
            // Trading 3150.25, funding 480 + 20 frozen, Simple Earn 1000.
            #expect(balances[asset: "USDT"]?.total == "4650.25")
            #expect(balances[asset: "USDT"]?.free == "3630.25")
            #expect(balances[asset: "USDT"]?.wallets.map(\.wallet) == ["trading", "funding", "earn-flexible"])
            #expect(balances[asset: "DOT"]?.wallets.map(\.wallet) == ["earn-onchain"])
            #expect(balances[asset: "DOT"]?.locked == "50")
            // The ETH staking balance (0.3 BETH, account-wide) is the funding BETH: counted once.
            #expect(balances[asset: "BETH"]?.total == "0.3")
            #expect(balances[asset: "BETH"]?.wallets.map(\.wallet) == ["funding"])
            #expect(balances[asset: "ETH"]?.total == "1.1")
            #expect(read.unreadWallets.isEmpty)
            #expect(read.notes.contains { $0.hasPrefix("BETH is OKX's ETH staking receipt") })
            #expect(try await h.count(.okx, path: "/api/v5/finance/staking-defi/eth/balance") == 0)
        }
    }

    /// The staking-overlap knob: however large the account-wide staking balances are, BETH and OKSOL count
    /// only where they sit.
    @Test func stakingBalancesAreNeverAdded() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h) {
                $0.balances.append(FixtureBalance(asset: "OKSOL", free: "1.5"))
                $0.okx?.ethStaking = "2.3"
                $0.okx?.solStaking = "4"
            }
            let balances = try await client(h, account).fetchBalances()
            #expect(balances[asset: "BETH"]?.total == "0.3")
            #expect(balances[asset: "OKSOL"]?.total == "1.5")
            #expect(balances[asset: "ETH"]?.total == "1.1")
            #expect(balances[asset: "SOL"] == nil)
        }
    }

    /// Borrowed coins are not holdings: a currency owed more than held counts as nothing (never negative), the
    /// liability is noted, the rest of the account is untouched.
    @Test func borrowedCoinsAreNotCounted() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h) {
                $0.balances = [
                    FixtureBalance(asset: "BTC", free: "0", liability: "0.2"),
                    FixtureBalance(asset: "USDT", free: "100", liability: "30"),
                    FixtureBalance(asset: "ETH", free: "1.1"),
                ]
                $0.okx?.savings = []
            }
            let read = try await client(h, account).readBalances()
            #expect(read.balances[asset: "BTC"] == nil)
            // Trading eq 70 (100 held, 30 of them borrowed) + funding 500.
            #expect(read.balances[asset: "USDT"]?.total == "570")
            #expect(read.balances.allSatisfy { !$0.total.hasPrefix("-") })
            #expect(read.notes.contains("trading BTC: liability 0.2 borrowed, not counted"))
            #expect(read.notes.contains("trading BTC: eq -0.2 is a debt, counted as 0"))
            #expect(read.notes.contains("trading USDT: liability 30 borrowed, not counted"))
        }
    }

    /// An EEA key works on the EEA host; on the global host (the default region) OKX answers 50119, and the
    /// message names the host used and the three entities' hosts, and nothing secret.
    @Test func keyWorksOnlyOnItsRegionsHost() async throws {
        try await SandboxHarness.run { h in
            let eea = try await account(h) { $0.region = "eea" }
            #expect(try await client(h, eea, region: "eea").fetchBalances()[asset: "BTC"]?.total == "0.55")
            for region in [nil, "global", "us"] as [String?] {
                let error = await exchangeError { _ = try await client(h, eea, region: region).fetchBalances() }
                #expect(error?.code == .invalidCredentials)
                #expect(error?.detail == "50119 on region \(region ?? "global")")
                let message = error?.message ?? ""
                #expect(message.contains(region == "us" ? "US (us.okx.com)" : "Global (www.okx.com)"))
                #expect(message.contains("EEA accounts on eea.okx.com"))
                #expect(message.contains("Choose the region"))
                #expect(!message.contains(eea.apiSecret) && !message.contains(eea.passphrase!) && !message.contains(eea.apiKey))
            }
            // And the reverse: a global key sent to the EEA host.
            let global = h.account(.okx, label: "OKX read-only")
            var other = global
            other.apiKey = "0" + String(global.apiKey.dropFirst())
            other.region = nil
            try await h.update(.okx, FixtureUpdate(account: other))
            let error = await exchangeError { _ = try await client(h, other, region: "eea").fetchBalances() }
            #expect(error?.message.contains("EEA (eea.okx.com)") == true)
            // The regional host was asked for its time and the key, under its own prefix.
            #expect(try await h.count(.okx, path: "/eea/api/v5/account/balance") >= 2)
        }
    }

    @Test func demoTradingKeyOnLiveIsExplained() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h) { $0.okx?.demoKey = true }
            let error = await exchangeError { _ = try await client(h, account).fetchBalances() }
            #expect(error?.code == .invalidCredentials)
            #expect(error?.detail == "50101")
            #expect(error?.message.contains("Demo Trading") == true)
        }
    }

    @Test func ipNotAllowedNamesTheAddress() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h) { $0.faults = Faults(ipRestricted: true) }
            let error = await exchangeError { _ = try await client(h, account).fetchBalances() }
            #expect(error?.code == .ipNotAllowed)
            #expect(error?.message.contains("127.0.0.1") == true)
        }
    }

    /// Funding, Simple Earn and On-chain Earn refused (50120 / 50030): reported as unread, trading still read.
    @Test func refusedWalletsAreUnreadNotFailures() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h) { $0.okx?.permissionDenied = ["funding", "earn-flexible", "earn-onchain"] }
            let read = try await client(h, account).readBalances()
            #expect(read.unreadWallets.map(\.wallet) == ["funding", "earn-flexible", "earn-onchain"])
            #expect(read.unreadWallets.allSatisfy { $0.reason == "permission_denied" && $0.message.contains("OKX refused") })
            #expect(read.balances.map(\.asset) == ["BTC", "ETH", "USDT"])
            #expect(read.balances[asset: "USDT"]?.total == "3150.25")
        }
    }

    /// A wallet that fails for any other reason fails the whole read: a partial read would drop its coins.
    @Test(arguments: ["funding", "earn-flexible", "earn-onchain", "trading"])
    func failingWalletFailsTheRead(wallet: String) async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h) { $0.okx?.serverError = [wallet: 503] }
            let error = await exchangeError { _ = try await client(h, account).fetchBalances() }
            #expect(error?.code == .exchangeUnavailable)
            #expect(error?.detail == "50001")
        }
    }

    /// Hostile amounts in every place: `bad_response`, never a crash or a silently wrong holding.
    @Test(arguments: [
        ("trading", "1E-400"), ("trading", "NaN"), ("trading", "0x10"), ("funding", "-1"), ("funding", "Infinity"),
        ("funding", "1e99999"), ("earn-flexible", "-0.5"), ("earn-flexible", ""), ("earn-onchain", "1,5"),
        ("earn-onchain", "-3"),
    ])
    func hostileAmountIsBadResponse(wallet: String, amount: String) async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h) {
                switch wallet {
                case "trading": $0.balances = [FixtureBalance(asset: "BTC", free: amount)]
                case "funding": $0.okx?.funding = [FixtureBalance(asset: "USDT", free: amount)]
                case "earn-flexible": $0.okx?.savings = [FixtureEarnPosition(asset: "USDT", amount: amount)]
                default: $0.okx?.onchain = [FixtureEarnPosition(asset: "DOT", amount: amount)]
                }
            }
            let error = await exchangeError { _ = try await client(h, account).fetchBalances() }
            #expect(error?.code == .badResponse, "\(wallet) \(amount)")
        }
    }

    @Test func frozenAboveBalanceIsBadResponse() throws {
        let rows = [OKXWallets.FundingRow(ccy: "USDT", bal: text("1"), frozenBal: text("2"))]
        #expect(throws: ExchangeError.self) { try OKXWallets.rows(OKXWallets.Read(trading: [], funding: rows)) }
        let trading = [OKXWallets.TradingRow(ccy: "BTC", eq: text(""), frozenBal: nil, liab: nil, rewardBal: nil)]
        #expect(throws: ExchangeError.self) { try OKXWallets.rows(OKXWallets.Read(trading: trading)) }
    }

    /// Trial funds are labelled, never added or subtracted; `frozenBal` is capped at the holding.
    @Test func trialFundsAreLabelled() throws {
        let trading = [OKXWallets.TradingRow(ccy: "USDT", eq: text("10"), frozenBal: text("12"), liab: text(""),
                                             rewardBal: text("5"))]
        let (rows, notes) = try OKXWallets.rows(OKXWallets.Read(trading: trading))
        #expect(rows.count == 1)
        #expect(rows.first?.free == "0" && rows.first?.locked == "10")
        #expect(notes == ["trading USDT: rewardBal 5 is trial funds, counted only as far as OKX includes them in eq"])
    }

    @Test func permissionsFromPerm() async throws {
        try await SandboxHarness.run { h in
            let readOnly = try await client(h, h.account(.okx)).permissions()
            #expect(readOnly.canRead && readOnly.isKnownReadOnly)
            let account = try await account(h) { $0.okx?.perm = "read_only,withdraw,trade" }
            let full = try await client(h, account).permissions()
            #expect(full.canTrade == true && full.canWithdraw == true)
            let trade = try await self.account(h) { $0.okx?.perm = "read_only,trade" }
            let tradeOnly = try await client(h, trade).permissions()
            #expect(tradeOnly.canTrade == true && tradeOnly.canWithdraw == false)
        }
    }

    /// A skewed local clock (the sandbox 45 s ahead: beyond the ±30 s window) is measured from the public time
    /// and the read succeeds; the time is read on the region's own host.
    @Test func clockSkewIsMeasuredPerRegion() async throws {
        var fixture = Fixture.demo
        fixture.exchangeFaults = ["okx": Faults(clockSkewMs: 45_000)]
        try await SandboxHarness.run(fixture: fixture) { h in
            let eea = try await account(h) { $0.region = "eea" }
            #expect(try await client(h, eea, region: "eea").fetchBalances().isEmpty == false)
            #expect(try await h.count(.okx, path: "/eea/api/v5/public/time") == 1)
            #expect(try await h.count(.okx, path: "/api/v5/public/time") == 0)
        }
    }

    private func text(_ value: String) -> AmountText {
        try! JSONDecoder().decode([AmountText].self, from: Data("[\"\(value)\"]".utf8))[0]
    }
}
