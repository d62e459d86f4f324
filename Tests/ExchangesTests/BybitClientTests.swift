import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// The Bybit client against the sandbox (exchanges-okx-bybit-bitvavo.md §B): each wallet read once, borrowed
/// coins netted, the overview never added, regions, clock, expiry, unread wallets.
struct BybitClientTests {
    /// A Bybit client for `account`, on the host of `region` (nil: the account's own region).
    private func client(_ h: SandboxHarness, _ account: FixtureAccount, region: String?? = nil,
                        apiSecret: String? = nil) throws -> any ExchangeClient {
        let credentials = Credentials(apiKey: account.apiKey, apiSecret: apiSecret ?? account.apiSecret,
                                      region: region ?? account.region)
        return try ExchangeClients.client(for: .bybit, credentials: credentials,
                                          configuration: h.sandbox.configuration(timeout: 10))
    }

    /// The demo account with its `bybit` knobs and balances replaced, stored in the sandbox.
    private func account(_ h: SandboxHarness, balances: [FixtureBalance]? = nil,
                         _ change: (inout FixtureBybit) -> Void = { _ in }) async throws -> FixtureAccount {
        var account = h.account(.bybit, label: "UTA 2.0")
        if let balances { account.balances = balances }
        var knobs = account.bybit ?? FixtureBybit()
        change(&knobs)
        account.bybit = knobs
        try await h.update(.bybit, FixtureUpdate(account: account))
        return account
    }

    @Test func demoAccountReadsEachWalletOnceNetOfBorrowedCoins() async throws {
        try await SandboxHarness.run { h in
            let read = try await client(h, h.account(.bybit, label: "UTA 2.0")).readBalances()
            let balances = read.balances
            #expect(balances.map(\.asset) == ["BTC", "ETH", "MNT", "USDC", "USDT"])
            #expect(balances[asset: "BTC"]?.free == "0.3")
            #expect(balances[asset: "BTC"]?.locked == "0.05")
            // 1250 in the unified wallet includes 200 borrowed: 1050 owned, plus 500 in Flexible Saving.
            #expect(balances[asset: "USDT"]?.total == "1550")
            #expect(balances[asset: "USDT"]?.wallets.map(\.wallet) == ["unified", "earn-flexible"])
            #expect(balances[asset: "USDT"]?.wallets.first?.free == "1050")
            #expect(balances[asset: "USDC"]?.wallets.map(\.wallet) == ["funding"])
            #expect(read.unreadWallets.isEmpty)
            // The debt stays visible; the bot funds of the overview are noted, never counted.
            #expect(read.notes.contains { $0.contains("USDT") && $0.contains("200.0123") })
            #expect(read.notes.contains { $0.contains("TradingBot") && $0.contains("120.5") })
            for path in ["/v5/account/info", "/v5/account/wallet-balance", "/v5/asset/transfer/query-account-coins-balance",
                         "/v5/asset/asset-overview", "/v5/market/time"] {
                #expect(try await h.count(.bybit, path: path) == 1, "\(path)")
            }
            #expect(try await h.count(.bybit, path: "/v5/earn/position") == 2)
        }
    }

