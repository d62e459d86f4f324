import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// Hostile exchange input (issue 11, item 2): every kind is a thrown `bad_response` or a safe fallback, never a
/// trap. Each case here trapped, or was silently accepted, before the fix.
struct HostileInputTests {
    private static let million = String(repeating: "1", count: 1_000_000)

    @Test(arguments: [
        // Exponents far out of range, including ones whose magnitude overflows Int (abs(Int.min) trapped).
        ("1E-400", nil), ("1e400", nil), ("1e-9223372036854775808", nil), ("1e9223372036854775807", nil),
        ("1e-65", nil), ("1e64", nil), ("1e-64", "0." + String(repeating: "0", count: 63) + "1"),
        ("1e63", "1" + String(repeating: "0", count: 63)), ("0e99999", "0"), ("1e123456", nil),
        ("0." + String(repeating: "0", count: 64) + "1", nil), (String(repeating: "9", count: 65), nil),
        // Not numbers at all.
        ("NaN", nil), ("nan", nil), ("Infinity", nil), ("-Infinity", nil), ("inf", nil), ("0x10", nil),
        ("1e", nil), ("1e+", nil), ("1e-", nil), ("e5", nil), (".", nil), ("-", nil), ("+", nil), ("", nil),
        (" 1", nil), ("1 ", nil), ("\t1", nil), ("1\n", nil), ("1_000", nil), ("1,5", nil), ("١", nil), ("--1", nil),
        // Accepted spellings, canonicalized.
        ("-0", "0"), ("+1", "1"), ("+0.5", "0.5"), ("1.5e+2", "150"), ("5.", "5"), ("1E-8", "0.00000001"),
        (String(repeating: "0", count: 200) + "1", "1"), ("1." + String(repeating: "0", count: 200), "1"),
    ] as [(String, String?)])
    func decimalText(input: String, canonical: String?) {
        #expect(DecimalString.canonical(input) == canonical)
    }

    @Test func millionDigitNumbersAreRefused() {
        #expect(DecimalString.canonical(Self.million) == nil)
        #expect(DecimalString.canonical("0." + Self.million) == nil)
        #expect(DecimalString.add(Self.million, "1") == nil)
    }

    @Test func everyCanonicalTextReadsBack() {
        // The old parser printed 400 fraction digits for "1E-400" and then refused to read them back, which the
        // aggregator's force-unwrap turned into a trap.
        let largest = String(repeating: "9", count: DecimalString.maxIntegerDigits)
        let smallest = "0." + String(repeating: "0", count: DecimalString.maxFractionDigits - 1) + "1"
        for text in [largest, smallest, "-" + largest, "-" + smallest] {
            let canonical = DecimalString.canonical(text)
            #expect(canonical == text)
            #expect(canonical.flatMap(DecimalString.canonical) == canonical)
        }
        // Sums that leave the range are nil, not a text that cannot be read back.
        #expect(DecimalString.add(largest, "1") == nil)
        #expect(DecimalString.sum([largest, largest]) == nil)
        #expect(DecimalString.subtract("-" + largest, "1") == nil)
    }

    @Test(arguments: [
        [RawBalance(wallet: "trade", asset: "BTC", free: "1E-400", locked: "0")],
        [RawBalance(wallet: "trade", asset: "BTC", free: "1", locked: "NaN")],
        [RawBalance(wallet: "trade", asset: "BTC", free: million, locked: "0")],
        // Each row in range, their sum not.
        [RawBalance(wallet: "main", asset: "BTC", free: String(repeating: "9", count: 64), locked: "0"),
         RawBalance(wallet: "trade", asset: "BTC", free: String(repeating: "9", count: 64), locked: "0")],
    ])
    func aggregationRefusesOutOfRangeAmounts(rows: [RawBalance]) throws {
        let error = try #require(throws: ExchangeError.self) { try BalanceAggregator.aggregate(rows, exchange: .kucoin) }
        #expect(error.code == .badResponse)
    }

