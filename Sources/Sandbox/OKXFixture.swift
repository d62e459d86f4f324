import Foundation

/// OKX-only parts of a sandbox account (`FixtureAccount.okx`; exchanges-okx-bybit-bitvavo.md §A.1, §A.5).
/// The trading account's rows stay in `FixtureAccount.balances` (`free` = `availBal`, `locked` = `frozenBal`,
/// `liability` = `liab`: the borrowed knob).
///
/// JSON shape:
/// ```json
/// {"funding": [{"asset": "BETH", "free": "0.3", "locked": "0"}],
///  "savings": [{"asset": "USDT", "amount": "1000"}], "onchain": [{"asset": "DOT", "amount": "50"}],
///  "ethStaking": "0.3", "solStaking": "0", "perm": "read_only",
///  "permissionDenied": ["earn-flexible"], "serverError": {"funding": 503}, "demoKey": false}
/// ```
/// Wallet names are the client's: `funding`, `earn-flexible`, `earn-onchain`.
public struct FixtureOKX: Codable, Sendable, Equatable {
    /// Funding account rows (`GET /api/v5/asset/balances`): `free` is `availBal`, `locked` `frozenBal`.
    public var funding: [FixtureBalance]?
    /// Simple Earn flexible holdings (`GET /api/v5/finance/savings/balance` `amt`).
    public var savings: [FixtureEarnPosition]?
    /// Active On-chain Earn orders, one invested currency each (`…/staking-defi/orders-active` `investData`).
    public var onchain: [FixtureEarnPosition]?
    /// The staking-overlap knob: the account-wide BETH that `GET /api/v5/finance/staking-defi/eth/balance`
    /// reports. Real OKX includes the BETH already in trading and funding here (§A.1 double-count trap), so a
    /// fixture sets it to (at least) that sum; a client that adds it counts those coins twice.
    public var ethStaking: String?
    /// As `ethStaking`, for OKSOL on `GET /api/v5/finance/staking-defi/sol/balance`.
    public var solStaking: String?
    /// `perm` of `GET /api/v5/account/config` (§A.5); nil: `read_only`, plus `trade`/`withdraw` from the
    /// account's `canTrade`/`canWithdraw`.
    public var perm: String?
    /// Wallets whose endpoint answers a permission error (funding 50120, the Earn endpoints 50030, §A.6) while
    /// the trading account still works.
    public var permissionDenied: [String]?
    /// Wallets (`trading` too) whose endpoint answers this 5xx status with OKX's 50001 body.
    public var serverError: [String: Int]?
    /// The key was made inside Demo Trading: it works only with `x-simulated-trading: 1` (§A.2), and a live
    /// request answers 50101 (as a live key with the header does).
    public var demoKey: Bool?

    /// Wallets and knobs as given.
    public init(
        funding: [FixtureBalance]? = nil, savings: [FixtureEarnPosition]? = nil, onchain: [FixtureEarnPosition]? = nil,
        ethStaking: String? = nil, solStaking: String? = nil, perm: String? = nil, permissionDenied: [String]? = nil,
        serverError: [String: Int]? = nil, demoKey: Bool? = nil
    ) {
        self.funding = funding
        self.savings = savings
        self.onchain = onchain
        self.ethStaking = ethStaking
        self.solStaking = solStaking
        self.perm = perm
        self.permissionDenied = permissionDenied
        self.serverError = serverError
        self.demoKey = demoKey
    }
}
