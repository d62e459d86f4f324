/// The holding in a wallet that may contain borrowed coins (KuCoin UTA, cross and isolated margin; exchanges.md
/// §9.2–§9.3): per currency `holding = max(0, balance − liability)`. Borrowed coins are not the user's, and the
/// debt itself is not counted as a negative holding (a currency owed more than held reads as 0). The counting
/// rule is ours (§9.3 "count `total − liability`").
enum BorrowedNetting {
    /// `free` and `locked` of the net holding: `free = min(max(available, 0), holding)`, so free never exceeds
    /// the holding and is never negative; `locked = holding − free` (the rest of the net amount, held by orders or
    /// the exchange). Throws `bad_response` naming `currency` when an amount is not a decimal number in range.
    static func net(balance: String, available: String, liability: String, currency: String)
        throws -> (free: String, locked: String)
    {
        guard let gross = DecimalString.subtract(balance, liability), let availableAmount = DecimalString.canonical(available)
        else {
            throw ExchangeError(.badResponse, exchange: .kucoin, detail: "non-decimal amount for \(currency)")
        }
        let holding = isNegative(gross) ? "0" : gross
        let floor = isNegative(availableAmount) ? "0" : availableAmount
        guard let excess = DecimalString.subtract(floor, holding) else {
            throw ExchangeError(.badResponse, exchange: .kucoin, detail: "amount out of range for \(currency)")
        }
        let free = isNegative(excess) ? floor : holding
        guard let locked = DecimalString.subtract(holding, free) else {
            throw ExchangeError(.badResponse, exchange: .kucoin, detail: "amount out of range for \(currency)")
        }
        return (free, locked)
    }

    /// `rows` with the rows of one wallet and asset summed into one, in first-seen order (isolated margin lists a
    /// currency once per pair; one wallet row per asset is what the holdings keep). Throws `bad_response` when a
    /// sum leaves the accepted range.
    static func merged(_ rows: [RawBalance]) throws -> [RawBalance] {
        var order: [String] = []
        var sums: [String: RawBalance] = [:]
        for row in rows {
            let key = row.wallet + "\u{0}" + row.asset
            guard var sum = sums[key] else {
                order.append(key)
                sums[key] = row
                continue
            }
            guard let free = DecimalString.add(sum.free, row.free), let locked = DecimalString.add(sum.locked, row.locked)
            else { throw ExchangeError(.badResponse, exchange: .kucoin, detail: "amount out of range for \(row.asset)") }
            sum.free = free
            sum.locked = locked
            sums[key] = sum
        }
        return order.compactMap { sums[$0] }
    }

    /// True for a canonical decimal below zero (canonical text prints "0" for zero, never "-0").
    private static func isNegative(_ canonical: String) -> Bool { canonical.hasPrefix("-") }
}
