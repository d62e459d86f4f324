import Testing
@testable import Exchanges

/// The asset table and exact decimal arithmetic.
struct NormalizationTests {
    @Test(arguments: [
        ("XXBT", "BTC", nil), ("XBT", "BTC", nil), ("XBT.M", "BTC", "rewards"), ("XXDG", "DOGE", nil),
        ("XDG", "DOGE", nil), ("ZUSD", "USD", nil), ("USD.HOLD", "USD", "hold"), ("DOT.S", "DOT", "staked"),
        ("DOT.P", "DOT", "parachain"), ("ADA.F", "ADA", "auto-earn"), ("USDC.B", "USDC", "yield"),
        ("ETH2.S", "ETH", "staked"), ("ETH2", "ETH", "staked"), ("XETH", "ETH", nil),
        ("XTZ", "XTZ", nil), ("ZRX", "ZRX", nil), ("XCN", "XCN", nil), ("USDT", "USDT", nil), ("AAPLX.T", "AAPLX", "tokenized"),
    ] as [(String, String, String?)])
    func kraken(raw: String, asset: String, wallet: String?) {
        let normalized = AssetNormalizer.normalize(raw, on: .kraken)
        #expect(normalized.asset == asset)
        #expect(normalized.wallet == wallet)
    }

    @Test(arguments: [
        ("LDUSDT", "USDT", "simple-earn"), ("LDBNB", "BNB", "simple-earn"), ("LDO", "LDO", nil),
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
