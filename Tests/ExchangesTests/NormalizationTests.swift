import Foundation
import Testing
@testable import Exchanges

/// The asset table and exact decimal arithmetic.
struct NormalizationTests {
    @Test(arguments: [
        ("XXBT", "BTC", nil), ("XBT", "BTC", nil), ("XBT.M", "BTC", "rewards"), ("XXDG", "DOGE", nil),
        ("XDG", "DOGE", nil), ("ZUSD", "USD", nil), ("USD.HOLD", "USD", "hold"), ("DOT.S", "DOT", "staked"),
        ("DOT.P", "DOT", "bonded"), ("ADA.F", "ADA", "auto-earn"), ("USDC.B", "USDC", "earn"),
        ("ETH2.S", "ETH", "staked"), ("ETH2", "ETH", "staked"), ("XETH", "ETH", nil),
        ("XTZ", "XTZ", nil), ("ZRX", "ZRX", nil), ("XCN", "XCN", nil), ("USDT", "USDT", nil),
        ("AAPLx.T", "AAPLX.T", "tokenized"), ("XXBT.F", "BTC", "auto-earn"),
    ] as [(String, String, String?)])
    func kraken(raw: String, asset: String, wallet: String?) {
        let normalized = AssetNormalizer.normalize(raw, on: .kraken)
        #expect(normalized.asset == asset)
        #expect(normalized.wallet == wallet)
    }

    /// Kraken's asset list as the sandbox serves it (ids and altnames), for the lock-up rule of §8.1.
    static let krakenKnown: Set<String> = [
        "XXBT", "XBT", "XETH", "ETH", "ZUSD", "USD", "DOT", "SOL", "ATOM", "KSM", "GRT", "KAVA", "FLOW", "API3",
        "1INCH", "ETH2", "KFEE", "FEE", "DOT.S", "DOT28.S",
    ]

    @Test(arguments: [
        // The issue's lock-up ids, and the other observed variants (§8.1): digits or one letter before `.S`.
        ("DOT28.S", "DOT", "staked"), ("SOL03.S", "SOL", "staked"), ("ATOM21.S", "ATOM", "staked"),
        ("KSM07.S", "KSM", "staked"), ("GRT28.S", "GRT", "staked"), ("KAVA21.S", "KAVA", "staked"),
        ("FLOW14.S", "FLOW", "staked"), ("FLOWH.S", "FLOW", "staked"), ("dot28.s", "DOT", "staked"),
        // Tickers that end in digits stay whole, plain or suffixed; plain ids are never stripped.
        ("API3", "API3", nil), ("API3.S", "API3", "staked"), ("1INCH", "1INCH", nil), ("1INCH.M", "1INCH", "rewards"),
        ("ETH2.S", "ETH", "staked"), ("DOT28", "DOT28", nil),
        // Every suffix of the table, on a plain stem and on a renamed one.
        ("DOT.S", "DOT", "staked"), ("XBT.M", "BTC", "rewards"), ("DOT.P", "DOT", "bonded"), ("SOL.B", "SOL", "earn"),
        ("XBT.F", "BTC", "auto-earn"), ("XXBT.F", "BTC", "auto-earn"), ("USD.HOLD", "USD", "hold"),
        // Tokenized assets stay their own assets, whatever their stem looks like.
        ("AAPLx.T", "AAPLX.T", "tokenized"), ("DOT.T", "DOT.T", "tokenized"),
        // Unknown even after stripping: the id is kept whole rather than folded into a guess.
        ("FOO9.S", "FOO9.S", "staked"), ("28.S", "28.S", "staked"), (".S", ".S", nil), ("DOT.X", "DOT.X", nil),
        ("A.B.S", "A.B.S", "staked"),
    ] as [(String, String, String?)])
    func krakenWithAssetList(raw: String, asset: String, wallet: String?) {
        #expect(KrakenAssetID.resolve(raw, isKnown: Self.krakenKnown.contains) == .holding(asset: asset, wallet: wallet))
    }

