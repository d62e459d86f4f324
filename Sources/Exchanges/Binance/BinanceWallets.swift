/// The Binance wallets Holdfast reads beyond spot, their answer shapes, and how their rows are combined so that
/// nothing is counted twice (exchanges.md §7.1–§7.4).
///
/// Amounts outside the spot wallet cannot be traded as they are, so they go into `locked` of their wallet row;
/// `free` keeps meaning "available to trade" (the funding wallet keeps Binance's own `free`, see `rows`).
enum BinanceWallets {
    /// Wallet names, as in `WalletBalance.wallet` and `UnreadWallet.wallet`.
    static let spot = "spot"
    /// `POST /sapi/v1/asset/get-funding-asset` (§7.1).
    static let funding = "funding"
    /// Simple Earn flexible positions (§7.2), or the spot `LD…` rows when those cannot be read (§7.3).
    static let earnFlexible = "earn-flexible"
    /// Simple Earn locked positions (§7.2).
    static let earnLocked = "earn-locked"
    /// `GET /sapi/v1/bfusd/account` (§7.4).
    static let bfusd = "bfusd"
    /// `GET /sapi/v1/rwusd/account` (§7.4).
    static let rwusd = "rwusd"

    /// One funding-wallet row (§7.1): `[{asset,free,locked,freeze,withdrawing,btcValuation}]`.
    struct FundingRow: Decodable, Sendable {
        let asset: String
        let free: AmountText
        let locked: AmountText
        let freeze: AmountText?
        let withdrawing: AmountText?
    }

    /// One flexible position (§7.2); the holding is `totalAmount`. Reward fields are history and not read.
    struct FlexibleRow: Decodable, Sendable {
        let asset: String
        let productId: LenientID?
        let totalAmount: AmountText
    }

    /// One locked position (§7.2); the holding is `amount`. Reward fields are history and not read.
    struct LockedRow: Decodable, Sendable {
        let asset: String
        let positionId: LenientID?
        let amount: AmountText
    }

    /// `GET /sapi/v1/bfusd/account` (§7.4): the holding is `bfusdAmount` of BFUSD.
    struct BFUSDAccount: Decodable, Sendable { let bfusdAmount: AmountText }

    /// `GET /sapi/v1/rwusd/account` (§7.4): the holding is `rwusdAmount` of RWUSD.
    struct RWUSDAccount: Decodable, Sendable { let rwusdAmount: AmountText }

    /// Everything one read returned; nil for a wallet the key may not read.
    struct Read: Sendable {
        /// `/api/v3/account` `balances`, as sent.
        var spot: [RawBalance]
        /// Funding wallet rows.
        var funding: [FundingRow]? = nil
        /// Every Simple Earn flexible position (all pages).
        var flexible: [FlexibleRow]? = nil
        /// Every Simple Earn locked position (all pages).
        var locked: [LockedRow]? = nil
        /// `bfusdAmount`, as sent.
        var bfusd: String? = nil
        /// `rwusdAmount`, as sent.
        var rwusd: String? = nil
    }

