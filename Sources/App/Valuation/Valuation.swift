import Exchanges
import Foundation

/// Turns holdings and a price book into a `PortfolioValuation`: pure, no database and no network, so the
/// timer's value points, `GET /portfolio`, the export, the statement and the CLI all value the same way.
///
/// Each holding row is valued at the unit price the book's conversion rule gives for its asset, preferring its
/// own exchange's markets (`PriceBook`); that price is worked out once per (asset, exchange) within one call.
/// A row is `stale` when its price's oldest leg is older than `staleLimit` before `now` (exactly at the limit is
/// still `priced`), and `unpriced` — value nil, never 0 — when no path exists, the quantity is negative or not a
/// decimal, or the value falls outside `DecimalString`'s range. Value = quantity × unit price, exact (rounded
/// half-even at `DecimalString.maxFractionDigits` decimals only if the exact product has more); display
/// rounding is described on `PortfolioValuation`.
public enum Valuation {
    /// How old a price may be and still count as `priced`: 15 minutes (issue 13 "Prices").
    public static let defaultStaleLimit: TimeInterval = 15 * 60
    /// Decimals of an asset's blended unit price when its rows took different paths.
    public static let blendedPriceFractionDigits = 18

    /// The valuation of `holdings` in `currency` at `now` (see `Valuation` and `PortfolioValuation`).
    public static func value(
        holdings: [HoldingPosition], book: PriceBook, currency: ValuationCurrency, now: Date,
        staleLimit: TimeInterval = defaultStaleLimit
    ) -> PortfolioValuation {
        var prices = PriceMemo(book: book, currency: currency)
        let digits = currency.displayFractionDigits
        let rows = holdings.map { holding in
            valueRow(holding, price: prices.unitPrice(of: holding.asset, preferring: holding.exchange),
                     currency: currency, now: now, staleLimit: staleLimit)
        }
        var assets = assetValuations(rows, currency: currency)
        let total = sumOrNil(assets.compactMap(\.value))
        let nonZeroTotal = total.flatMap { DecimalString.isZero($0) ? nil : $0 }
        for index in assets.indices {
            assets[index].share = assets[index].value.flatMap { value in nonZeroTotal.flatMap { percent(value, of: $0) } }
        }
        let staleValue = sumOrNil(rows.filter { $0.status == .stale }.compactMap(\.value)) ?? "0"
        let counts = Dictionary(grouping: assets, by: \.status).mapValues(\.count)
        let completeness = Completeness(
            complete: assets.allSatisfy { $0.status == .priced },
            pricedCount: counts[.priced] ?? 0, staleCount: counts[.stale] ?? 0, unpricedCount: counts[.unpriced] ?? 0,
            stalePercent: nonZeroTotal.flatMap { percent(staleValue, of: $0) })
        return PortfolioValuation(
            currency: currency, valuedAt: now, asOf: rows.compactMap { $0.price?.asOf }.min(),
            total: total, totalDisplay: total.flatMap { DecimalString.fixed($0, fractionDigits: digits) },
            completeness: completeness, assets: sortedByValue(assets), holdings: rows,
            exchanges: exchangeSubtotals(rows, digits: digits), connections: connectionSubtotals(rows, digits: digits))
    }

    /// One holding row valued at `price` (nil: no path).
    static func valueRow(
        _ holding: HoldingPosition, price: UnitPrice?, currency: ValuationCurrency, now: Date, staleLimit: TimeInterval
    ) -> HoldingValuation {
        func unpriced(_ note: String) -> HoldingValuation {
            HoldingValuation(holding: holding, price: nil, value: nil, display: nil, status: .unpriced, note: note,
                             wallets: holding.wallets.map { WalletValuation(wallet: $0.wallet, amount: $0.amount) })
        }
        // The product parses the quantity anyway: nil means unreadable (or out of range), a sign means negative.
        // Only an unpriced row parses it on its own, to say which note applies.
        guard let price else {
            return unpriced(isQuantity(holding.quantity)
                ? "no market path from \(holding.asset) to \(currency.code)" : badQuantityNote)
        }
        guard let value = product(holding.quantity, price.price) else {
            return unpriced(DecimalString.canonical(holding.quantity) == nil ? badQuantityNote : "value out of range")
        }
        if value.hasPrefix("-") { return unpriced(badQuantityNote) }
        let stale = price.asOf.map { now.timeIntervalSince($0) > staleLimit } ?? false
        let digits = currency.displayFractionDigits
        let wallets = holding.wallets.map { wallet -> WalletValuation in
            let value = product(wallet.amount, price.price).flatMap { $0.hasPrefix("-") ? nil : $0 }
            return WalletValuation(wallet: wallet.wallet, amount: wallet.amount, value: value,
                                   display: value.flatMap { DecimalString.fixed($0, fractionDigits: digits) })
        }
        return HoldingValuation(
            holding: holding, price: price, value: value,
            display: DecimalString.fixed(value, fractionDigits: digits), status: stale ? .stale : .priced,
            note: nil, wallets: wallets)
    }

