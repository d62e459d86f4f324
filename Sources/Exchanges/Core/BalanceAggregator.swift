/// One row as an exchange reports it, before normalization.
struct RawBalance: Sendable {
    /// The exchange wallet or account type ("spot", "main", "trade", ...).
    var wallet: String
    /// The exchange's asset id.
    var asset: String
    var free: String
    var locked: String
    /// The canonical asset and wallet when the client already resolved them (Kraken, with its asset list);
    /// nil: `AssetNormalizer` decides.
    var normalized: AssetNormalizer.Normalized? = nil
}

/// Turns raw rows into one `Balance` per canonical asset, summing exactly.
enum BalanceAggregator {
    /// Normalizes ids, leaves out rows that are not holdings, sums `free` and `locked` per canonical asset, drops
    /// assets whose total is zero, and sorts by asset. Throws `bad_response` when an amount is not a decimal number.
    static func aggregate(_ rows: [RawBalance], exchange: ExchangeID) throws -> [Balance] {
        var order: [String] = []
        var grouped: [String: [WalletBalance]] = [:]
        for row in rows {
            guard let free = DecimalString.canonical(row.free), let locked = DecimalString.canonical(row.locked) else {
                throw ExchangeError(.badResponse, exchange: exchange, detail: "non-decimal amount for \(row.asset)")
            }
            let normalized = row.normalized ?? AssetNormalizer.normalize(row.asset, on: exchange)
            // Amounts are checked first: a hostile amount is a bad answer even on a row that is not a holding.
            guard normalized.isHolding else { continue }
            let entry = WalletBalance(wallet: normalized.wallet ?? row.wallet, rawAsset: row.asset, free: free, locked: locked)
            if grouped[normalized.asset] == nil { order.append(normalized.asset) }
            grouped[normalized.asset, default: []].append(entry)
        }
        var balances: [Balance] = []
        for asset in order {
            let wallets = grouped[asset] ?? []
            // Every row parsed, but sums can still leave the accepted range: that is a bad answer, not a trap.
            guard let free = DecimalString.sum(wallets.map(\.free)),
                  let locked = DecimalString.sum(wallets.map(\.locked)),
                  let total = DecimalString.add(free, locked) else {
                throw ExchangeError(.badResponse, exchange: exchange, detail: "amount out of range for \(asset)")
            }
            if DecimalString.isZero(total) { continue }
            let nonZero = wallets.filter { DecimalString.add($0.free, $0.locked).map { !DecimalString.isZero($0) } ?? true }
            balances.append(Balance(asset: asset, free: free, locked: locked, total: total, wallets: nonZero))
        }
        return balances.sorted { $0.asset < $1.asset }
    }
}
