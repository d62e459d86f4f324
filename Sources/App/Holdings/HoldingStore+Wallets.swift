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

    /// Replaces the wallet rows of every holding of `portfolioID` with `holdings`' wallets (rows of the same
    /// wallet and raw asset merged: their amounts added), in the caller's transaction: one delete, then the rows
    /// `rowsPerStatement` at a time. Holdings not listed keep no wallet rows.
    static func replaceWallets(ofPortfolio portfolioID: String, with holdings: [(holdingID: Int, wallets: [WalletBalance])],
                               in db: Connection) throws {
        _ = try db.run("DELETE FROM holding_wallets WHERE holding_id IN (SELECT id FROM holdings WHERE portfolio_id = ?)",
                       [.text(portfolioID)])
        let rows = holdings.flatMap { holding in merged(holding.wallets).map { (holding.holdingID, $0) } }
        for chunk in rows.chunks(of: HoldingStore.rowsPerStatement) {
            let bindings = chunk.flatMap { holdingID, wallet -> [SQLValue] in
                [.int(holdingID), .text(wallet.wallet), .text(wallet.rawAsset), .text(wallet.free), .text(wallet.locked)]
            }
            _ = try db.run("""
                INSERT INTO holding_wallets (holding_id, wallet, raw_asset, free, locked)
                VALUES \(Array(repeating: "(?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "))
                """, bindings)
        }
    }

    /// `wallets` with rows of the same wallet and raw asset merged (amounts added), in first-seen order.
    private static func merged(_ wallets: [WalletBalance]) -> [WalletBalance] {
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
        return order.compactMap { merged[$0] }
    }

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
