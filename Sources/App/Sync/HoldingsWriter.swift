import Exchanges
import Foundation
import Store

/// Replaces a portfolio's holdings with a fresh set of balances, inside the caller's transaction.
///
/// Upserts every non-zero balance (creating unknown tokens) with its wallet rows, then deletes holdings of
/// assets that are gone or zero (their wallet rows go with them: `ON DELETE CASCADE`). Amounts stay decimal
/// strings from the exchange's text to SQLite's TEXT: never a Double.
enum HoldingsWriter {
    /// Writes `balances` to `portfolioID` and returns how many holdings it now has.
    static func replace(portfolioID: String, with balances: [Balance], at now: String, in db: Connection) throws -> Int {
        var keptTokenIDs: [Int64] = []
        for balance in balances where !DecimalString.isZero(balance.total) {
            try db.run("INSERT INTO tokens (symbol, created_at) VALUES (?, ?) ON CONFLICT(symbol) DO NOTHING",
                       [.text(balance.asset), .text(now)])
            guard let tokenID = try db.queryOne("SELECT id FROM tokens WHERE symbol = ?", [.text(balance.asset)])?.int("id") else {
                continue
            }
            guard let holdingID = try db.queryOne("""
                INSERT INTO holdings (portfolio_id, token_id, amount, free, locked, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(portfolio_id, token_id) DO UPDATE SET amount = excluded.amount, free = excluded.free,
                    locked = excluded.locked, updated_at = excluded.updated_at
                RETURNING id
                """, [.text(portfolioID), .int(tokenID), .text(balance.total), .text(balance.free), .text(balance.locked),
                      .text(now), .text(now)])?.int("id") else { continue }
            try replaceWallets(of: holdingID, with: balance.wallets, in: db)
            keptTokenIDs.append(Int64(tokenID))
        }
        let rows = try db.query("SELECT token_id FROM holdings WHERE portfolio_id = ?", [.text(portfolioID)])
        let kept = Set(keptTokenIDs)
        for row in rows {
            guard let tokenID = row.int("token_id"), !kept.contains(Int64(tokenID)) else { continue }
            try db.run("DELETE FROM holdings WHERE portfolio_id = ? AND token_id = ?", [.text(portfolioID), .int(tokenID)])
        }
        return kept.count
    }

    /// Replaces the wallet rows of one holding. Rows with the same wallet and exchange id are summed exactly,
    /// so a client that reports one twice (it should not) cannot break the write.
    private static func replaceWallets(of holdingID: Int, with wallets: [WalletBalance], in db: Connection) throws {
        try db.run("DELETE FROM holding_wallets WHERE holding_id = ?", [.int(holdingID)])
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
            try db.run("INSERT INTO holding_wallets (holding_id, wallet, raw_asset, free, locked) VALUES (?, ?, ?, ?, ?)",
                       [.int(holdingID), .text(wallet.wallet), .text(wallet.rawAsset), .text(wallet.free), .text(wallet.locked)])
        }
    }

    /// The id of the portfolio owned by `connectionID`, creating it if needed.
    static func portfolioID(for connectionID: String, userID: String, name: String, at now: String, in db: Connection) throws -> String {
        if let id = try db.queryOne("SELECT id FROM portfolios WHERE exchange_connection_id = ?", [.text(connectionID)])?.string("id") {
            return id
        }
        let id = UUIDs.make()
        try db.run("INSERT INTO portfolios (id, user_id, exchange_connection_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                   [.text(id), .text(userID), .text(connectionID), .text(name), .text(now), .text(now)])
        return id
    }
}