    /// The issue's input, end to end: a KuCoin `balance` (and `available`) of "1E-400" trapped the process.
    @Test(arguments: [
        FixtureBalance(asset: "BTC", free: "1E-400", wallet: "trade"),
        FixtureBalance(asset: "BTC", free: "Infinity", wallet: "main"),
        FixtureBalance(asset: "BTC", free: "0x10", wallet: "main"),
        FixtureBalance(asset: "BTC", free: "1", locked: "1e99999", wallet: "main"),
    ])
    func kucoinHostileAmountIsBadResponse(row: FixtureBalance) async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.kucoin)
            try await h.update(.kucoin, FixtureUpdate(apiKey: account.apiKey, balances: [row]))
            let error = await exchangeError { _ = try await h.client(account).fetchBalances() }
            #expect(error?.code == .badResponse)
        }
    }

    /// The same kind on paths the issue did not list: a KuCoin unified account's balance or liability, and a
    /// classic cross-margin liability, far out of range.
    @Test(arguments: [
        ("UNIFIED", FixtureBalance(asset: "USDT", free: "100", wallet: "unified", liability: "1E-400")),
        ("UNIFIED", FixtureBalance(asset: "USDT", free: "1e99999", wallet: "unified")),
        ("CLASSIC", FixtureBalance(asset: "USDT", free: "25", wallet: "margin", liability: "1E400")),
    ])
    func kucoinHostileUnifiedAndMarginAmountsAreBadResponse(mode: String, row: FixtureBalance) async throws {
        try await SandboxHarness.run { h in
            var account = h.account(.kucoin)
            account.accountMode = mode
            account.balances = [row]
            try await h.update(.kucoin, FixtureUpdate(account: account))
            let error = await exchangeError { _ = try await h.client(account).fetchBalances() }
            #expect(error?.code == .badResponse)
        }
    }

    /// Coinbase Exchange: when `balance − hold` cannot be computed the answer is refused (the client no longer
    /// falls back to `available`, which would hide an unreadable `balance`).
    @Test func coinbaseExchangeHostileBalanceIsBadResponse() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.coinbaseexchange)
            try await h.update(.coinbaseexchange, FixtureUpdate(apiKey: account.apiKey, balances: [
                FixtureBalance(asset: "BTC", free: "1", locked: "1E-400"),
            ]))
            let error = await exchangeError { _ = try await h.client(account).fetchBalances() }
            #expect(error?.code == .badResponse)
        }
    }

    @Test(arguments: [
        // JSON numbers rather than strings: in range they are read exactly, past Decimal's range or precision
        // they are refused rather than rounded.
        (#"{"v":1700000000000}"#, "1700000000000"), (#"{"v":-0}"#, "0"), (#"{"v":1.5e-8}"#, "0.000000015"),
        (#"{"v":1E-400}"#, nil), (#"{"v":1e400}"#, nil),
        (#"{"v":123456789012345678901234567890123456789012345}"#, nil),
        (#"{"v":"123456789012345678901234567890123456789012345"}"#, "123456789012345678901234567890123456789012345"),
    ] as [(String, String?)])
    func amountsAsJSONNumbers(body: String, text: String?) throws {
        struct Row: Decodable { let v: AmountText }
        let result = HTTPResult(status: 200, headers: [:], body: Data(body.utf8), sentAt: Date(), receivedAt: Date())
        let decoded = try? ResponseSupport.decode(Row.self, from: result, exchange: .binance)
        #expect(decoded.flatMap { DecimalString.canonical($0.v.text) } == text)
    }

    @Test(arguments: [
        (#"{"v":1700000000000}"#, 1_700_000_000_000), (#"{"v":"1700000000000"}"#, 1_700_000_000_000),
        (#"{"v":1.7e12}"#, 1_700_000_000_000), (#"{"v":"1.7e12"}"#, 1_700_000_000_000), (#"{"v":12.9}"#, 12),
        (#"{"v":9223372036854775807}"#, Int64.max), (#"{"v":-9223372036854775808}"#, Int64.min),
        (#"{"v":1e300}"#, nil), (#"{"v":-1e300}"#, nil), (#"{"v":9223372036854775808}"#, nil),
        (#"{"v":"1e19"}"#, nil), (#"{"v":"NaN"}"#, nil), (#"{"v":"Infinity"}"#, nil), (#"{"v":"-inf"}"#, nil),
        (#"{"v":"0x10"}"#, nil), (#"{"v":" 5"}"#, nil), (#"{"v":""}"#, nil), (#"{"v":true}"#, nil),
    ] as [(String, Int64?)])
    func integersNeverTrap(body: String, value: Int64?) {
        struct Row: Decodable { let v: LenientInt64 }
        #expect((try? JSONDecoder().decode(Row.self, from: Data(body.utf8)))?.v.value == value)
    }

    @Test(arguments: [
        ("3", 3), (" 7 ", 7), ("0", 0), ("-5", 0), ("1.5", 2), ("86400", 86_400), ("86401", 86_400),
        ("99999999999999999999", 86_400), ("1e308", nil), ("inf", nil), ("Infinity", nil), ("nan", nil),
        ("0x10", nil), ("Wed, 21 Oct 2015 07:28:00 GMT", nil), ("", nil),
        (String(repeating: "9", count: 400), 86_400), ("9" + String(repeating: "9", count: 400) + ".5", 86_400),
    ] as [(String, Int?)])
    func retryAfterIsClamped(header: String, seconds: Int?) {
        let result = HTTPResult(status: 429, headers: ["retry-after": header], body: Data(), sentAt: Date(),
                                receivedAt: Date())
        #expect(ResponseSupport.retryAfter(result) == seconds)
    }

    @Test(arguments: ["1e308", "-1e308", "nan", "inf", "99999999999999999999"])
    func krakenThrottleTimestampIsClamped(until: String) {
        let body = Data(#"{"error":["EService: Throttled: \#(until)"]}"#.utf8)
        let result = HTTPResult(status: 200, headers: [:], body: body, sentAt: Date(), receivedAt: Date())
        let error = KrakenErrors.classify(result)
        #expect(error?.code == .rateLimited)
        #expect((1...ResponseSupport.maxRetryAfterSeconds).contains(error?.retryAfter ?? 0))
    }

    @Test func serverTimesOutOfRangeAreBadResponses() {
        for ms in [Int64.min, -1, 0, ServerClock.earliestServerTimeMs - 1, ServerClock.latestServerTimeMs + 1, .max] {
            #expect(throws: ExchangeError.self) { try ServerClock.checkedServerTimeMs(ms, exchange: .binance) }
        }
        for seconds in [Int64.min, Int64.max, Int64.max / 1000 + 1, -1] {
            #expect(throws: ExchangeError.self) { try ServerClock.checkedServerTimeMs(seconds: seconds, exchange: .kraken) }
        }
        for seconds in [Double.nan, .infinity, -.infinity, 1e300, -1e300, 9.3e15] {
            #expect(throws: ExchangeError.self) {
                try ServerClock.checkedServerTimeMs(fractionalSeconds: seconds, exchange: .coinbaseexchange)
            }
        }
        #expect((try? ServerClock.checkedServerTimeMs(seconds: 1_700_000_000, exchange: .kraken)) == 1_700_000_000_000)
        #expect((try? ServerClock.checkedServerTimeMs(fractionalSeconds: 1_700_000_000.1234, exchange: .kraken))
            == 1_700_000_000_123)
    }

    /// Every exchange's public time answer, skewed by ±317,000 years through the sandbox's clock knob.
    @Test(arguments: ExchangeID.allCases)
    func serverTimeFarOffIsBadResponse(exchange: ExchangeID) async throws {
        for skew: Int64 in [10_000_000_000_000_000, -10_000_000_000_000_000] {
            try await SandboxHarness.run { h in
                try await h.update(exchange, FixtureUpdate(exchangeFaults: Faults(clockSkewMs: skew)))
                let error = await exchangeError { _ = try await h.client(h.account(exchange)).serverTime() }
                #expect(error?.code == .badResponse)
            }
        }
    }

    @Test func overlongNumberScanIgnoresStrings() {
        let long = String(repeating: "1", count: 31)
        #expect(ResponseSupport.hasOverlongNumber(Data(#"{"a":\#(long)}"#.utf8)))
        #expect(ResponseSupport.hasOverlongNumber(Data(#"[0.\#(long)]"#.utf8)))
        #expect(!ResponseSupport.hasOverlongNumber(Data(#"{"a":"\#(long)"}"#.utf8)))
        #expect(!ResponseSupport.hasOverlongNumber(Data(#"{"a":"\"\#(long)"}"#.utf8)))
        #expect(!ResponseSupport.hasOverlongNumber(Data(#"{"a":1e-8,"b":[1,2,3]}"#.utf8)))
    }
}
