import Foundation

/// The two places a retail Bitvavo account holds assets (exchanges-okx-bybit-bitvavo.md §C.1) and how their
/// rows become `RawBalance`s.
///
/// - `spot`: `GET /v2/balance`, rows `{symbol, available, inOrder}`; the holding is `available + inOrder`
///   (verified: ccxt `parse_balance`), `inOrder` counted as locked.
/// - `staking`: `GET /v2/stakingBalance`, rows `{symbol, amount}`: assets in **fixed** staking, "not available
///   for trading" (verified: Bitvavo docs `rest-api/get-staking-balance`), counted as locked.
///
/// Disjointness (UNVERIFIED, §C.1): the docs send readers to `/balance` for tradable funds and describe staked
/// funds as not tradable, from which we infer that a staked coin is not also in `/balance`. Decided: the two
/// are summed. If that inference is ever disproved on a real account, staking must become a label instead of a
/// bucket (as OKX's account-wide staking calls, §E.6). Flexible staking/lending has no endpoint (UNVERIFIED) and
/// is assumed to stay inside `/balance`.
///
/// Asset ids (§C.7): plain tickers, kept as sent, except `MIOTA`, which is folded into `IOTA` as ccxt does
/// (verified: ccxt `bitvavo.commonCurrencies`) so it matches the symbol the other exchanges use; the wallet row
/// keeps `MIOTA` as its raw id.
enum BitvavoWallets {
    /// Wallet name of `/v2/balance` rows.
    static let spot = "spot"
    /// Wallet name of `/v2/stakingBalance` rows.
    static let staking = "staking"

    /// One `/v2/balance` row; every field required (an answer without them proves nothing).
    struct SpotRow: Decodable, Sendable {
        let symbol: String
        let available: AmountText
        let inOrder: AmountText
    }

    /// One `/v2/stakingBalance` row.
    struct StakingRow: Decodable, Sendable {
        let symbol: String
        let amount: AmountText
    }

    /// Bitvavo ids Holdfast renames (§C.7).
    static let renamed: [String: String] = ["MIOTA": "IOTA"]

    /// `/v2/balance` rows as `spot` wallet rows. Throws `bad_response` for a symbol or amount that cannot be a
    /// holding (see `row`) and for a symbol listed twice (one row per asset is the contract; a repeat could
    /// count a coin twice).
    static func spotRows(_ rows: [SpotRow]) throws -> [RawBalance] {
        try unique(rows.map { try row(spot, symbol: $0.symbol, free: $0.available.text, locked: $0.inOrder.text) })
    }

    /// `/v2/stakingBalance` rows as `staking` wallet rows (all locked), checked as `spotRows`.
    static func stakingRows(_ rows: [StakingRow]) throws -> [RawBalance] {
        try unique(rows.map { try row(staking, symbol: $0.symbol, free: "0", locked: $0.amount.text) })
    }

    /// One checked row: the symbol is 1–32 ASCII letters or digits; each amount a decimal in range and not
    /// negative (Bitvavo has no borrowing, so a negative holding is a broken answer, never a debt).
    private static func row(_ wallet: String, symbol: String, free: String, locked: String) throws -> RawBalance {
        guard !symbol.isEmpty, symbol.utf8.count <= 32,
              symbol.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) })
        else { throw ExchangeError(.badResponse, exchange: .bitvavo, detail: "unreadable symbol in \(wallet)") }
        for amount in [free, locked] {
            guard let canonical = DecimalString.canonical(amount), !canonical.hasPrefix("-") else {
                throw ExchangeError(.badResponse, exchange: .bitvavo,
                                    detail: "non-decimal or negative amount for \(symbol.prefix(32)) in \(wallet)")
            }
        }
        let raw = symbol.uppercased()
        return RawBalance(wallet: wallet, asset: raw, free: free, locked: locked,
                          normalized: AssetNormalizer.Normalized(asset: renamed[raw] ?? raw, wallet: wallet))
    }

    /// `rows` unchanged when no symbol repeats; `bad_response` otherwise.
    private static func unique(_ rows: [RawBalance]) throws -> [RawBalance] {
        var seen = Set<String>()
        for row in rows where !seen.insert(row.asset).inserted {
            throw ExchangeError.incompleteListing(.bitvavo, detail: "symbol \(row.asset.prefix(32)) listed twice in \(row.wallet)")
        }
        return rows
    }
}
