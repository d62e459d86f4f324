import Exchanges
import Foundation

extension PriceBook {
    /// `asset`'s price in `currency` by the conversion rule (see `PriceBook`), preferring legs quoted on
    /// `exchange` (the holding's, `ExchangeID.rawValue`; nil for no preference). Nil when no path exists, or
    /// when a path's price falls outside `DecimalString`'s range.
    public func unitPrice(of asset: String, in currency: ValuationCurrency, preferring exchange: String?) -> UnitPrice? {
        let target = currency.code
        if asset == target { return UnitPrice(price: "1", asOf: nil, legs: []) }
        guard let path = bestPath(from: asset, to: target, preferring: exchange) else { return nil }
        var rates: [Edge: String] = [:]
        return price(of: path, rates: &rates)
    }

    /// The best path of the fewest legs (rules 2 and 3), as edges from `asset` to `target`.
    func bestPath(from asset: String, to target: String, preferring exchange: String?) -> [Edge]? {
        let bridges = Self.bridges.filter { $0 != asset && $0 != target }
        var best: [Edge]?
        func consider(_ candidate: [Edge]) {
            if let current = best, !isBetter(candidate, than: current, preferring: exchange) { return }
            best = candidate
        }
        for edge in edges(from: asset, to: target) { consider([edge]) }
        if let best { return best }
        for bridge in bridges {
            let first = edges(from: asset, to: bridge)
            guard !first.isEmpty else { continue }
            let second = edges(from: bridge, to: target)
            for a in first { for b in second { consider([a, b]) } }
        }
        if let best { return best }
        guard Self.maxLegs >= 3 else { return nil }
        for bridge in bridges {
            let first = edges(from: asset, to: bridge)
            guard !first.isEmpty else { continue }
            for next in bridges where next != bridge {
                let second = edges(from: bridge, to: next)
                guard !second.isEmpty else { continue }
                let third = edges(from: next, to: target)
                for a in first { for b in second { for c in third { consider([a, b, c]) } } }
            }
        }
        return best
    }

    /// Rule 3 for two paths of the same length: true when `candidate` comes before `current`.
    func isBetter(_ candidate: [Edge], than current: [Edge], preferring exchange: String?) -> Bool {
        // (a) More legs on the holding's exchange.
        if let exchange {
            let mine = candidate.count { quotes[$0.quote].exchange == exchange }
            let theirs = current.count { quotes[$0.quote].exchange == exchange }
            if mine != theirs { return mine > theirs }
        }
        // (b) Intermediate assets in bridge order, position by position.
        for (left, right) in zip(candidate.dropLast(), current.dropLast()) {
            let l = Self.bridgeRank(destination(of: left)), r = Self.bridgeRank(destination(of: right))
            if l != r { return l < r }
        }
        // (c) The freshest oldest leg.
        let candidateOldest = oldest(candidate), currentOldest = oldest(current)
        if candidateOldest != currentOldest { return candidateOldest > currentOldest }
        // (d) Exchange ids, then market ids, leg by leg; (e) direct before inverse.
        for (left, right) in zip(candidate, current) {
            let l = quotes[left.quote], r = quotes[right.quote]
            if l.exchange != r.exchange { return l.exchange < r.exchange }
        }
        for (left, right) in zip(candidate, current) {
            let l = quotes[left.quote], r = quotes[right.quote]
            if l.market != r.market { return l.market < r.market }
            if left.inverse != right.inverse { return !left.inverse }
        }
        return false
    }

    /// The price of a path: its legs' rates multiplied, `asOf` the oldest leg's. `rates` keeps each edge's rate
    /// across calls, so an inverse is divided once per valuation, not once per holding.
    func price(of path: [Edge], rates: inout [Edge: String]) -> UnitPrice? {
        var legs: [PriceLeg] = []
        legs.reserveCapacity(path.count)
        var product: String?
        for edge in path {
            let quote = quotes[edge.quote]
            guard let rate = rates[edge] ?? (edge.inverse ? Self.inverseRate(of: quote.price) : quote.price) else {
                return nil
            }
            rates[edge] = rate
            if let sofar = product {
                // Exact while the product fits DecimalString's range; only three long inverse rates outgrow it.
                guard let next = DecimalString.multiply(sofar, rate)
                    ?? DecimalString.multiply(sofar, rate, fractionDigits: Self.unitPriceFractionDigits) else { return nil }
                product = next
            } else {
                product = rate
            }
            legs.append(PriceLeg(
                exchange: quote.exchange, market: quote.market,
                from: edge.inverse ? quote.quote : quote.base, to: destination(of: edge),
                inverse: edge.inverse, rate: rate, asOf: quote.asOf))
        }
        guard var product else { return nil }
        if !Self.fits(product) {
            guard let rounded = DecimalString.rounded(product, fractionDigits: Self.unitPriceFractionDigits) else {
                return nil
            }
            product = rounded
        }
        return UnitPrice(price: product, asOf: legs.map(\.asOf).min(), legs: legs)
    }

    /// The asset an edge leads to.
    func destination(of edge: Edge) -> String {
        edge.inverse ? quotes[edge.quote].base : quotes[edge.quote].quote
    }

    private func oldest(_ path: [Edge]) -> Date {
        path.map { quotes[$0.quote].asOf }.min() ?? .distantPast
    }

    private static func bridgeRank(_ asset: String) -> Int {
        bridges.firstIndex(of: asset) ?? bridges.count
    }

    /// True when canonical `text` has at most `unitPriceFractionDigits` digits after the point.
    private static func fits(_ text: String) -> Bool {
        guard let point = text.firstIndex(of: ".") else { return true }
        return text.distance(from: point, to: text.endIndex) - 1 <= unitPriceFractionDigits
    }
}