    @Test(arguments: ["KFEE", "FEE", "kfee", "KFEE.S"])
    func krakenFeeCreditsAreNotHoldings(raw: String) {
        #expect(KrakenAssetID.resolve(raw, isKnown: Self.krakenKnown.contains) == .notAHolding)
        #expect(AssetNormalizer.normalize(raw, on: .kraken).isHolding == false)
    }

    @Test func krakenAssetListIsAskedOnlyWhenAStemIsUnsettled() {
        #expect(KrakenAssetID.needsCatalog("DOT28.S", locallyKnown: ["DOT"]) == false)
        #expect(KrakenAssetID.needsCatalog("DOT28.S", locallyKnown: []) == true)
        #expect(KrakenAssetID.needsCatalog("XBT.M", locallyKnown: []) == false)
        #expect(KrakenAssetID.needsCatalog("ETH2.S", locallyKnown: []) == false)
        #expect(KrakenAssetID.needsCatalog("AAPLx.T", locallyKnown: []) == false)
        #expect(KrakenAssetID.needsCatalog("KFEE", locallyKnown: []) == false)
        #expect(KrakenAssetID.needsCatalog("API3", locallyKnown: []) == false)
    }

    @Test func krakenEarnAllocationsAddOnlyTheirExcess() throws {
        func row(_ raw: String, _ amount: String) -> RawBalance {
            RawBalance(wallet: "spot", asset: raw, free: amount, locked: "0",
                       normalized: AssetNormalizer.normalize(raw, on: .kraken))
        }
        func item(_ strategy: String, _ asset: String, _ amount: String) throws -> KrakenEarn.Envelope.Item {
            try JSONDecoder().decode(KrakenEarn.Envelope.Item.self, from: Data(#"""
                {"strategy_id":"\#(strategy)","native_asset":"\#(asset)",
                 "amount_allocated":{"total":{"native":"\#(amount)","converted":"0"}}}
                """#.utf8))
        }
        let strategies = try JSONDecoder().decode([KrakenEarn.StrategiesEnvelope.Strategy].self, from: Data(#"""
            [{"id":"btc-bonded","lock_type":{"type":"bonded"}},{"id":"eth-instant","lock_type":{"type":"instant"}},
             {"id":"usd-instant","lock_type":{"type":"instant"}},{"id":"sol-flex","lock_type":{"type":"flex"}},
             {"id":"fee","lock_type":{"type":"instant"}}]
            """#.utf8))
        let counted = KrakenEarn.countedStrategies(strategies)
        #expect(counted == ["btc-bonded", "eth-instant", "usd-instant", "fee"])
        // Spot and `.HOLD` rows are not earn: the allocation of BTC is compared with XBT.M only. Flex allocations
        // (earning on the spot balance) and allocations to unlisted strategies are never added.
        let rows = [row("XXBT", "5"), row("XBT.M", "0.25"), row("USD.HOLD", "9"), row("ETH2.S", "1"), row("SOL", "4")]
        let result = try KrakenEarn.reconcile(rows, allocations: [
            try item("btc-bonded", "XBT", "0.75"), try item("eth-instant", "ETH", "0.5"),
            try item("usd-instant", "USD", "3"), try item("fee", "KFEE", "100"), try item("sol-flex", "SOL", "4"),
            try item("unlisted", "DOT", "9"),
        ], counted: counted)
        let added = result.dropFirst(rows.count)
        #expect(added.map(\.asset) == ["XBT", "USD"])
        #expect(added.map(\.locked) == ["0.5", "3"])
        #expect(added.allSatisfy { $0.normalized?.wallet == "earn-allocations" })
        #expect(throws: ExchangeError.self) {
            try KrakenEarn.reconcile(rows, allocations: [try item("eth-instant", "ETH", "1E-400")], counted: counted)
        }
    }

    @Test func krakenFeeCreditsAreLeftOutOfBalances() throws {
        let balances = try BalanceAggregator.aggregate([
            RawBalance(wallet: "spot", asset: "KFEE", free: "1000", locked: "0"),
            RawBalance(wallet: "spot", asset: "XXBT", free: "1", locked: "0"),
        ], exchange: .kraken)
        #expect(balances.map(\.asset) == ["BTC"])
    }

    @Test(arguments: [
        ("LDUSDT", "USDT", "earn-flexible"), ("LDBNB", "BNB", "earn-flexible"), ("LDO", "LDO", nil),
        ("BTC", "BTC", nil), ("XTZ", "XTZ", nil),
    ] as [(String, String, String?)])
    func binance(raw: String, asset: String, wallet: String?) {
        let normalized = AssetNormalizer.normalize(raw, on: .binance)
        #expect(normalized.asset == asset)
        #expect(normalized.wallet == wallet)
    }

    @Test func otherExchangesKeepTheirCodes() {
        #expect(AssetNormalizer.normalize("XXBT", on: .kucoin).asset == "XXBT")
        #expect(AssetNormalizer.normalize("LDUSDT", on: .coinbase).asset == "LDUSDT")
    }

    @Test(arguments: [
        ("0.1", "0.2", "0.3"), ("1.10", "2.9000", "4"), ("0", "0", "0"), ("-1.5", "1.5", "0"),
        ("1e-8", "0", "0.00000001"), ("123456789012345678901234567890.1", "0.9", "123456789012345678901234567891"),
        ("0.00000001", "-0.00000002", "-0.00000001"), ("1.5E2", "0.5", "150.5"), (".5", "0.25", "0.75"),
    ])
    func addition(a: String, b: String, sum: String) {
        #expect(DecimalString.add(a, b) == sum)
    }

    @Test func rejectsNonNumbersAndCanonicalizes() {
        #expect(DecimalString.canonical("abc") == nil)
        #expect(DecimalString.canonical("1.2.3") == nil)
        #expect(DecimalString.canonical("") == nil)
        #expect(DecimalString.canonical("1e999999") == nil)
        #expect(DecimalString.canonical("000.500") == "0.5")
        #expect(DecimalString.canonical("-0.000") == "0")
        #expect(DecimalString.subtract("1.2345", "0.1") == "1.1345")
        #expect(DecimalString.sum(["0.1", "0.1", "0.1"]) == "0.3")
    }

    @Test func aggregationSumsFoldsAndDropsZeros() throws {
        let balances = try BalanceAggregator.aggregate([
            RawBalance(wallet: "spot", asset: "XXBT", free: "1", locked: "0.5"),
            RawBalance(wallet: "spot", asset: "XBT.S", free: "0.25", locked: "0"),
            RawBalance(wallet: "spot", asset: "ZEUR", free: "0", locked: "0"),
        ], exchange: .kraken)
        #expect(balances.count == 1)
        #expect(balances[0].total == "1.75")
        #expect(balances[0].wallets.map(\.wallet) == ["spot", "staked"])
        #expect(throws: ExchangeError.self) {
            try BalanceAggregator.aggregate([RawBalance(wallet: "spot", asset: "BTC", free: "NaN", locked: "0")],
                                            exchange: .binance)
        }
    }

    @Test func configurationFromEnvironment() throws {
        let configuration = try ExchangeConfiguration.fromEnvironment(["HOLDFAST_KRAKEN_BASE_URL": "http://127.0.0.1:9/"])
        #expect(configuration.baseURL(for: .kraken).absoluteString == "http://127.0.0.1:9")
        #expect(configuration.baseURL(for: .binance).absoluteString == "https://api.binance.com")
        #expect(throws: ExchangeConfigurationError.self) {
            try ExchangeConfiguration.fromEnvironment(["HOLDFAST_KUCOIN_BASE_URL": "file:///etc/passwd"])
        }
    }
}