    /// The rows of `read`, each under its wallet, and notes about what did not add up.
    ///
    /// Rules (ours, built on the verified parts of §7.1–§7.4):
    /// * Funding: `free` as is, `locked + freeze` as locked. `withdrawing` is **not** counted: §7.1 does not say
    ///   whether the four fields are disjoint ([UNVERIFIED]), so a non-zero `withdrawing` is reported in a note.
    /// * `LD…` rows (§7.3; which ids are `LD` rows is `AssetNormalizer`'s rule, e.g. `LDO` is a coin): when
    ///   flexible positions were read they are dropped and the flexible `totalAmount`s counted instead; per asset
    ///   a difference between the two sums is noted, never added. When flexible could not be read, each `LD`+X
    ///   row counts as X in wallet "earn-flexible" (locked, as a position read from Simple Earn would be).
    /// * BFUSD / RWUSD (§7.4, whether they also show as spot or funding rows is [UNVERIFIED]): reconcile, don't
    ///   add. The product's amount counts only as far as it exceeds what spot and funding already hold of that
    ///   asset; nothing is added when they hold as much or more, and any overlap is noted.
    /// Throws `bad_response` for an amount that is not a decimal number in range.
    static func rows(_ read: Read) throws -> (rows: [RawBalance], notes: [String]) {
        var rows: [RawBalance] = []
        var notes: [String] = []
        var mirrored: [String: String] = [:]
        for row in read.spot {
            let normalized = AssetNormalizer.normalize(row.asset, on: .binance)
            if normalized.wallet == earnFlexible {
                let amount = try sum(row.free, row.locked)
                if read.flexible != nil {
                    mirrored[normalized.asset] = try sum(mirrored[normalized.asset], amount)
                } else {
                    // Counted as the flexible position it mirrors: held in Earn (locked), like a position read
                    // from Simple Earn itself, not available in spot.
                    rows.append(RawBalance(wallet: earnFlexible, asset: row.asset, free: "0", locked: amount,
                                           normalized: normalized))
                }
                continue
            }
            rows.append(row)
        }
        for row in read.funding ?? [] {
            let held = try sum(row.locked.text, row.freeze?.text ?? "0")
            rows.append(try raw(funding, row.asset, free: row.free.text, locked: held))
            if let withdrawing = row.withdrawing?.text, !DecimalString.isZero(try sum(withdrawing)) {
                notes.append("funding \(row.asset): \(withdrawing) withdrawing, not counted")
            }
        }
        if let flexible = read.flexible {
            var earned: [String: String] = [:]
            for row in flexible {
                let asset = row.asset.uppercased()
                earned[asset] = try sum(earned[asset], row.totalAmount.text)
                rows.append(try raw(earnFlexible, row.asset, free: "0", locked: row.totalAmount.text))
            }
            for asset in Set(earned.keys).union(mirrored.keys).sorted() {
                let ld = mirrored[asset] ?? "0", flex = earned[asset] ?? "0"
                if !DecimalString.isZero(try difference(ld, flex)) {
                    notes.append("\(asset): LD rows in spot sum to \(ld), Simple Earn flexible to \(flex); counted \(flex)")
                }
            }
        }
        for row in read.locked ?? [] {
            rows.append(try raw(earnLocked, row.asset, free: "0", locked: row.amount.text))
        }
        for (wallet, asset, amount) in [(bfusd, "BFUSD", read.bfusd), (rwusd, "RWUSD", read.rwusd)] {
            guard let amount else { continue }
            try requireNonNegative(amount)
            let held = try rows.filter { heldAsset($0) == asset }.reduce("0") { try sum($0, $1.free, $1.locked) }
            let excess = try difference(amount, held)
            if !DecimalString.isZero(held) {
                notes.append("\(asset): \(amount) in its product, \(held) already in spot/funding; counted the larger")
            }
            if !excess.hasPrefix("-"), !DecimalString.isZero(excess) {
                rows.append(try raw(wallet, asset, free: "0", locked: excess))
            }
        }
        return (rows, notes)
    }

    /// The canonical asset of a spot or funding row (spot `LD…` rows are earn, not spot: nil), else nil.
    private static func heldAsset(_ row: RawBalance) -> String? {
        if row.wallet == funding { return row.normalized?.asset }
        guard row.wallet == spot else { return nil }
        let normalized = AssetNormalizer.normalize(row.asset, on: .binance)
        return normalized.wallet == nil ? normalized.asset : nil
    }

    /// A row of `wallet` whose asset is `asset` as Binance spells it (no `LD` folding: only spot has `LD` rows).
    /// Throws `bad_response` for a negative amount: a wallet balance or a position cannot be below zero, and one
    /// that says so would silently cancel holdings of the same asset elsewhere.
    private static func raw(_ wallet: String, _ asset: String, free: String, locked: String) throws -> RawBalance {
        try requireNonNegative(free, locked)
        return RawBalance(wallet: wallet, asset: asset, free: free, locked: locked,
                          normalized: AssetNormalizer.Normalized(asset: asset.uppercased(), wallet: wallet))
    }

    /// `bad_response` unless every amount is a decimal in range and not below zero.
    private static func requireNonNegative(_ amounts: String...) throws {
        for amount in amounts {
            guard let canonical = DecimalString.canonical(amount), !canonical.hasPrefix("-") else {
                throw ExchangeError(.badResponse, exchange: .binance, detail: "negative or non-decimal wallet amount")
            }
        }
    }

    /// The exact sum of `first` (nil: 0) and `amounts`; `bad_response` when one is not a decimal in range.
    private static func sum(_ first: String?, _ amounts: String...) throws -> String {
        guard let total = DecimalString.sum([first ?? "0"] + amounts) else {
            throw ExchangeError(.badResponse, exchange: .binance, detail: "non-decimal amount in a wallet")
        }
        return total
    }

    /// `a − b` exactly; `bad_response` when either is not a decimal in range.
    private static func difference(_ a: String, _ b: String) throws -> String {
        guard let result = DecimalString.subtract(a, b) else {
            throw ExchangeError(.badResponse, exchange: .binance, detail: "non-decimal amount in a wallet")
        }
        return result
    }
}
