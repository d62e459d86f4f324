import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// Binance beyond the spot wallet (exchanges.md §7.1–§7.4) against the sandbox: funding, Simple Earn flexible and
/// locked, BFUSD/RWUSD, the `LD…` double-count rule, wallets the key may not read, and reads that fail.
struct BinanceWalletTests {
    /// A one-account fixture with the demo read-only key, `spot` rows and `wallets`.
    static func fixture(_ spot: [FixtureBalance], _ wallets: FixtureBinanceWallets) -> Fixture {
        let demo = Fixture.demo.accounts.first { $0.exchange == .binance && ($0.label ?? "").contains("read-only") }
        var account = FixtureAccount(exchange: .binance, label: "wallets", apiKey: demo?.apiKey ?? "",
                                     apiSecret: demo?.apiSecret ?? "", canTrade: false, canWithdraw: false,
                                     balances: spot)
        account.binanceWallets = wallets
        return Fixture(accounts: [account])
    }

    /// Reads the fixture's only account.
    static func read(_ fixture: Fixture) async throws -> AccountBalances {
        try await SandboxHarness.run(fixture: fixture) { h in
            try await h.client(h.account(.binance)).readBalances()
        }
    }

    static let spot = [
        FixtureBalance(asset: "BTC", free: "1", locked: "0.1"), FixtureBalance(asset: "USDT", free: "10"),
        FixtureBalance(asset: "LDUSDT", free: "5"), FixtureBalance(asset: "LDO", free: "42"),
    ]

    @Test func totalsAreSummedExactlyAcrossEveryWallet() async throws {
        let read = try await Self.read(Self.fixture(Self.spot, FixtureBinanceWallets(
            funding: [FixtureFundingAsset(asset: "BTC", free: "0.5", locked: "0.1", freeze: "0.2", withdrawing: "0.3"),
                      FixtureFundingAsset(asset: "USDT", free: "2")],
            flexible: [FixtureEarnPosition(asset: "USDT", amount: "5")],
            locked: [FixtureEarnPosition(asset: "ETH", amount: "1.25"), FixtureEarnPosition(asset: "BTC", amount: "0.05")],
            bfusd: "3", rwusd: "0")))
        let balances = read.balances
        #expect(balances.map(\.asset) == ["BFUSD", "BTC", "ETH", "LDO", "USDT"])
        // BTC: spot 1 + 0.1, funding 0.5 free + (0.1 locked + 0.2 freeze), locked earn 0.05; withdrawing not counted.
        #expect(balances[asset: "BTC"]?.free == "1.5")
        #expect(balances[asset: "BTC"]?.locked == "0.45")
        #expect(balances[asset: "BTC"]?.total == "1.95")
        #expect(balances[asset: "BTC"]?.wallets.map(\.wallet) == ["spot", "funding", "earn-locked"])
        // USDT: spot 10 + funding 2 + flexible 5; the LDUSDT 5 mirror of the flexible position is not added.
        #expect(balances[asset: "USDT"]?.total == "17")
        #expect(balances[asset: "USDT"]?.free == "12")
        #expect(balances[asset: "USDT"]?.wallets.map(\.wallet) == ["spot", "funding", "earn-flexible"])
        #expect(balances[asset: "ETH"]?.locked == "1.25")
        #expect(balances[asset: "BFUSD"]?.wallets.map(\.wallet) == ["bfusd"])
        #expect(balances[asset: "BFUSD"]?.total == "3")
        #expect(read.unreadWallets.isEmpty)
        #expect(read.notes == ["funding BTC: 0.3 withdrawing, not counted"])
    }

    @Test func ldRowsAreNotCountedTwiceAndLDOStaysLDO() async throws {
        let read = try await Self.read(Self.fixture(Self.spot, FixtureBinanceWallets(
            flexible: [FixtureEarnPosition(asset: "USDT", amount: "5")])))
        #expect(read.balances[asset: "USDT"]?.total == "15")
        #expect(read.balances[asset: "USDT"]?.wallets.map(\.rawAsset) == ["USDT", "USDT"])
        #expect(read.balances[asset: "LDO"]?.total == "42")
        #expect(read.balances[asset: "LDO"]?.wallets.map(\.wallet) == ["spot"])
        #expect(read.notes.isEmpty)
    }

