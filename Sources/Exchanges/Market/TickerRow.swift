import Foundation

/// The rules every ticker reader applies to one row (MarketData.swift's contract): a price that is a decimal
/// greater than zero, asset ids that normalize to something usable, a market split into its two assets, the
/// exchange's time when believable, and the row kept as at most 1 KiB of compact JSON.
///
/// Every function is total: hostile values (wrong types, `null`, "NaN", exponents, negative or huge numbers)
/// give nil, never a trap, and each is bounded by `DecimalString.maxTextLength` or `maxIDBytes`.
enum TickerRow {
    /// Most bytes of `MarketQuote.raw` (1 KiB).
    static let rawLimit = 1024
    /// Most bytes of a market or asset id accepted: far above any real one (`1000000BABYDOGE-USDT`), and it
    /// keeps a hostile id from being carried into storage.
    static let maxIDBytes = 64

    /// `value`'s price as a canonical decimal greater than zero (`DecimalString.canonical`), or nil.
    static func price(_ value: JSONValue?) -> String? {
        guard let text = value?.scalarText, let canonical = DecimalString.canonical(text),
              !canonical.hasPrefix("-"), canonical != "0" else { return nil }
        return canonical
    }

    /// `value` as a market or asset id: a non-empty string of at most `maxIDBytes` bytes without spaces or
    /// control characters; nil otherwise.
    static func id(_ value: JSONValue?) -> String? {
        guard let text = value?.string, !text.isEmpty, text.utf8.count <= maxIDBytes,
              text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f }) else { return nil }
        return text
    }

    /// `market` split at its one `-` into (base, quote), both non-empty; nil for no dash or more than one (a
    /// derivative such as OKX `BTC-USD-SWAP`).
    static func dashPair(_ market: String) -> (String, String)? {
        let parts = market.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// The canonical asset of `raw` on `exchange` (`AssetNormalizer.normalize(_:on:)`), nil for an id that is
    /// not a holding.
    static func asset(_ raw: String, on exchange: ExchangeID) -> String? {
        let normalized = AssetNormalizer.normalize(raw, on: exchange)
        return normalized.isHolding && !normalized.asset.isEmpty ? normalized.asset : nil
    }

    /// A time in ms since the epoch (a JSON number or a string of digits) within `ServerClock`'s believable range,
    /// as a date; nil for anything else, so the caller falls back to the time the answer arrived.
    static func time(milliseconds value: JSONValue?) -> Date? {
        guard let text = value?.scalarText, text.utf8.count <= 20, let ms = Int64(text),
              ms >= ServerClock.earliestServerTimeMs, ms <= ServerClock.latestServerTimeMs else { return nil }
        return Date(timeIntervalSince1970: Double(ms) / 1000)
    }

    /// `row` as compact JSON cut to `rawLimit` bytes (at a character boundary, so the text stays valid UTF-8).
    static func raw(_ row: JSONValue) -> String {
        let text = row.compactText
        guard text.utf8.count > rawLimit else { return text }
        var cut = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            if bytes + size > rawLimit { break }
            cut.append(character)
            bytes += size
        }
        return cut
    }
}

/// Collects quotes in answer order. The first row naming a market decides it (MarketData.swift's contract:
/// duplicate rows, the first wins): a later row of the same market is ignored even when the first was unusable,
/// since two rows disagreeing about one market is not something to pick from. Only markets whose two assets
/// are both asked for are kept.
struct QuoteCollector {
    let assets: Set<String>
    private(set) var quotes: [MarketQuote] = []
    private var seen: Set<String> = []

    /// An empty collection for `assets` (canonical ids).
    init(assets: Set<String>) { self.assets = assets }

    /// True the first time `market` is named: the caller reads the row; false for a later row of it.
    mutating func claim(_ market: String) -> Bool { seen.insert(market).inserted }

    /// Keeps `quote` when both its assets are asked for.
    mutating func add(_ quote: MarketQuote) {
        guard assets.contains(quote.base), assets.contains(quote.quote) else { return }
        quotes.append(quote)
    }
}
