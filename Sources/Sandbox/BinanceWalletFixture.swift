import Foundation

/// A Binance account's holdings beyond the spot wallet (exchanges.md §7.1–§7.4) and the faults its wallet
/// endpoints can show. Spot rows stay in `FixtureAccount.balances` (with their `LD…` mirrors of flexible
/// positions, as Binance shows them, §7.3).
///
/// JSON shape:
/// ```json
/// {"funding": [{"asset": "USDT", "free": "25", "locked": "0", "freeze": "1", "withdrawing": "0"}],
///  "flexible": [{"asset": "USDT", "amount": "100"}], "locked": [{"asset": "ETH", "amount": "0.5"}],
///  "bfusd": "0", "rwusd": "10",
///  "permissionDenied": ["funding"], "serverError": {"earn-locked": 503}, "pagingFault": "repeatPage"}
/// ```
/// Wallet names are the client's: `funding`, `earn-flexible`, `earn-locked`, `bfusd`, `rwusd`.
public struct FixtureBinanceWallets: Codable, Sendable, Equatable {
    /// Funding wallet rows (`POST /sapi/v1/asset/get-funding-asset`).
    public var funding: [FixtureFundingAsset]?
    /// Simple Earn flexible positions (`GET /sapi/v1/simple-earn/flexible/position`).
    public var flexible: [FixtureEarnPosition]?
    /// Simple Earn locked positions (`GET /sapi/v1/simple-earn/locked/position`).
    public var locked: [FixtureEarnPosition]?
    /// `bfusdAmount` of `GET /sapi/v1/bfusd/account` ("0" when nil).
    public var bfusd: String?
    /// `rwusdAmount` of `GET /sapi/v1/rwusd/account` ("0" when nil).
    public var rwusd: String?
    /// Wallets whose endpoint answers 401 `-2015` (the key lacks the permission) while spot still works.
    public var permissionDenied: [String]?
    /// Wallets whose endpoint answers this 5xx status with Binance's `-1001` internal-error body.
    public var serverError: [String: Int]?
    /// Simple Earn paging that cannot be proven complete, on both position listings.
    public var pagingFault: EarnPagingFault?

    /// Wallets as given.
    public init(
        funding: [FixtureFundingAsset]? = nil, flexible: [FixtureEarnPosition]? = nil,
        locked: [FixtureEarnPosition]? = nil, bfusd: String? = nil, rwusd: String? = nil,
        permissionDenied: [String]? = nil, serverError: [String: Int]? = nil, pagingFault: EarnPagingFault? = nil
    ) {
        self.funding = funding
        self.flexible = flexible
        self.locked = locked
        self.bfusd = bfusd
        self.rwusd = rwusd
        self.permissionDenied = permissionDenied
        self.serverError = serverError
        self.pagingFault = pagingFault
    }
}

/// One funding-wallet asset (exchanges.md §7.1); amounts are decimal strings, missing ones "0".
public struct FixtureFundingAsset: Codable, Sendable, Equatable {
    /// Asset, e.g. "USDT".
    public var asset: String
    /// `free`.
    public var free: String
    /// `locked`.
    public var locked: String?
    /// `freeze`.
    public var freeze: String?
    /// `withdrawing`.
    public var withdrawing: String?

    /// A row.
    public init(asset: String, free: String, locked: String? = nil, freeze: String? = nil, withdrawing: String? = nil) {
        self.asset = asset
        self.free = free
        self.locked = locked
        self.freeze = freeze
        self.withdrawing = withdrawing
    }
}

/// One Simple Earn position (exchanges.md §7.2): `amount` of `asset`, served as flexible `totalAmount` or
/// locked `amount`.
public struct FixtureEarnPosition: Codable, Sendable, Equatable {
    /// Asset, e.g. "USDT".
    public var asset: String
    /// Amount held (decimal string).
    public var amount: String

    /// A position.
    public init(asset: String, amount: String) {
        self.asset = asset
        self.amount = amount
    }
}

/// Simple Earn listings that cannot be proven complete (exchanges.md §7.2 paging).
public enum EarnPagingFault: String, Codable, Sendable, CaseIterable {
    /// Every page is the first page again (same rows, same `total`).
    case repeatPage
    /// Pages after the first report a `total` one higher.
    case totalChanges
    /// Pages come without `total`.
    case missingTotal
    /// Pages come without `rows`.
    case missingRows
    /// `total` claims 100 more positions than the listing has: the pages run out with rows missing.
    case totalTooLarge
}
