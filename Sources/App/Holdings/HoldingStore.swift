import Exchanges
import Foundation
import Store

/// The one owner of the holdings aggregate, tables `portfolios`, `tokens`, `holdings` and `holding_wallets`:
/// every statement on them is here or in `HoldingStore+Wallets.swift`. Callers open the transaction, so a
/// sync replaces holdings inside its one transaction and a handler reads several lists from one snapshot.
///
/// Amounts stay decimal strings from the exchange's text to the TEXT columns and back: never a Double.
enum HoldingStore {
    /// A portfolio as listings show it. `connectionID` and `exchange` are nil for a portfolio no connection owns.
    struct Portfolio: Sendable, Equatable {
        let id: String
        let name: String
        let connectionID: String?
        let exchange: String?
    }

    /// One holding: an asset's amounts in one portfolio (decimal strings; `free`/`locked` nil on rows written
    /// before they were recorded), with its wallet rows in wallet order.
    struct Holding: Sendable, Equatable {
        let id: Int
        let portfolioID: String
        let asset: String
        let amount: String
        let free: String?
        let locked: String?
        /// ISO-8601 UTC text of the sync that last wrote it.
        let updatedAt: String
        let wallets: [Wallet]
    }

    /// The id of the portfolio owned by `connectionID`, creating it (owned by `userID`, named `name`) if needed.
    static func portfolioID(for connectionID: String, userID: String, name: String, at now: String, in db: Connection) throws -> String {
        if let id = try db.queryOne("SELECT id FROM portfolios WHERE exchange_connection_id = ?", [.text(connectionID)])?.string("id") {
            return id
        }
        let id = UUIDs.make()
        _ = try db.run("""
            INSERT INTO portfolios (id, user_id, exchange_connection_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(id), .text(userID), .text(connectionID), .text(name), .text(now), .text(now)])
        return id
    }

    /// Replaces the holdings of `portfolioID` with `balances` and returns how many holdings it now has.
    ///
    /// Upserts every non-zero balance (creating unknown tokens) with its wallet rows, then deletes holdings of
    /// assets that are gone or zero (their wallet rows go with them: `ON DELETE CASCADE`). A holding that stays
    /// keeps its id, so nothing that refers to it is orphaned. An asset read twice counts once, as read last.
    /// Runs in the caller's transaction (the sync's), in a few statements whatever the number of assets (rows go
    /// `rowsPerStatement` at a time): on PostgreSQL each statement is a round trip the sync's lock is held for.
    static func replace(portfolioID: String, with balances: [Balance], at now: String, in db: Connection) throws -> Int {
        var latest: [String: Balance] = [:]
        var order: [String] = []
        for balance in balances where !DecimalString.isZero(balance.total) {
            if latest[balance.asset] == nil { order.append(balance.asset) }
            latest[balance.asset] = balance
        }
        let held = order.compactMap { latest[$0] }
        let tokenIDs = try tokenIDs(for: order, at: now, in: db)
        var holdingIDs: [String: Int] = [:]
        for chunk in held.chunks(of: rowsPerStatement) {
            var bindings: [SQLValue] = []
            for balance in chunk {
                guard let tokenID = tokenIDs[balance.asset] else { throw HoldingStoreError.tokenMissing(balance.asset) }
                bindings += [.text(portfolioID), .int(tokenID), .text(balance.total), .text(balance.free),
                             .text(balance.locked), .text(now), .text(now)]
            }
            let symbols = Dictionary(chunk.compactMap { balance in tokenIDs[balance.asset].map { ($0, balance.asset) } },
                                     uniquingKeysWith: { first, _ in first })
            for row in try db.query("""
                INSERT INTO holdings (portfolio_id, token_id, amount, free, locked, created_at, updated_at)
                VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "))
                ON CONFLICT(portfolio_id, token_id) DO UPDATE SET amount = excluded.amount, free = excluded.free,
                    locked = excluded.locked, updated_at = excluded.updated_at
                RETURNING id, token_id
                """, bindings) {
                if let id = row.int("id"), let tokenID = row.int("token_id"), let symbol = symbols[tokenID] {
                    holdingIDs[symbol] = id
                }
            }
        }
        try replaceWallets(ofPortfolio: portfolioID, with: held.compactMap { balance in
            holdingIDs[balance.asset].map { (holdingID: $0, wallets: balance.wallets) }
        }, in: db)
        let kept = Set(held.compactMap { tokenIDs[$0.asset] })
        let gone = try db.query("SELECT token_id FROM holdings WHERE portfolio_id = ?", [.text(portfolioID)])
            .compactMap { $0.int("token_id") }.filter { !kept.contains($0) }
        for chunk in gone.chunks(of: rowsPerStatement) {
            _ = try db.run("DELETE FROM holdings WHERE portfolio_id = ? AND token_id IN (\(chunk.map { _ in "?" }.joined(separator: ", ")))",
                           [.text(portfolioID)] + chunk.map { .int($0) })
        }
        return held.count
    }

    /// Rows per multi-row statement: far below SQLite's 32,766 parameters, and enough for any account in one.
    static let rowsPerStatement = 200

    /// The `tokens` ids of `symbols`, inserting the symbols not seen before. One query finds the known ones (the
    /// usual case: one round trip for every asset of a sync); new ones are inserted in symbol order, so two syncs
    /// adding the same new symbols at once (each waiting, at READ COMMITTED, for the other's uncommitted insert)
    /// always take them in the same order and cannot deadlock.
    private static func tokenIDs(for symbols: [String], at now: String, in db: Connection) throws -> [String: Int] {
        let wanted = Array(Set(symbols)).sorted()
        guard !wanted.isEmpty else { return [:] }
        var ids = try knownTokenIDs(wanted, in: db)
        let missing = wanted.filter { ids[$0] == nil }
        guard !missing.isEmpty else { return ids }
        for symbol in missing {
            _ = try db.run("INSERT INTO tokens (symbol, created_at) VALUES (?, ?) ON CONFLICT(symbol) DO NOTHING",
                           [.text(symbol), .text(now)])
        }
        ids.merge(try knownTokenIDs(missing, in: db)) { old, _ in old }
        return ids
    }

    /// The ids of those of `symbols` that `tokens` has.
    private static func knownTokenIDs(_ symbols: [String], in db: Connection) throws -> [String: Int] {
        let placeholders = symbols.map { _ in "?" }.joined(separator: ", ")
        var ids: [String: Int] = [:]
        for row in try db.query("SELECT id, symbol FROM tokens WHERE symbol IN (\(placeholders))", symbols.map { .text($0) }) {
            if let symbol = row.string("symbol"), let id = row.int("id") { ids[symbol] = id }
        }
        return ids
    }

    static func portfolios(ofUser userID: String, in db: Connection) throws -> [Portfolio] {
        try db.query("""
            SELECT p.id, p.name, p.exchange_connection_id, c.exchange
            FROM portfolios p LEFT JOIN exchange_connections c ON c.id = p.exchange_connection_id
            WHERE p.user_id = ? ORDER BY p.created_at, p.id
            """, [.text(userID)]).compactMap { row in
            guard let id = row.string("id") else { return nil }
            return Portfolio(id: id, name: row.string("name") ?? "", connectionID: row.string("exchange_connection_id"),
                             exchange: row.string("exchange"))
        }
    }

    /// Every holding in `userID`'s portfolios, by asset symbol, with its wallets.
    static func holdings(ofUser userID: String, in db: Connection) throws -> [Holding] {
        try holdings(in: .user(userID), in: db)
    }

    /// The holdings of the portfolio `connectionID` owns, by asset symbol, with their wallets.
    static func holdings(ofConnection connectionID: String, in db: Connection) throws -> [Holding] {
        try holdings(in: .connection(connectionID), in: db)
    }

    /// How many portfolios `userID` owns and how many holdings are in them (what deleting the user removes).
    static func counts(ofUser userID: String, in db: Connection) throws -> (portfolios: Int, holdings: Int) {
        let row = try db.queryOne("""
            SELECT (SELECT count(*) FROM portfolios WHERE user_id = ?1) AS portfolios,
                   (SELECT count(*) FROM holdings h JOIN portfolios p ON p.id = h.portfolio_id WHERE p.user_id = ?1) AS holdings
            """, [.text(userID)])
        return (row?.int("portfolios") ?? 0, row?.int("holdings") ?? 0)
    }

    /// Which portfolios a listing reads: a user's, or the one a connection owns. Each case is one fixed
    /// condition on `portfolios p`, so no caller text ever reaches the SQL.
    enum Scope {
        case user(String)
        case connection(String)

        var condition: String {
            switch self {
            case .user: "p.user_id = ?"
            case .connection: "p.exchange_connection_id = ?"
            }
        }

        var bindings: [SQLValue] {
            switch self {
            case .user(let id), .connection(let id): [.text(id)]
            }
        }
    }

    /// The holdings in `scope`, by symbol, with their wallets; both queries run in the caller's transaction.
    private static func holdings(in scope: Scope, in db: Connection) throws -> [Holding] {
        let wallets = try self.wallets(in: scope, in: db)
        return try db.query("""
            SELECT h.id, h.portfolio_id, t.symbol, h.amount, h.free, h.locked, h.updated_at
            FROM holdings h JOIN tokens t ON t.id = h.token_id JOIN portfolios p ON p.id = h.portfolio_id
            WHERE \(scope.condition) ORDER BY t.symbol, h.portfolio_id
            """, scope.bindings).compactMap { row in
            guard let id = row.int("id"), let portfolioID = row.string("portfolio_id"), let asset = row.string("symbol"),
                  let amount = row.string("amount") else { return nil }
            return Holding(id: id, portfolioID: portfolioID, asset: asset, amount: amount, free: row.string("free"),
                           locked: row.string("locked"), updatedAt: row.string("updated_at") ?? "",
                           wallets: wallets[id] ?? [])
        }
    }
}

/// A holdings table broke an invariant the schema should guarantee.
enum HoldingStoreError: Error, CustomStringConvertible {
    case tokenMissing(String)

    var description: String {
        switch self {
        case .tokenMissing(let symbol): "token \(symbol) is missing right after its insert"
        }
    }
}
