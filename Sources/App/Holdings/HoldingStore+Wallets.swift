import Exchanges
import Store

/// The `holding_wallets` part of the holdings aggregate: where on the exchange each holding sits.
extension HoldingStore {
    /// One wallet row of a holding: the wallet name ("spot", "funding", "earn-flexible", "staked",
    /// "profile:<id>", ...), the asset id exactly as the exchange sent it ("XBT.M", "LDUSDT"), and decimal
    /// strings.
    struct Wallet: Sendable, Equatable {
        let wallet: String
        let rawAsset: String
        let free: String
        let locked: String

        /// `free + locked`, exact; `free` when either is not a decimal (a bug upstream, shown rather than hidden).
        var total: String { DecimalString.add(free, locked) ?? free }
    }

    /// Replaces the wallet rows of one holding, in the caller's transaction. Rows with the same wallet and
    /// exchange id are summed exactly, so a client that reports one twice (it should not) cannot break the
    /// write on the table's primary key.
    static func replaceWallets(of holdingID: Int, with wallets: [WalletBalance], in db: Connection) throws {
        _ = try db.run("DELETE FROM holding_wallets WHERE holding_id = ?", [.int(holdingID)])
        var order: [String] = []
        var merged: [String: WalletBalance] = [:]
        for wallet in wallets {
            let key = wallet.wallet + "\u{0}" + wallet.rawAsset
            if var seen = merged[key] {
                seen.free = DecimalString.add(seen.free, wallet.free) ?? seen.free
                seen.locked = DecimalString.add(seen.locked, wallet.locked) ?? seen.locked
                merged[key] = seen
            } else {
                order.append(key)
                merged[key] = wallet
            }
        }
        for key in order {
            guard let wallet = merged[key] else { continue }
            _ = try db.run("INSERT INTO holding_wallets (holding_id, wallet, raw_asset, free, locked) VALUES (?, ?, ?, ?, ?)",
                           [.int(holdingID), .text(wallet.wallet), .text(wallet.rawAsset), .text(wallet.free),
                            .text(wallet.locked)])
        }
    }

    /// The wallet rows of the holdings in `scope`, by holding id, in wallet order.
    static func wallets(in scope: Scope, in db: Connection) throws -> [Int: [Wallet]] {
        let rows = try db.query("""
            SELECT w.holding_id, w.wallet, w.raw_asset, w.free, w.locked
            FROM holding_wallets w JOIN holdings h ON h.id = w.holding_id JOIN portfolios p ON p.id = h.portfolio_id
            WHERE \(scope.condition) ORDER BY w.wallet, w.raw_asset
            """, scope.bindings)
        var result: [Int: [Wallet]] = [:]
        for row in rows {
            guard let holding = row.int("holding_id"), let wallet = row.string("wallet"), let raw = row.string("raw_asset"),
                  let free = row.string("free"), let locked = row.string("locked") else { continue }
            result[holding, default: []].append(Wallet(wallet: wallet, rawAsset: raw, free: free, locked: locked))
        }
        return result
    }
}
