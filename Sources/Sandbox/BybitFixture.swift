import Foundation

/// Bybit-only parts of a sandbox account (`FixtureAccount.bybit`); every field is optional and defaults to an
/// ordinary read-only UTA 2.0 key bound to an IP.
///
/// Holdings are the account's `balances`, placed by `wallet` (exchanges-okx-bybit-bitvavo.md §B.2): none or
/// `unified` → the Unified Trading Account (`walletBalance = free + locked`, gross; `liability` is the borrowed
/// part inside it, served as `spotBorrow` and `borrowAmount`), `contract` → the UTA 1.0 inverse wallet,
/// `funding` → FUND, `earn-flexible` / `earn-onchain` → Earn positions (`amount = free + locked`).
public struct FixtureBybit: Codable, Sendable, Equatable {
    /// `unifiedMarginStatus` of `/v5/account/info` (§B.1): 1 classic, 3/4 UTA 1.0, 5/6 UTA 2.0 (default 6).
    public var accountMode: Int?
    /// `readOnly` of `/v5/user/query-api` (§B.5): 1 read-only, 0 read-write (default: 0 when `canTrade`, else 1).
    public var readOnly: Int?
    /// `Withdraw` in the key's `Wallet` scope (default: `canWithdraw`).
    public var withdrawScope: Bool?
    /// `deadlineDay` (days until expiry; default −2, an IP-bound key that never expires, §B.5).
    public var deadlineDay: Int?
    /// `expiredAt` (ISO 8601; default now + `deadlineDay` days, or 1970-01-01 for an IP-bound key).
    public var expiredAt: String?
    /// The key has expired: every signed call answers 33004 (§B.5).
    public var expired: Bool?
    /// The key lacks the Earn scope: `/v5/earn/position` answers 10005 (§B.5).
    public var earnScopeMissing: Bool?
    /// The key lacks the Wallet scope: the FUND balance answers 10005 (§B.5, JKorf/Bybit.Net#173).
    public var fundPermissionDenied: Bool?
    /// The request comes from a US/mainland-China IP: HTTP 403 on every request with this key (§B.1).
    public var usIP: Bool?
    /// The IP exceeded 600 requests per 5 s: HTTP 403 "access too frequent" (§B.6, §B.7).
    public var ipRateLimited: Bool?
    /// A broker-app key ("Connect to Third-Party Applications"), the only kind Bybit EU accepts (§B.1).
    public var brokerKey: Bool?
    /// `accruedInterest` per unified coin (default "0").
    public var accruedInterest: [String: String]?
    /// On-chain Earn coins whose product is in LST mode, with the `swapCoin` their position names (§B.2).
    public var swapCoins: [String: String]?
    /// Extra rows of the asset overview, for funds no other call shows (bots, copy trading, loans; §B.2).
    public var overviewExtras: [FixtureBybitOverviewRow]?

    /// Defaults everywhere.
    public init() {}
}

/// One extra account type in the asset overview: its `accountType` and `equity` (valuation currency).
public struct FixtureBybitOverviewRow: Codable, Sendable, Equatable {
    /// E.g. `TradingBot`, `CopyTrading`, `CryptoLoans`.
    public var accountType: String
    /// Decimal text, may be negative (loans).
    public var equity: String

    /// A row.
    public init(accountType: String, equity: String) {
        self.accountType = accountType
        self.equity = equity
    }
}
