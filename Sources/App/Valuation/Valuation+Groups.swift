import Exchanges

extension Valuation {
    /// Rows grouped by asset (first-seen order), each group summed (see `AssetValuation`); shares are filled in
    /// by the caller once the total is known.
    static func assetValuations(_ rows: [HoldingValuation], currency: ValuationCurrency) -> [AssetValuation] {
        var order: [String] = []
        var groups: [String: [HoldingValuation]] = [:]
        for row in rows {
            if groups[row.holding.asset] == nil { order.append(row.holding.asset) }
            groups[row.holding.asset, default: []].append(row)
        }
        return order.map { asset in assetValuation(asset, rows: groups[asset] ?? [], currency: currency) }
    }

    private static func assetValuation(
        _ asset: String, rows: [HoldingValuation], currency: ValuationCurrency
    ) -> AssetValuation {
        let quantity = DecimalString.sum(rows.filter { $0.note != badQuantityNote }.map(\.holding.quantity)) ?? "0"
        let valued = rows.filter { $0.value != nil }
        let value = sumOrNil(valued.compactMap(\.value))
        var notes: [String] = []
        for note in rows.compactMap(\.note) where !notes.contains(note) { notes.append(note) }
        var status = rows.map(\.status).max() ?? .unpriced
        if value == nil, !valued.isEmpty {
            // Each row fitted the range but their sum does not: say so rather than show a partial figure.
            notes.append("value out of range")
            status = .unpriced
        }
        let prices = valued.compactMap(\.price)
        // Rows of one asset mostly share a price: compare the prices, and print a source only per distinct one.
        var distinct: [UnitPrice] = []
        for price in prices where !distinct.contains(price) { distinct.append(price) }
        let sources = Set(distinct.map(\.source)).sorted()
        let common = distinct.count == 1 ? distinct.first : nil
        var unitPrice = common?.price
        if unitPrice == nil, let value {
            let valuedQuantity = DecimalString.sum(valued.map(\.holding.quantity)) ?? "0"
            unitPrice = DecimalString.divide(value, valuedQuantity, fractionDigits: blendedPriceFractionDigits)
        }
        return AssetValuation(
            asset: asset, quantity: quantity, unitPrice: unitPrice, value: value,
            display: value.flatMap { DecimalString.fixed($0, fractionDigits: currency.displayFractionDigits) },
            status: status, share: nil, source: sources.isEmpty ? nil : sources.joined(separator: "; "),
            path: common?.path ?? [], asOf: prices.compactMap(\.asOf).min(), notes: notes)
    }

    /// Per exchange, by exchange id.
    static func exchangeSubtotals(_ rows: [HoldingValuation], digits: Int) -> [ExchangeSubtotal] {
        Dictionary(grouping: rows, by: \.holding.exchange)
            .map { exchange, rows in
                var total = SubtotalAccumulator()
                for row in rows { total.add(row.value, status: row.status) }
                return ExchangeSubtotal(exchange: exchange, subtotal: total.subtotal(fractionDigits: digits))
            }
            .sorted { $0.exchange < $1.exchange }
    }

    /// Per connection, by connection id, with wallet subtotals when a connection's rows name two wallets or more.
    static func connectionSubtotals(_ rows: [HoldingValuation], digits: Int) -> [ConnectionSubtotal] {
        Dictionary(grouping: rows, by: \.holding.connectionID)
            .map { connectionID, rows in
                var total = SubtotalAccumulator()
                var wallets: [String: SubtotalAccumulator] = [:]
                for row in rows {
                    total.add(row.value, status: row.status)
                    for wallet in row.wallets {
                        wallets[wallet.wallet, default: SubtotalAccumulator()].add(wallet.value, status: row.status)
                    }
                }
                let walletSubtotals = wallets.count < 2 ? [] : wallets
                    .map { WalletSubtotal(wallet: $0.key, subtotal: $0.value.subtotal(fractionDigits: digits)) }
                    .sorted { $0.wallet < $1.wallet }
                return ConnectionSubtotal(
                    connectionID: connectionID, exchange: rows.first?.holding.exchange ?? "",
                    subtotal: total.subtotal(fractionDigits: digits), wallets: walletSubtotals)
            }
            .sorted { $0.connectionID < $1.connectionID }
    }
}

/// A group's values and status counts, summed once at the end (one parse per value).
struct SubtotalAccumulator {
    private var values: [String] = []
    private var priced = 0
    private var stale = 0
    private var unpriced = 0

    /// Counts a row: unpriced when it has no value, whatever its holding's status.
    mutating func add(_ value: String?, status: PriceStatus) {
        guard let value else { unpriced += 1; return }
        values.append(value)
        if status == .stale { stale += 1 } else { priced += 1 }
    }

    func subtotal(fractionDigits: Int) -> ValueSubtotal {
        let value = Valuation.sumOrNil(values)
        return ValueSubtotal(
            value: value, display: value.flatMap { DecimalString.fixed($0, fractionDigits: fractionDigits) },
            pricedCount: priced, staleCount: stale, unpricedCount: unpriced)
    }
}
