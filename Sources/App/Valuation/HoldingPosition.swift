/// One holding to value: what one connection holds of one asset, with its wallets when the exchange reports them
/// (the lead maps `HoldingStore`'s rows into these).
public struct HoldingPosition: Sendable, Equatable {
    /// The connection holding it.
    public var connectionID: String
    /// The connection's exchange (`ExchangeID.rawValue`): its markets win path ties (`PriceBook` rule 3a).
    public var exchange: String
    /// The canonical asset id, e.g. "BTC".
    public var asset: String
    /// The total quantity, a decimal string; one that is negative or not a decimal makes the row unpriced.
    public var quantity: String
    /// The quantity per wallet ("spot", "funding", …), empty when the exchange reports no wallets.
    public var wallets: [WalletAmount]

    public init(connectionID: String, exchange: String, asset: String, quantity: String, wallets: [WalletAmount] = []) {
        self.connectionID = connectionID
        self.exchange = exchange
        self.asset = asset
        self.quantity = quantity
        self.wallets = wallets
    }
}

/// A holding's quantity in one wallet.
public struct WalletAmount: Sendable, Equatable {
    /// The wallet's name ("spot", "funding", "earn-flexible", "staked").
    public var wallet: String
    /// The quantity in it, a decimal string.
    public var amount: String

    public init(wallet: String, amount: String) {
        self.wallet = wallet
        self.amount = amount
    }
}
