/// Where on the exchange a holding sits, as API responses show it: one row per wallet and exchange asset id
/// (a `HoldingStore.Wallet`, with its total).
struct WalletView: Encodable {
    /// Wallet name ("spot", "funding", "earn-flexible", "staked", "profile:<id>", ...).
    let wallet: String
    /// The asset id exactly as the exchange sent it ("XBT.M", "LDUSDT").
    let rawAsset: String
    /// Decimal strings; `total` is `free + locked`.
    let free: String
    let locked: String
    let total: String

    init(_ stored: HoldingStore.Wallet) {
        wallet = stored.wallet
        rawAsset = stored.rawAsset
        free = stored.free
        locked = stored.locked
        total = stored.total
    }
}
