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
    /// Wallet name, e.g. "spot", "staked", "main", "simple-earn".
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

    /// Permissions with the given flags.
    public init(canRead: Bool, canTrade: Bool?, canWithdraw: Bool?) {
        self.canRead = canRead
        self.canTrade = canTrade
        self.canWithdraw = canWithdraw
    }

    /// True when the key is known to be unable to trade and withdraw; false when it can or when unknown.
    public var isKnownReadOnly: Bool { canTrade == false && canWithdraw == false }
}
