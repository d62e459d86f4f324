import Exchanges
import Foundation

/// The sandbox's public markets and their prices: a fixed list of spot markets per exchange whose prices move
/// over time, so a demo's history shows change, and the same instant always gives the same price (tests can
/// compute what a client must read).
///
/// A price is the market's start price times `1 + drift`, where the drift is a seeded random walk: the sum of
/// one hashed step per time scale (a minute, an hour, a day, a week), each step at most ±0.5 % to ±5 %, plus a
/// small per-exchange offset so one asset is not the same price everywhere. Arithmetic is on integers (a price
/// is never a `Double`), and each price keeps the digits of its start price plus six.
///
/// Assets a fixture account holds that are missing here have no market on that exchange: they value as
/// `unpriced` (in the demo: Kraken's xStock `AAPLx`, `API3`, the `KFEE` fee credits).
public enum MarketPrices {
    /// One simulated market: the exchange's market id and the canonical assets it trades.
    public struct Market: Sendable, Equatable {
        /// The exchange's market id (`BTCUSDT`, `XXBTZUSD`, `BTC-USD`).
        public let id: String
        /// The exchange's own name of the base asset (`XXBT` on Kraken, else the canonical one).
        public let base: String
        /// The exchange's own name of the quote asset.
        public let quote: String
        /// The canonical base asset (what a valuation sees).
        public let canonicalBase: String
        /// The canonical quote asset.
        public let canonicalQuote: String
        /// The price at drift zero, a decimal string.
        public let start: String
    }

    /// Start prices by canonical pair "BASE/QUOTE": near real ones of late 2026, for a demo that looks right.
    static let startPrices: [String: String] = [
        "BTC/USD": "91250.00", "BTC/USDT": "91260.10", "BTC/USDC": "91255.50", "BTC/EUR": "86120.00",
        "BTC/GBP": "72540.00",
        "ETH/USD": "3012.45", "ETH/USDT": "3012.80", "ETH/USDC": "3012.60", "ETH/EUR": "2843.10", "ETH/BTC": "0.03301",
        "SOL/USD": "142.31", "SOL/USDT": "142.35", "SOL/EUR": "134.30",
        "BNB/USDT": "612.40", "BNB/BTC": "0.006711", "LDO/USDT": "1.0123",
        "ADA/USD": "0.4521", "DOT/USD": "4.102", "DOT/USDT": "4.105", "XTZ/USD": "0.6634", "DOGE/USD": "0.15432",
        "ATOM/USD": "4.812", "KCS/USDT": "10.84", "MNT/USDT": "0.7321", "BETH/ETH": "0.9921",
        "USDT/USD": "1.0002", "USDC/USD": "0.9999", "USDC/USDT": "0.9998", "USDT/EUR": "0.9431", "USDC/EUR": "0.9429",
        "EUR/USD": "1.0605", "EUR/USDT": "1.0601", "GBP/USD": "1.2582", "USD/CHF": "0.8843", "USD/JPY": "151.32",
        "USD/CAD": "1.3841", "AUD/USD": "0.6547",
    ]

    /// The markets `exchange` lists, as its ticker names them.
    public static func markets(on exchange: ExchangeID) -> [Market] {
        (listed[exchange] ?? []).map { pair in
            let parts = pair.split(separator: "/").map(String.init)
            let (base, quote) = (parts[0], parts[1])
            let (rawBase, rawQuote) = exchange == .kraken ? (krakenName(base), krakenName(quote)) : (base, quote)
            return Market(id: marketID(rawBase, rawQuote, on: exchange), base: rawBase, quote: rawQuote,
                          canonicalBase: base, canonicalQuote: quote, start: startPrices[pair]!)
        }
    }

    /// The price of `market` on `exchange` at `date` (per minute; the same minute gives the same text).
    public static func price(of market: Market, on exchange: ExchangeID, at date: Date) -> String {
        let minute = Int64((date.timeIntervalSince1970 / 60).rounded(.down))
        let pair = market.canonicalBase + "/" + market.canonicalQuote
        // Drift in millionths: one step per scale, each the hash of (pair, scale, period) mapped to ±bound.
        var drift: Int64 = 0
        for (period, bound) in [(Int64(1), Int64(5_000)), (60, 15_000), (1_440, 30_000), (10_080, 50_000)] {
            drift += step(pair, scale: period, index: minute / period, bound: bound)
        }
        drift += step(pair + "@" + exchange.rawValue, scale: 0, index: 0, bound: 1_000)
        let (digits, scale) = integer(market.start)
        return decimal(digits * (1_000_000 + drift), scale: scale + 6, keep: scale + 6)
    }

