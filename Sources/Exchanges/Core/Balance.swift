import Foundation

/// One asset's holdings on an exchange, summed over the exchange's wallets. Amounts are canonical decimal strings.
public struct Balance: Sendable, Equatable, Codable {
    /// Canonical asset symbol (e.g. "BTC", never "XXBT").
    public var asset: String
    /// Amount available to trade or withdraw.
    public var free: String
    /// Amount held by orders or locked in products.
    public var locked: String
    /// `free + locked`.
    public var total: String
    /// Where the amount sits, one entry per exchange wallet/raw asset id that was folded in.
    public var wallets: [WalletBalance]

    /// A balance with the given parts.
    public init(asset: String, free: String, locked: String, total: String, wallets: [WalletBalance] = []) {
        self.asset = asset
        self.free = free
        self.locked = locked
        self.total = total
        self.wallets = wallets
    }
}

/// One exchange row that went into a `Balance`: the wallet it came from and the exchange's own asset id.
public struct WalletBalance: Sendable, Equatable, Codable {
    /// Wallet name, e.g. "spot", "staked", "main", "earn-flexible".
    public var wallet: String
    /// The asset id exactly as the exchange sent it (e.g. "XBT.M", "LDUSDT").
    public var rawAsset: String
    /// Available part of this row.
    public var free: String
    /// Held part of this row.
    public var locked: String

    /// A wallet row.
    public init(wallet: String, rawAsset: String, free: String, locked: String) {
        self.wallet = wallet
        self.rawAsset = rawAsset
        self.free = free
        self.locked = locked
    }
}

/// What a key is allowed to do, as far as the exchange tells. `nil` means the exchange offers no way to ask.
public struct KeyPermissions: Sendable, Equatable, Codable {
    /// The key can read balances (true whenever the check succeeded at all).
    public var canRead: Bool
    /// The key can place orders.
    public var canTrade: Bool?
    /// The key can withdraw or transfer funds out.
    public var canWithdraw: Bool?
    /// When the exchange will stop accepting the key, where it reports one (Bybit `expiredAt` for keys without
    /// an IP binding, §B.5); nil when the key does not expire or the exchange does not say.
    public var expiresAt: Date?

    /// Permissions with the given flags.
    public init(canRead: Bool, canTrade: Bool?, canWithdraw: Bool?, expiresAt: Date? = nil) {
        self.canRead = canRead
        self.canTrade = canTrade
        self.canWithdraw = canWithdraw
        self.expiresAt = expiresAt
    }

    /// True when the key is known to be unable to trade and withdraw; false when it can or when unknown.
    public var isKnownReadOnly: Bool { canTrade == false && canWithdraw == false }
}

/// What one read of an account found: every balance of the wallets read, and the wallets that were not read
/// because the exchange said the key lacks permission for them.
///
/// A wallet the key may read but that failed to answer never appears here: that read fails as a whole, so the
/// holdings stay untouched (issue 11, "a failure to read one wallet fails the sync").
public struct AccountBalances: Sendable, Equatable {
    /// Every non-zero balance, one per canonical asset, summed over the wallets read.
    public var balances: [Balance]
    /// Wallets skipped because the key may not read them, in the order they were tried.
    public var unreadWallets: [UnreadWallet]
    /// Things the read noticed but did not count, for logs: wallets that disagree (Binance `LD…` rows versus
    /// Simple Earn, exchanges.md §7.3), amounts not counted (funding `withdrawing`). Never money that is counted.
    public var notes: [String]

    /// Balances of a read, with the wallets it could not read and its notes.
    public init(balances: [Balance], unreadWallets: [UnreadWallet] = [], notes: [String] = []) {
        self.balances = balances
        self.unreadWallets = unreadWallets
        self.notes = notes
    }
}

/// A wallet the key is not allowed to read, as the exchange said.
public struct UnreadWallet: Sendable, Equatable, Codable {
    /// Wallet name, as in `WalletBalance.wallet` (e.g. "funding", "earn-flexible").
    public var wallet: String
    /// Why, as a stable error code (today always `permission_denied`).
    public var reason: String
    /// What a person can do about it, e.g. "Enable 'Permits Universal Transfer' on the key to read it."
    public var message: String

    /// An unread wallet.
    public init(wallet: String, reason: String = ExchangeError.Code.permissionDenied.rawValue, message: String) {
        self.wallet = wallet
        self.reason = reason
        self.message = message
    }
}
