/// The OKX places Holdfast reads, their answer shapes, and how their rows become holdings so that no coin is
/// counted twice (exchanges-okx-bybit-bitvavo.md §A.1, §A.8, §E.6–§E.7).
///
/// Trading, funding, Simple Earn flexible and On-chain Earn are disjoint places (§A.1) and are summed. ETH/SOL
/// staking and Stable Rewards report *account-wide* holdings that already include trading and funding (§A.1
/// "Double-count trap"): they are never read, and their receipts (`BETH`, `OKSOL`) are counted where they sit,
/// as their own assets, with a note.
enum OKXWallets {
    /// Wallet names, as in `WalletBalance.wallet` and `UnreadWallet.wallet`.
    static let trading = "trading"
    /// `GET /api/v5/asset/balances`.
    static let funding = "funding"
    /// `GET /api/v5/finance/savings/balance`.
    static let earnFlexible = "earn-flexible"
    /// `GET /api/v5/finance/staking-defi/orders-active`.
    static let earnOnchain = "earn-onchain"

    /// Staking receipts that trade at a rate against their coin, not 1:1 (§A.8, the rate UNVERIFIED): kept as
    /// their own assets rather than folded into ETH/SOL, and explained in a note.
    static let stakingReceipts = ["BETH": "ETH staking", "OKSOL": "SOL staking"]

    /// `data[]` of the trading balance: one object per account; its `details[]` are the currencies.
    struct TradingAccount: Decodable, Sendable {
        let details: [TradingRow]?
    }

    /// One currency of the trading account. `eq` is the holding (it includes trading bots' `stgyEq` and
    /// unrealized PnL, §A.1); fields that do not apply to the account mode come back as `""`.
    struct TradingRow: Decodable, Sendable {
        let ccy: String
        let eq: AmountText?
        let frozenBal: AmountText?
        let liab: AmountText?
        let rewardBal: AmountText?
    }

    /// One funding currency: `bal = availBal + frozenBal` (§A.1).
    struct FundingRow: Decodable, Sendable {
        let ccy: String
        let bal: AmountText
        let frozenBal: AmountText?
    }

    /// One Simple Earn flexible currency: the holding is `amt` (= `loanAmt + pendingAmt`, §A.1).
    struct SavingsRow: Decodable, Sendable {
        let ccy: String
        let amt: AmountText
    }

    /// One active On-chain Earn order: what was invested, per currency (§A.1). `state` is kept for notes only:
    /// pending (8), cancelling (13), on-chain (9), earning (1) and redeeming (2) orders all still hold the coins.
    struct OnchainOrder: Decodable, Sendable {
        let ccy: String?
        let state: String?
        let investData: [Invested]?
    }

    /// One invested currency of an order.
    struct Invested: Decodable, Sendable {
        let ccy: String
        let amt: AmountText
    }

    /// Everything one read returned; nil for a wallet the key may not read.
    struct Read: Sendable {
        var trading: [TradingRow]
        var funding: [FundingRow]? = nil
        var savings: [SavingsRow]? = nil
        var onchain: [OnchainOrder]? = nil
    }