    @Test func ldRowsDisagreeingWithFlexibleAreNotedNotAdded() async throws {
        let read = try await Self.read(Self.fixture(
            Self.spot + [FixtureBalance(asset: "LDBNB", free: "1")],
            FixtureBinanceWallets(flexible: [FixtureEarnPosition(asset: "USDT", amount: "7")])))
        #expect(read.balances[asset: "USDT"]?.total == "17")
        // LDBNB has no flexible position: Simple Earn is the source once it was read (§7.3); the gap is noted.
        #expect(read.balances[asset: "BNB"] == nil)
        #expect(read.notes == [
            "BNB: LD rows in spot sum to 1, Simple Earn flexible to 0; counted 0",
            "USDT: LD rows in spot sum to 5, Simple Earn flexible to 7; counted 7",
        ])
    }

    @Test func bfusdAndRwusdReconcileWithSpotInsteadOfAdding() async throws {
        let read = try await Self.read(Self.fixture(
            [FixtureBalance(asset: "BFUSD", free: "2"), FixtureBalance(asset: "RWUSD", free: "5")],
            FixtureBinanceWallets(funding: [FixtureFundingAsset(asset: "BFUSD", free: "0.5")], bfusd: "3", rwusd: "4")))
        // BFUSD: spot 2 + funding 0.5 are part of the product's 3, so only 0.5 more is held.
        #expect(read.balances[asset: "BFUSD"]?.total == "3")
        #expect(read.balances[asset: "BFUSD"]?.wallets.map(\.wallet) == ["spot", "funding", "bfusd"])
        // RWUSD: spot already shows more than the product: nothing added.
        #expect(read.balances[asset: "RWUSD"]?.total == "5")
        #expect(read.notes.count == 2)
    }

    @Test(arguments: ["funding", "earn-locked", "bfusd", "rwusd"])
    func aWalletTheKeyMayNotReadIsListedAndTheReadSucceeds(wallet: String) async throws {
        let read = try await Self.read(Self.fixture(Self.spot, FixtureBinanceWallets(
            funding: [FixtureFundingAsset(asset: "USDT", free: "2")],
            flexible: [FixtureEarnPosition(asset: "USDT", amount: "5")],
            locked: [FixtureEarnPosition(asset: "ETH", amount: "1")], bfusd: "1", rwusd: "1",
            permissionDenied: [wallet])))
        #expect(read.unreadWallets.map(\.wallet) == [wallet])
        #expect(read.unreadWallets.first?.reason == "permission_denied")
        #expect(read.unreadWallets.first?.message.contains("Enable Reading") == true)
        #expect(read.balances[asset: "BTC"]?.total == "1.1")
        let everyWallet = Set(read.balances.flatMap { $0.wallets.map(\.wallet) })
        #expect(everyWallet == Set(["spot", "funding", "earn-flexible", "earn-locked", "bfusd", "rwusd"]).subtracting([wallet]))
    }

    @Test func unreadableFlexibleFallsBackToTheLDRows() async throws {
        let read = try await Self.read(Self.fixture(Self.spot, FixtureBinanceWallets(
            flexible: [FixtureEarnPosition(asset: "USDT", amount: "5")], permissionDenied: ["earn-flexible"])))
        #expect(read.unreadWallets.map(\.wallet) == ["earn-flexible"])
        #expect(read.balances[asset: "USDT"]?.total == "15")
        #expect(read.balances[asset: "USDT"]?.wallets.map(\.wallet) == ["spot", "earn-flexible"])
        #expect(read.balances[asset: "USDT"]?.wallets.map(\.rawAsset) == ["USDT", "LDUSDT"])
        // Counted like a position read from Simple Earn (held, not free), and the message says it is counted.
        #expect(read.balances[asset: "USDT"]?.wallets.last?.locked == "5")
        #expect(read.balances[asset: "USDT"]?.wallets.last?.free == "0")
        #expect(read.unreadWallets.first?.message.contains("counted from the LD") == true)
    }

    @Test(arguments: ["funding", "earn-flexible", "earn-locked", "bfusd", "rwusd"])
    func aWalletThatFailsFailsTheRead(wallet: String) async throws {
        let error = await exchangeError {
            _ = try await Self.read(Self.fixture(Self.spot, FixtureBinanceWallets(serverError: [wallet: 503])))
        }
        #expect(error?.code == .exchangeUnavailable)
    }

    @Test(arguments: [
        FixtureBinanceWallets(funding: [FixtureFundingAsset(asset: "USDT", free: "-2")]),
        FixtureBinanceWallets(funding: [FixtureFundingAsset(asset: "USDT", free: "1", freeze: "1E-400")]),
        FixtureBinanceWallets(flexible: [FixtureEarnPosition(asset: "USDT", amount: "-5")]),
        FixtureBinanceWallets(locked: [FixtureEarnPosition(asset: "ETH", amount: "NaN")]),
        FixtureBinanceWallets(bfusd: "-3"),
        FixtureBinanceWallets(rwusd: "1e999999"),
    ])
    func aHostileWalletAmountIsABadResponse(wallets: FixtureBinanceWallets) async throws {
        let error = await exchangeError { _ = try await Self.read(Self.fixture(Self.spot, wallets)) }
        #expect(error?.code == .badResponse)
    }

    @Test func hundredsOfPositionsArePagedToTheEnd() async throws {
        let positions = (0..<150).map { FixtureEarnPosition(asset: "A\($0)", amount: "1") }
        try await SandboxHarness.run(fixture: Self.fixture([], FixtureBinanceWallets(flexible: positions, locked: positions))) { h in
            let read = try await h.client(h.account(.binance)).readBalances()
            #expect(read.balances.count == 150)
            #expect(read.balances.allSatisfy { $0.total == "2" })
            #expect(try await h.count(.binance, path: "/sapi/v1/simple-earn/flexible/position") == 2)
            #expect(try await h.count(.binance, path: "/sapi/v1/simple-earn/locked/position") == 2)
        }
    }

    @Test(arguments: EarnPagingFault.allCases)
    func pagingThatCannotBeProvenCompleteIsABadResponse(fault: EarnPagingFault) async throws {
        let positions = (0..<150).map { FixtureEarnPosition(asset: "A\($0)", amount: "1") }
        let error = await exchangeError {
            _ = try await Self.read(Self.fixture([], FixtureBinanceWallets(flexible: positions, pagingFault: fault)))
        }
        #expect(error?.code == .badResponse)
    }

    @Test func aSinglePageRepeatedIsStillComplete() async throws {
        // One page holds every position: the repeat knob never gets a second request.
        let read = try await Self.read(Self.fixture([], FixtureBinanceWallets(
            locked: [FixtureEarnPosition(asset: "ETH", amount: "1")], pagingFault: .repeatPage)))
        #expect(read.balances[asset: "ETH"]?.total == "1")
    }
}

