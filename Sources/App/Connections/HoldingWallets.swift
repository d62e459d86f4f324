import Exchanges
import Store

/// Where on the exchange a holding sits, as API responses show it: one row per wallet and exchange asset id
/// (table `holding_wallets`, written by `HoldingsWriter` with the holdings).
struct WalletView: Encodable {
    /// Wallet name ("spot", "funding", "earn-flexible", "staked", "profile:<id>", ...).
    let wallet: String
    /// The asset id exactly as the exchange sent it ("XBT.M", "LDUSDT").
    let rawAsset: String
    /// Decimal strings; `total` is `free + locked`.
    let free: String
    let locked: String
    let total: String

    /// The wallet rows of the holdings `scope` selects, by holding id, in wallet order. `scope` is a condition
    /// on `holdings h` and `portfolios p` with its own bindings (e.g. `p.user_id = ?`).
    static func byHolding(where scope: String, _ bindings: [SQLValue], in db: Connection) throws -> [Int: [WalletView]] {
        let rows = try db.query("""
            SELECT w.holding_id, w.wallet, w.raw_asset, w.free, w.locked
            FROM holding_wallets w JOIN holdings h ON h.id = w.holding_id JOIN portfolios p ON p.id = h.portfolio_id
            WHERE \(scope) ORDER BY w.wallet, w.raw_asset
            """, bindings)
        var result: [Int: [WalletView]] = [:]
        for row in rows {
            guard let holding = row.int("holding_id"), let wallet = row.string("wallet"), let raw = row.string("raw_asset"),
                  let free = row.string("free"), let locked = row.string("locked") else { continue }
            result[holding, default: []].append(WalletView(
                wallet: wallet, rawAsset: raw, free: free, locked: locked, total: DecimalString.add(free, locked) ?? free))
        }
        return result
    }
}