    /// A coin owed more than held reads as 0, never negative; the debt is noted.
    @Test func borrowedMoreThanHeldIsZeroNotNegative() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, balances: [
                FixtureBalance(asset: "USDT", free: "50", wallet: "unified", liability: "80"),
                FixtureBalance(asset: "BTC", free: "1", wallet: "unified"),
            ])
            let read = try await client(h, account).readBalances()
            #expect(read.balances.map(\.asset) == ["BTC"])
            #expect(read.notes.contains { $0.contains("unified USDT") && $0.contains("80") })
        }
    }

    /// Locked coins beyond the owned part (bought with borrowed coins) never make `free` negative.
    @Test func lockedIsCappedByTheOwnedAmount() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, balances: [
                FixtureBalance(asset: "ETH", free: "0", locked: "3", wallet: "unified", liability: "2"),
            ])
            let eth = try #require(try await client(h, account).readBalances().balances[asset: "ETH"])
            #expect(eth.free == "0")
            #expect(eth.locked == "1")
        }
    }

    @Test func uta1ReadsTheContractWalletAndUta2DoesNot() async throws {
        try await SandboxHarness.run { h in
            let balances = [FixtureBalance(asset: "BTC", free: "1", wallet: "unified"),
                            FixtureBalance(asset: "BTC", free: "0.5", wallet: "contract")]
            let uta1 = try await account(h, balances: balances) { $0.accountMode = 3 }
            let btc = try await client(h, uta1).readBalances().balances[asset: "BTC"]
            #expect(btc?.total == "1.5")
            #expect(btc?.wallets.map(\.wallet) == ["unified", "contract"])
            #expect(try await h.count(.bybit, path: "/v5/account/wallet-balance") == 2)

            let uta2 = try await account(h, balances: balances) { $0.accountMode = 5 }
            #expect(try await client(h, uta2).readBalances().balances[asset: "BTC"]?.total == "1")
            #expect(try await h.count(.bybit, path: "/v5/account/wallet-balance") == 3)
        }
    }

    @Test func classicAccountFailsWithAnUpgradeMessage() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h) { $0.accountMode = 1 }
            let error = await exchangeError { _ = try await client(h, account).readBalances() }
            #expect(error?.code == .badResponse)
            #expect(error?.message.contains("Unified Trading Account") == true)
            #expect(try await h.count(.bybit, path: "/v5/account/wallet-balance") == 0)
        }
    }

    @Test(arguments: [0, 2, 7])
    func unknownAccountModeIsBadResponse(mode: Int) async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h) { $0.accountMode = mode }
            let error = await exchangeError { _ = try await client(h, account).readBalances() }
            #expect(error?.code == .badResponse)
            #expect(error?.detail == "unifiedMarginStatus \(mode)")
        }
    }

    /// The asset overview aggregates every wallet: reading it must not change a single amount.
    @Test func overviewIsNeverAdded() async throws {
        try await SandboxHarness.run { h in
            let plain = try await account(h) { $0.overviewExtras = [] }
            let without = try await client(h, plain).readBalances()
            let extra = try await account(h) {
                $0.overviewExtras = [FixtureBybitOverviewRow(accountType: "CopyTrading", equity: "999"),
                                     FixtureBybitOverviewRow(accountType: "CryptoLoans", equity: "-0.5"),
                                     FixtureBybitOverviewRow(accountType: "Launchpool", equity: "0.001")]
            }
            let with = try await client(h, extra).readBalances()
            #expect(with.balances == without.balances)
            #expect(with.notes.contains { $0.contains("CopyTrading") })
            #expect(with.notes.contains { $0.contains("CryptoLoans") })
            // Below the 0.01 tolerance: dust, not noted.
            #expect(!with.notes.contains { $0.contains("Launchpool") })
            #expect(!without.notes.contains { $0.contains("asset overview") })
        }
    }

    @Test func regionalKeyReadsOnItsHostWithoutTheOverview() async throws {
        try await SandboxHarness.run { h in
            let nl = h.account(.bybit, label: "Netherlands")
            let balances = try await client(h, nl).readBalances().balances
            #expect(balances.map(\.asset) == ["BTC", "EUR"])
            #expect(try await h.count(.bybit, path: "/nl/v5/account/wallet-balance") == 1)
            #expect(try await h.count(.bybit, path: "/nl/v5/asset/asset-overview") == 0)
        }
    }

    /// A key used on another entity's host is unknown there (10003): the message names the host asked and says
    /// keys belong to one entity.
    @Test func wrongRegionSaysSo() async throws {
        try await SandboxHarness.run { h in
            let nl = h.account(.bybit, label: "Netherlands")
            let onGlobal = await exchangeError { _ = try await client(h, nl, region: .some(nil)).readBalances() }
            #expect(onGlobal?.code == .invalidCredentials)
            #expect(onGlobal?.detail == "10003")
            #expect(onGlobal?.message.contains("Global (api.bybit.com) does not know this API key") == true)
            #expect(onGlobal?.message.contains("Netherlands") == true)
            #expect(onGlobal?.message.contains("Testnet") == true)
            let global = h.account(.bybit, label: "UTA 2.0")
            let onTurkey = await exchangeError { _ = try await client(h, global, region: "tr").permissions() }
            #expect(onTurkey?.code == .invalidCredentials)
            #expect(onTurkey?.message.contains("Turkey (api.bybit.tr)") == true)
        }
    }

    /// The EEA host answers 10010 to every self-made key (§B.1); a broker-app key works.
    @Test func euHostRefusesOrdinaryKeys() async throws {
        try await SandboxHarness.run { h in
            var eu = h.account(.bybit, label: "UTA 2.0")
            eu.apiKey = "Eu5bYbT8kQ2vZx7mWp"
            eu.region = "eu"
            try await h.update(.bybit, FixtureUpdate(account: eu))
            let error = await exchangeError { _ = try await client(h, eu).readBalances() }
            #expect(error?.code == .ipNotAllowed)
            #expect(error?.message.contains("broker") == true)
            var knobs = eu.bybit ?? FixtureBybit()
            knobs.brokerKey = true
            eu.bybit = knobs
            try await h.update(.bybit, FixtureUpdate(account: eu))
            #expect(try await client(h, eu).readBalances().balances.isEmpty == false)
        }
    }

    /// The signed clock jumps a minute ahead after the offset was measured: the 10002 answer carries the server
    /// time, the client retries once with it, and the time endpoint is not asked again.
    @Test func clockSkewIsRecoveredFromTheErrorBody() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.bybit, label: "UTA 2.0")
            let client = try client(h, account)
            _ = try await client.readBalances()
            #expect(try await h.count(.bybit, path: "/v5/market/time") == 1)
            try await h.update(.bybit, FixtureUpdate(apiKey: account.apiKey, faults: Faults(clockSkewMs: 60_000)))
            let balances = try await client.readBalances().balances
            #expect(!balances.isEmpty)
            #expect(try await h.count(.bybit, path: "/v5/market/time") == 1)
            // One refused call, then the retry: account info is asked twice in the second read.
            #expect(try await h.count(.bybit, path: "/v5/account/info") == 3)
        }
    }

    @Test func serverTimestampIsReadFromTheDocumentedBody() {
        let body = #"{"retCode":10002,"retMsg":"invalid request, please check your server timestamp or recv_window param. req_timestamp[1677853520948],server_timestamp[1677853421570],recv_window[5000]","result":{},"retExtInfo":{},"time":1677853421571}"#
        let result = HTTPResult(status: 200, headers: [:], body: Data(body.utf8), sentAt: Date(), receivedAt: Date())
        #expect(BybitErrors.serverTimestamp(in: result) == 1_677_853_421_570)
        #expect(BybitErrors.classify(result)?.code == .clockSkew)
        // Without the text, the envelope's `time`; a time far out of range is not believed.
        let bare = #"{"retCode":10002,"retMsg":"x","time":1677853421571}"#
        #expect(BybitErrors.serverTimestamp(in: HTTPResult(status: 200, headers: [:], body: Data(bare.utf8),
                                                           sentAt: Date(), receivedAt: Date())) == 1_677_853_421_571)
        let absurd = #"{"retCode":10002,"retMsg":"server_timestamp[99999999999999999]","time":5}"#
        #expect(BybitErrors.serverTimestamp(in: HTTPResult(status: 200, headers: [:], body: Data(absurd.utf8),
                                                           sentAt: Date(), receivedAt: Date())) == nil)
    }

    @Test func keyExpiryIsSurfaced() async throws {
        try await SandboxHarness.run { h in
            let expiring = try await account(h) { $0.deadlineDay = 30 }
            let permissions = try await client(h, expiring).permissions()
            let expiresAt = try #require(permissions.expiresAt)
            #expect(abs(expiresAt.timeIntervalSinceNow - 30 * 86_400) < 120)
            #expect(permissions.isKnownReadOnly)

            let bound = try await account(h) { $0.deadlineDay = -2 }
            #expect(try await client(h, bound).permissions().expiresAt == nil)

            let expired = try await account(h) { $0.expired = true }
            let error = await exchangeError { _ = try await client(h, expired).readBalances() }
            #expect(error?.code == .invalidCredentials)
            #expect(error?.detail == "33004")
            #expect(error?.message.contains("expired") == true)
        }
    }

    /// `readOnly` decides trading (the scopes are filled in even on a read-only key); `Withdraw` decides
    /// withdrawal.
    @Test func permissionsFollowReadOnlyAndWithdraw() async throws {
        try await SandboxHarness.run { h in
            let readWrite = try await account(h) { $0.readOnly = 0 }
            let rw = try await client(h, readWrite).permissions()
            #expect(rw.canTrade == true)
            #expect(rw.canWithdraw == false)
            let withdraw = try await account(h) { $0.readOnly = 1; $0.withdrawScope = true }
            let w = try await client(h, withdraw).permissions()
            #expect(w.canTrade == false)
            #expect(w.canWithdraw == true)
            #expect(!w.isKnownReadOnly)
        }
    }

    @Test func missingEarnScopeLeavesEarnUnread() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h) { $0.earnScopeMissing = true }
            let read = try await client(h, account).readBalances()
            #expect(read.unreadWallets.map(\.wallet) == ["earn-flexible", "earn-onchain"])
            #expect(read.unreadWallets.allSatisfy { $0.message.contains("Earn read permission") })
            #expect(read.unreadWallets.allSatisfy { $0.reason == "permission_denied" })
            #expect(read.balances[asset: "USDT"]?.total == "1050")
        }
    }

    @Test func refusedFundingIsUnread() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h) { $0.fundPermissionDenied = true }
            let read = try await client(h, account).readBalances()
            #expect(read.unreadWallets.map(\.wallet) == ["funding"])
            #expect(read.balances[asset: "USDC"] == nil)
        }
    }

    /// A refused unified wallet is not a wallet left out: the whole read fails.
    @Test func refusedUnifiedFailsTheRead() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.bybit, label: "UTA 2.0")
            try await h.update(.bybit, FixtureUpdate(apiKey: account.apiKey, faults: Faults(noReadPermission: true)))
            #expect(await exchangeError { _ = try await client(h, account).readBalances() }?.code == .permissionDenied)
        }
    }

    /// LST-mode On-chain positions are not counted (§B.2 decision); ordinary ones are.
    @Test func lstPositionIsNotCounted() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, balances: [
                FixtureBalance(asset: "ETH", free: "2", wallet: "earn-onchain"),
                FixtureBalance(asset: "SOL", free: "10", wallet: "earn-onchain"),
                FixtureBalance(asset: "BBSOL", free: "9.5", wallet: "funding"),
            ]) { $0.swapCoins = ["SOL": "BBSOL"] }
            let read = try await client(h, account).readBalances()
            #expect(read.balances.map(\.asset) == ["BBSOL", "ETH"])
            #expect(read.balances[asset: "ETH"]?.wallets.map(\.wallet) == ["earn-onchain"])
            #expect(read.notes.contains { $0.contains("LST") && $0.contains("SOL") })
        }
    }

    @Test func usIPIsRegionRestrictedEverywhere() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h) { $0.usIP = true }
            let error = await exchangeError { _ = try await client(h, account).readBalances() }
            #expect(error?.code == .regionRestricted)
            #expect(error?.message.contains("United States") == true)
            try await h.update(.bybit, FixtureUpdate(exchangeFaults: Faults(regionBlock: "403")))
            #expect(await exchangeError { _ = try await client(h, account).serverTime() }?.code == .regionRestricted)
        }
    }

    @Test func ipRateLimit403IsRateLimitedForTenMinutes() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h) { $0.ipRateLimited = true }
            let error = await exchangeError { _ = try await client(h, account).readBalances() }
            #expect(error?.code == .rateLimited)
            #expect(error?.retryAfter == 600)
        }
    }

    @Test func wrongSecretIsInvalidSignatureWithoutEchoingTheSignedString() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.bybit, label: "UTA 2.0")
            let error = await exchangeError {
                _ = try await client(h, account, apiSecret: String(account.apiSecret.reversed())).readBalances()
            }
            #expect(error?.code == .invalidSignature)
            #expect(error?.detail == "10004")
            #expect(error?.description.contains("origin_string") == false)
            #expect(error?.description.contains(account.apiKey) == false)
        }
    }

    @Test func serverTimeReadsTheTimeEndpoint() async throws {
        try await SandboxHarness.run { h in
            let time = try await client(h, h.account(.bybit)).serverTime()
            #expect(abs(time.timeIntervalSinceNow) < 5)
        }
    }
}