    /// The rows of `read`, each under its wallet, and notes about what was seen but not counted.
    ///
    /// Rules (ours, on the facts of §A.1 and §A.8):
    /// * Trading: the holding is `eq` when it is ≥ 0. Whether `eq` of a borrowed currency goes negative is
    ///   UNVERIFIED (§A.1): a negative `eq` is a debt, so it counts as 0 (never a negative holding that would
    ///   cancel coins held elsewhere) and is noted. `liab` is never subtracted (if `eq` already nets it, that
    ///   would count the debt twice) and never added; a non-zero `liab` is noted. `frozenBal` is the locked part
    ///   (at most the holding). An `eq` that is absent or `""` is unknown, so `bad_response`, never 0.
    /// * `rewardBal` (trial funds, §A.8): whether `eq` includes it is UNVERIFIED, so it is neither subtracted
    ///   nor added; a non-zero one is labelled in a note.
    /// * Funding: `bal`, of which `frozenBal` is locked. Savings and On-chain Earn: all locked.
    /// Throws `bad_response` for an amount that is not a decimal in range, or negative where it cannot be.
    static func rows(_ read: Read) throws -> (rows: [RawBalance], notes: [String]) {
        var rows: [RawBalance] = []
        var notes: [String] = []
        for row in read.trading {
            guard let eq = row.eq?.text, !eq.isEmpty, let equity = DecimalString.canonical(eq) else {
                throw ExchangeError(.badResponse, exchange: .okx, detail: "trading \(name(row.ccy)) without a decimal eq")
            }
            let liability = try optional(row.liab, nonNegative: true, currency: row.ccy)
            let frozen = try optional(row.frozenBal, nonNegative: false, currency: row.ccy)
            let reward = try optional(row.rewardBal, nonNegative: true, currency: row.ccy)
            if !DecimalString.isZero(liability) {
                notes.append("trading \(name(row.ccy)): liability \(liability) borrowed, not counted")
            }
            if !DecimalString.isZero(reward) {
                notes.append("trading \(name(row.ccy)): rewardBal \(reward) is trial funds, counted only as far as OKX includes them in eq")
            }
            if equity.hasPrefix("-") {
                notes.append("trading \(name(row.ccy)): eq \(equity) is a debt, counted as 0")
                continue
            }
            // Locked is `frozenBal` kept within 0…holding, so free + locked is exactly `eq`.
            var locked = frozen.hasPrefix("-") ? "0" : frozen
            if try difference(equity, locked).hasPrefix("-") { locked = equity }
            rows.append(raw(trading, row.ccy, free: try difference(equity, locked), locked: locked))
        }
        for row in read.funding ?? [] {
            let balance = try nonNegative(row.bal.text, currency: row.ccy)
            let frozen = try optional(row.frozenBal, nonNegative: true, currency: row.ccy)
            let free = try difference(balance, frozen)
            guard !free.hasPrefix("-") else {
                throw ExchangeError(.badResponse, exchange: .okx, detail: "funding \(name(row.ccy)) frozenBal above bal")
            }
            rows.append(raw(funding, row.ccy, free: free, locked: frozen))
        }
        for row in read.savings ?? [] {
            rows.append(raw(earnFlexible, row.ccy, free: "0", locked: try nonNegative(row.amt.text, currency: row.ccy)))
        }
        for order in read.onchain ?? [] {
            guard let invested = order.investData else {
                throw ExchangeError.incompleteListing(.okx, detail: "on-chain order without investData")
            }
            for entry in invested {
                rows.append(raw(earnOnchain, entry.ccy, free: "0",
                                locked: try nonNegative(entry.amt.text, currency: entry.ccy)))
            }
        }
        for (receipt, product) in stakingReceipts.sorted(by: { $0.key < $1.key })
        where rows.contains(where: { $0.asset.uppercased() == receipt }) {
            notes.append("\(receipt) is OKX's \(product) receipt: counted as \(receipt) where it sits; the \(product) balance is account-wide and is not added")
        }
        return (rows, notes)
    }

    /// A row of `wallet` whose canonical asset is the upper-cased `ccy` (OKX tickers are plain, §A.8).
    private static func raw(_ wallet: String, _ ccy: String, free: String, locked: String) -> RawBalance {
        RawBalance(wallet: wallet, asset: ccy, free: free, locked: locked,
                   normalized: AssetNormalizer.Normalized(asset: ccy.uppercased(), wallet: wallet))
    }

    /// An optional amount: absent or `""` (not applicable to the account mode, §A.1) is 0; anything else must be
    /// a decimal in range, and not below zero when `nonNegative`.
    private static func optional(_ amount: AmountText?, nonNegative: Bool, currency: String) throws -> String {
        guard let text = amount?.text, !text.isEmpty else { return "0" }
        guard let canonical = DecimalString.canonical(text) else {
            throw ExchangeError(.badResponse, exchange: .okx, detail: "non-decimal amount for \(name(currency))")
        }
        if nonNegative && canonical.hasPrefix("-") {
            throw ExchangeError(.badResponse, exchange: .okx, detail: "negative amount for \(name(currency))")
        }
        return canonical
    }

    /// `text` as a canonical decimal that is not below zero; `bad_response` otherwise (a balance cannot be).
    private static func nonNegative(_ text: String, currency: String) throws -> String {
        guard let canonical = DecimalString.canonical(text), !canonical.hasPrefix("-") else {
            throw ExchangeError(.badResponse, exchange: .okx, detail: "negative or non-decimal amount for \(name(currency))")
        }
        return canonical
    }

    /// `a − b` exactly; `bad_response` when out of range.
    private static func difference(_ a: String, _ b: String) throws -> String {
        guard let result = DecimalString.subtract(a, b) else {
            throw ExchangeError(.badResponse, exchange: .okx, detail: "amount out of range")
        }
        return result
    }

    /// A currency id as it may appear in a note or detail: at most 20 characters of it.
    private static func name(_ ccy: String) -> String { String(ccy.prefix(20)) }
}
