import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// `BitvavoClient` against the sandbox's `BitvavoSimulator` (exchanges-okx-bybit-bitvavo.md §C).
struct BitvavoClientTests {
    /// The demo account, with its Bitvavo knobs replaced by `knobs` and its spot rows by `balances` when given.
    private func account(_ h: SandboxHarness, knobs: FixtureBitvavo? = nil, balances: [FixtureBalance]? = nil)
        async throws -> FixtureAccount {
        var account = h.account(.bitvavo)
        if let knobs { account.bitvavo = knobs }
        if let balances { account.balances = balances }
        try await h.update(.bitvavo, FixtureUpdate(account: account))
        return account
    }

    /// Spot (`available + inOrder`) and fixed staking summed once each, with one request per endpoint.
    @Test func readsSpotAndStakingOnce() async throws {
        try await SandboxHarness.run { h in
            let read = try await h.client(h.account(.bitvavo)).readBalances()
            #expect(read.unreadWallets.isEmpty)
            let balances = read.balances
            #expect(balances.map(\.asset) == ["BTC", "ETH", "EUR"])
            #expect(balances[asset: "EUR"]?.total == "1250.4")
            let eth = try #require(balances[asset: "ETH"])
            // 0.8 available + 0.5 in order + 0.75 staked: in-order and staked coins are held, not free.
            #expect(eth.total == "2.05" && eth.free == "0.8" && eth.locked == "1.25")
            #expect(eth.wallets == [
                WalletBalance(wallet: "spot", rawAsset: "ETH", free: "0.8", locked: "0.5"),
                WalletBalance(wallet: "staking", rawAsset: "ETH", free: "0", locked: "0.75"),
            ])
            #expect(try await h.count(.bitvavo, path: "/v2/balance") == 1)
            #expect(try await h.count(.bitvavo, path: "/v2/stakingBalance") == 1)
            #expect(try await h.count(.bitvavo, path: "/v2/time") == 1)
        }
    }

    /// §C.7: `MIOTA` is counted as `IOTA`, the wallet row keeps Bitvavo's id.
    @Test func miotaIsFoldedIntoIOTA() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, knobs: FixtureBitvavo(), balances: [FixtureBalance(asset: "MIOTA", free: "120")])
            let balances = try await h.client(account).fetchBalances()
            #expect(balances.map(\.asset) == ["IOTA"])
            #expect(balances[asset: "IOTA"]?.wallets.map(\.rawAsset) == ["MIOTA"])
        }
    }

    /// A key refused on `/stakingBalance` (311) while `/balance` works: the staking wallet is reported unread.
    @Test func refusedStakingIsAnUnreadWallet() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, knobs: FixtureBitvavo(
                staking: [FixtureBitvavoStaking(symbol: "ETH", amount: "0.75")], stakingRefused: true))
            let read = try await h.client(account).readBalances()
            #expect(read.balances[asset: "ETH"]?.total == "1.3")
            #expect(read.unreadWallets.map(\.wallet) == ["staking"])
            #expect(read.unreadWallets.first?.reason == "permission_denied")
        }
    }

    /// Only 311 on the staking call alone makes the wallet unread: any other staking failure (a locked account,
    /// an outage) fails the whole read, so no partial holdings are written.
    @Test(arguments: [(317, ExchangeError.Code.permissionDenied), (101, .exchangeUnavailable), (309, .invalidSignature)])
    func otherStakingFailuresFailTheRead(code: Int, expected: ExchangeError.Code) async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, knobs: FixtureBitvavo(
                staking: [FixtureBitvavoStaking(symbol: "ETH", amount: "0.75")], stakingErrorCode: code))
            let error = await exchangeError { _ = try await h.client(account).readBalances() }
            #expect(error?.code == expected && error?.detail == String(code))
        }
    }

    /// A `/balance` refusal fails the whole read, and so does a locked account.
    @Test func spotRefusalAndLockedAccountFailTheRead() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.bitvavo)
            try await h.update(.bitvavo, FixtureUpdate(apiKey: account.apiKey, faults: Faults(noReadPermission: true)))
            let denied = await exchangeError { _ = try await h.client(account).readBalances() }
            #expect(denied?.code == .permissionDenied && denied?.detail == "311")
            try await h.update(.bitvavo, FixtureUpdate(apiKey: account.apiKey, clearFaults: true))
            let locked = try await self.account(h, knobs: FixtureBitvavo(accountLocked: true))
            let error = await exchangeError { _ = try await h.client(locked).readBalances() }
            #expect(error?.code == .permissionDenied && error?.detail == "317")
            #expect(error?.message.contains("locked") == true)
        }
    }

    @Test func unconfirmedKeyAsksForTheEmail() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, knobs: FixtureBitvavo(unconfirmedKey: true))
            let error = await exchangeError { _ = try await h.client(account).readBalances() }
            #expect(error?.code == .invalidCredentials && error?.detail == "306")
            #expect(error?.message.contains("e-mail") == true)
        }
    }

    /// A key that is not 64 characters (301) and a wrong secret (309).
    @Test func malformedKeyAndWrongSecret() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.bitvavo)
            let short = await exchangeError { _ = try await h.client(account, apiKey: String(account.apiKey.dropLast())).readBalances() }
            #expect(short?.code == .invalidCredentials && short?.detail == "301")
            let wrong = await exchangeError {
                _ = try await h.client(account, apiSecret: String(account.apiSecret.reversed())).readBalances()
            }
            #expect(wrong?.code == .invalidSignature && wrong?.detail == "309")
            #expect(wrong?.message.contains(account.apiSecret) == false)
        }
    }

    /// Bitvavo cannot say what a key may do (§C.4): read is proven, trade and withdraw stay unknown.
    @Test func permissionsAreUnknownNotReadOnly() async throws {
        try await SandboxHarness.run { h in
            let permissions = try await h.client(h.account(.bitvavo)).permissions()
            #expect(permissions == KeyPermissions(canRead: true, canTrade: nil, canWithdraw: nil))
            #expect(!permissions.isKnownReadOnly)
            #expect(try await h.count(.bitvavo, path: "/v2/balance") == 1)
            #expect(ExchangeID.bitvavo.info.canCheckPermissions == false)
            // A key that may not read fails the check instead of reporting anything.
            let account = h.account(.bitvavo)
            try await h.update(.bitvavo, FixtureUpdate(apiKey: account.apiKey, faults: Faults(noReadPermission: true)))
            #expect(await exchangeError { _ = try await h.client(account).permissions() }?.code == .permissionDenied)
        }
    }

    @Test func serverTimeIsBitvavosClock() async throws {
        var fixture = Fixture.demo
        fixture.exchangeFaults = ["bitvavo": Faults(clockSkewMs: 3_600_000)]
        try await SandboxHarness.run(fixture: fixture) { h in
            let time = try await h.client(h.account(.bitvavo)).serverTime()
            #expect(abs(time.timeIntervalSinceNow - 3_600) < 5)
        }
    }

    /// Hostile amounts in either listing are `bad_response`, never a crash and never a partial read.
    @Test(arguments: ["NaN", "1e400", "", "-1", "0x10", "Infinity", "1,5"])
    func hostileAmountsAreBadResponse(amount: String) async throws {
        try await SandboxHarness.run { h in
            let spot = try await account(h, knobs: FixtureBitvavo(), balances: [FixtureBalance(asset: "BTC", free: amount)])
            #expect(await exchangeError { _ = try await h.client(spot).readBalances() }?.code == .badResponse)
            let staked = try await account(h, knobs: FixtureBitvavo(staking: [FixtureBitvavoStaking(symbol: "ETH", amount: amount)]),
                                           balances: [FixtureBalance(asset: "BTC", free: "1")])
            #expect(await exchangeError { _ = try await h.client(staked).readBalances() }?.code == .badResponse)
        }
    }

    /// Rows Bitvavo should never send: a repeated symbol (could count a coin twice), an empty or odd symbol.
    @Test func oddRowsAreRefused() throws {
        func spot(_ json: String) throws -> [RawBalance] {
            try BitvavoWallets.spotRows(JSONDecoder().decode([BitvavoWallets.SpotRow].self, from: Data(json.utf8)))
        }
        let repeated = #"[{"symbol":"BTC","available":"1","inOrder":"0"},{"symbol":"BTC","available":"1","inOrder":"0"}]"#
        #expect(throws: ExchangeError.self) { try spot(repeated) }
        #expect(throws: ExchangeError.self) { try spot(#"[{"symbol":"","available":"1","inOrder":"0"}]"#) }
        #expect(throws: ExchangeError.self) { try spot(#"[{"symbol":"BT C","available":"1","inOrder":"0"}]"#) }
        #expect(throws: (any Error).self) { try spot(#"[{"symbol":"BTC","available":"1"}]"#) }
        #expect(try spot(#"[{"symbol":"BTC","available":0.5,"inOrder":"0"}]"#).first?.free == "0.5")
    }

    /// Past the key's weight (§C.6) the sandbox answers 429 errorCode 110 with the reset time; the client reports
    /// `rate_limited` and its budget then holds the key's next call back instead of sending it.
    @Test func weightLimitIsHonoured() async throws {
        try await SandboxHarness.run { h in
            let account = try await account(h, knobs: FixtureBitvavo(
                staking: [FixtureBitvavoStaking(symbol: "ETH", amount: "0.75")], weightLimit: 10))
            let client = try h.client(account)
            _ = try await client.readBalances()  // 5 + 5: exactly the limit
            let refused = await exchangeError { _ = try await client.readBalances() }
            #expect(refused?.code == .rateLimited && refused?.detail == "110")
            #expect((refused?.retryAfter ?? 0) >= 60)
            let held = await exchangeError { _ = try await client.readBalances() }
            #expect(held?.isLocalBudgetRefusal == true)
            #expect(try await h.count(.bitvavo, path: "/v2/balance") == 2)
        }
    }

    /// Raw requests the client never sends, answered with Bitvavo's codes by the sandbox.
    @Test(arguments: [
        ([String: String](), 300),
        (["Bitvavo-Access-Window": "50"], 303),
        (["Bitvavo-Access-Window": "60001"], 303),
        (["Bitvavo-Access-Timestamp": "1.7e12"], 302),
        (["Bitvavo-Access-Signature": "abc"], 308),
        (["Bitvavo-Access-Timestamp": "1700000000000"], 304),
    ])
    func sandboxRefusesMalformedRequests(override: [String: String], code: Int) async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.bitvavo)
            var request = URLRequest(url: h.sandbox.baseURL(for: .bitvavo).appendingPathComponent("v2/balance"))
            if !override.isEmpty {
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                var headers = BitvavoSigner.headers(apiKey: account.apiKey, secret: account.apiSecret, timestampMs: now,
                                                    method: "GET", path: "/v2/balance")
                headers.merge(override) { $1 }
                for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            #expect((response as! HTTPURLResponse).statusCode == 403)
            let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(body?["errorCode"] as? Int == code)
            #expect((response as! HTTPURLResponse).value(forHTTPHeaderField: "bitvavo-ratelimit-remaining") != nil)
        }
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
