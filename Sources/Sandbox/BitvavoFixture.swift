import Foundation

/// Bitvavo-only parts of a sandbox account (`FixtureAccount.bitvavo`). The spot rows are the account's
/// `balances` (`free` = `available`, `locked` = `inOrder`, §C.1).
///
/// JSON: `{"staking": [{"symbol": "ETH", "amount": "0.75"}], "unconfirmedKey": true, "accountLocked": true,
/// "stakingRefused": true, "stakingErrorCode": 101, "weightLimit": 20}`.
public struct FixtureBitvavo: Codable, Sendable, Equatable {
    /// Fixed-staking positions served by `GET /v2/stakingBalance` (none when nil). Amounts are served as given,
    /// so a fixture can reproduce a hostile answer.
    public var staking: [FixtureBitvavoStaking]?
    /// The key was never confirmed from Bitvavo's e-mail: every signed call answers errorCode 306 (§C.4).
    public var unconfirmedKey: Bool?
    /// The account is locked: every signed call answers errorCode 317 (§C.5).
    public var accountLocked: Bool?
    /// `/v2/stakingBalance` answers errorCode 311 while `/v2/balance` works.
    public var stakingRefused: Bool?
    /// `/v2/stakingBalance` alone answers this errorCode (HTTP 500 for 101, 403 otherwise) while `/v2/balance`
    /// works: a staking failure that is not a missing right must fail the read.
    public var stakingErrorCode: Int?
    /// Weight per minute this key may spend (published: 1,000, §C.6); lower it to reach errorCode 110 quickly.
    public var weightLimit: Int?

    /// Knobs as given.
    public init(staking: [FixtureBitvavoStaking]? = nil, unconfirmedKey: Bool? = nil, accountLocked: Bool? = nil,
                stakingRefused: Bool? = nil, stakingErrorCode: Int? = nil, weightLimit: Int? = nil) {
        self.staking = staking
        self.unconfirmedKey = unconfirmedKey
        self.accountLocked = accountLocked
        self.stakingRefused = stakingRefused
        self.stakingErrorCode = stakingErrorCode
        self.weightLimit = weightLimit
    }
}

/// One fixed-staking position: `amount` of `symbol` (decimal string).
public struct FixtureBitvavoStaking: Codable, Sendable, Equatable {
    /// The ticker, as Bitvavo sends it.
    public var symbol: String
    /// The staked amount.
    public var amount: String

    /// A position.
    public init(symbol: String, amount: String) {
        self.symbol = symbol
        self.amount = amount
    }
}