    /// The note of a row whose quantity is negative or not a decimal.
    static let badQuantityNote = "quantity is not a decimal number ≥ 0"

    /// True when `text` is a decimal number ≥ 0.
    static func isQuantity(_ text: String) -> Bool { (DecimalString.compare(text, "0") ?? -1) >= 0 }

    /// `a × b`, exact when it fits the range, else half-even at the most decimals the range allows; nil when even
    /// that is out of range.
    static func product(_ a: String, _ b: String) -> String? {
        DecimalString.multiply(a, b)
            ?? DecimalString.multiply(a, b, fractionDigits: DecimalString.maxFractionDigits)
    }

    /// The sum of `values`, nil when there are none (unknown is never 0) or the sum is out of range.
    static func sumOrNil(_ values: [String]) -> String? {
        values.isEmpty ? nil : DecimalString.sum(values)
    }

    /// `part` as a percent of `whole` (not zero), half-even at 2 decimals.
    static func percent(_ part: String, of whole: String) -> String? {
        DecimalString.multiply(part, "100").flatMap { DecimalString.divide($0, whole, fractionDigits: 2) }
    }

    /// Largest value first, unvalued assets last, ties by asset id.
    static func sortedByValue(_ assets: [AssetValuation]) -> [AssetValuation] {
        assets.sorted { left, right in
            switch (left.value, right.value) {
            case let (l?, r?):
                let order = compareValues(l, r)
                return order != 0 ? order > 0 : left.asset < right.asset
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return left.asset < right.asset
            }
        }
    }
}

extension Valuation {
    /// -1, 0 or 1 for two values of this engine. They are canonical and never negative (quantity ≥ 0, price > 0),
    /// so the text orders them without parsing: a longer integer part is larger, else byte by byte ("9.5" >
    /// "9.49", "9" < "9.01"). Anything else goes through `DecimalString.compare`.
    static func compareValues(_ a: String, _ b: String) -> Int {
        if a.hasPrefix("-") || b.hasPrefix("-") { return DecimalString.compare(a, b) ?? 0 }
        let left = a.utf8, right = b.utf8
        let leftInteger = left.firstIndex(of: UInt8(ascii: ".")).map { left.distance(from: left.startIndex, to: $0) }
            ?? left.count
        let rightInteger = right.firstIndex(of: UInt8(ascii: ".")).map { right.distance(from: right.startIndex, to: $0) }
            ?? right.count
        if leftInteger != rightInteger { return leftInteger < rightInteger ? -1 : 1 }
        if a == b { return 0 }
        return left.lexicographicallyPrecedes(right) ? -1 : 1
    }
}

/// Unit prices worked out once per (asset, exchange) within one valuation: 60 assets on 5 connections need at
/// most 300 path searches, each a handful of dictionary look-ups. Paths shared by several (asset, exchange)
/// pairs are priced once, and each edge's rate (an inverse is a long division) is worked out once.
struct PriceMemo {
    private struct Key: Hashable {
        let asset: String
        let exchange: String
    }

    let book: PriceBook
    let currency: ValuationCurrency
    private var prices: [Key: UnitPrice?] = [:]
    private var paths: [[PriceBook.Edge]: UnitPrice?] = [:]
    private var rates: [PriceBook.Edge: String] = [:]

    init(book: PriceBook, currency: ValuationCurrency) {
        self.book = book
        self.currency = currency
    }

    /// `PriceBook.unitPrice(of:in:preferring:)`, remembered.
    mutating func unitPrice(of asset: String, preferring exchange: String) -> UnitPrice? {
        let key = Key(asset: asset, exchange: exchange)
        if let known = prices[key] { return known }
        let price: UnitPrice?
        if asset == currency.code {
            price = UnitPrice(price: "1", asOf: nil, legs: [])
        } else if let path = book.bestPath(from: asset, to: currency.code, preferring: exchange) {
            if let known = paths[path] {
                price = known
            } else {
                price = book.price(of: path, rates: &rates)
                paths[path] = .some(price)
            }
        } else {
            price = nil
        }
        prices[key] = .some(price)
        return price
    }
}