/// The paging rule alone (exchanges.md §7.2), on pages as decoded from Binance's JSON.
struct BinanceEarnPagingTests {
    typealias Page = BinanceEarnPaging.Page<BinanceWallets.LockedRow>

    static func page(_ json: String) throws -> Page {
        try JSONDecoder().decode(Page.self, from: Data(json.utf8))
    }

    static func readAll(_ pages: [String]) async throws -> [BinanceWallets.LockedRow] {
        let decoded = try pages.map(page)
        return try await BinanceEarnPaging.readAll(listing: "locked", identity: { $0.positionId?.text }) { current in
            guard current - 1 < decoded.count else { return try page(#"{"rows":[],"total":2}"#) }
            return decoded[current - 1]
        }
    }

    @Test func numbersMayArriveAsStringsOrJSONNumbers() async throws {
        let rows = try await Self.readAll([#"{"rows":[{"asset":"ETH","positionId":7,"amount":1.5}],"total":"2"}"#,
                                           #"{"rows":[{"asset":"SOL","positionId":"8","amount":"2"}],"total":2}"#])
        #expect(rows.map(\.amount.text) == ["1.5", "2"])
        #expect(rows.map { $0.positionId?.text } == ["7", "8"])
    }

    @Test(arguments: [
        [#"{"rows":[]}"#],
        [#"{"total":1}"#],
        [#"{"rows":[],"total":-1}"#],
        [#"{"rows":[],"total":9223372036854775807}"#],
        [#"{"rows":[{"asset":"ETH","positionId":1,"amount":"1"}],"total":0}"#],
        [#"{"rows":[{"asset":"ETH","positionId":1,"amount":"1"}],"total":2}"#,
         #"{"rows":[{"asset":"ETH","positionId":1,"amount":"1"}],"total":2}"#],
        [#"{"rows":[{"asset":"ETH","positionId":1,"amount":"1"}],"total":2}"#,
         #"{"rows":[{"asset":"ETH","positionId":2,"amount":"1"}],"total":3}"#],
        [#"{"rows":[{"asset":"ETH","positionId":1,"amount":"1"}],"total":2}"#, #"{"rows":[],"total":2}"#],
    ])
    func incompleteOrInconsistentListingsAreBadResponses(pages: [String]) async throws {
        let error = await exchangeError { _ = try await Self.readAll(pages) }
        #expect(error?.code == .badResponse)
    }
}