    /// Which canonical pairs each exchange lists (a realistic subset: Binance has no USD markets, Kraken has the
    /// fiat crosses, Bitvavo quotes in EUR).
    static let listed: [ExchangeID: [String]] = [
        .binance: ["BTC/USDT", "ETH/USDT", "ETH/BTC", "SOL/USDT", "BNB/USDT", "BNB/BTC", "LDO/USDT", "BTC/USDC",
                   "USDC/USDT", "EUR/USDT", "BTC/EUR", "ETH/EUR"],
        .kraken: ["BTC/USD", "BTC/EUR", "BTC/GBP", "ETH/USD", "ETH/EUR", "ETH/BTC", "SOL/USD", "ADA/USD", "DOT/USD",
                  "XTZ/USD", "DOGE/USD", "ATOM/USD", "USDT/USD", "USDC/USD", "EUR/USD", "GBP/USD", "USD/CHF",
                  "USD/JPY", "USD/CAD", "AUD/USD"],
        .coinbase: ["BTC/USD", "BTC/EUR", "BTC/GBP", "ETH/USD", "ETH/EUR", "SOL/USD", "SOL/EUR", "USDT/USD",
                    "USDC/EUR", "ETH/BTC"],
        .coinbaseexchange: ["BTC/USD", "BTC/EUR", "ETH/USD", "ETH/BTC", "SOL/USD", "USDT/USD", "USDC/EUR"],
        .kucoin: ["BTC/USDT", "ETH/USDT", "ETH/BTC", "KCS/USDT", "SOL/USDT", "USDC/USDT", "DOT/USDT"],
        .okx: ["BTC/USDT", "ETH/USDT", "ETH/BTC", "DOT/USDT", "USDC/USDT", "BTC/USDC", "ETH/USDC", "BETH/ETH",
               "BTC/EUR", "USDT/EUR"],
        .bybit: ["BTC/USDT", "ETH/USDT", "MNT/USDT", "USDC/USDT", "BTC/USDC", "BTC/EUR", "USDT/EUR", "ETH/BTC"],
        .bitvavo: ["BTC/EUR", "ETH/EUR", "SOL/EUR", "USDT/EUR", "USDC/EUR"],
    ]

    /// Kraken's names: `X`/`Z`-prefixed ids for the old assets, plain names for the newer ones (`CHF`, `SOL`)
    /// (exchanges.md §3.6).
    static func krakenName(_ asset: String) -> String {
        switch asset {
        case "BTC": return "XXBT"
        case "ETH": return "XETH"
        case "DOGE": return "XXDG"
        case "USD", "EUR", "GBP", "JPY", "CAD", "AUD": return "Z" + asset
        default: return asset
        }
    }

    /// The exchange's market id for a pair of its asset names.
    static func marketID(_ base: String, _ quote: String, on exchange: ExchangeID) -> String {
        switch exchange {
        case .binance, .bybit, .kraken: return base + quote
        case .coinbase, .coinbaseexchange, .kucoin, .okx, .bitvavo: return base + "-" + quote
        }
    }

    /// A step in ±`bound` from FNV-1a of (key, scale, index): the same inputs give the same step.
    private static func step(_ key: String, scale: Int64, index: Int64, bound: Int64) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(key)|\(scale)|\(index)".utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash ^= hash >> 29
        return Int64(hash % UInt64(2 * bound + 1)) - bound
    }

    /// "91250.00" → (9125000, 2).
    private static func integer(_ text: String) -> (Int64, Int) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return (Int64(String(parts[0]) + fraction)!, fraction.count)
    }

    /// `digits` × 10^−scale as text with the trailing zeros trimmed (at least one digit after the point when
    /// there is a fraction).
    private static func decimal(_ digits: Int64, scale: Int, keep: Int) -> String {
        var text = String(digits)
        if text.count <= scale { text = String(repeating: "0", count: scale - text.count + 1) + text }
        let integer = text.prefix(text.count - scale)
        var fraction = text.suffix(scale)
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return fraction.isEmpty ? String(integer) : integer + "." + fraction
    }
}
