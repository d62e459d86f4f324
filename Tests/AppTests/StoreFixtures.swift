import Foundation
import Store
@testable import App

/// Rows the store tests need that belong to other stores' tables, written directly so a store test depends on
/// nothing but the schema (the real migrations) and the store under test.
enum StoreFixtures {
    /// A fixed instant, so expiry tests never race the wall clock.
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)
    static let now = Timestamp.format(epoch)

    /// Inserts a user `email` with a placeholder hash and returns its id.
    @discardableResult
    static func user(_ email: String, in database: Database, at createdAt: String = now) throws -> String {
        let id = UUID().uuidString.lowercased()
        try database.write { db in
            try UserStore.insert(id: id, email: email, passwordHash: "$placeholder$", at: createdAt, in: db)
        }
        return id
    }

    /// Inserts an exchange connection of `userID` (credentials are placeholders: nothing decrypts them).
    @discardableResult
    static func connection(of userID: String, exchange: String = "kraken", in database: Database) throws -> String {
        let id = UUID().uuidString.lowercased()
        try database.write { db in
            _ = try db.run("""
                INSERT INTO exchange_connections (id, user_id, exchange, api_key_encrypted, api_secret_encrypted,
                    created_at, updated_at)
                VALUES (?, ?, ?, 'sealed-key', 'sealed-secret', ?, ?)
                """, [.text(id), .text(userID), .text(exchange), .text(now), .text(now)])
        }
        return id
    }

    /// The number of rows of `table` (a fixed name from the test) matching `condition`.
    static func count(_ table: String, where condition: String = "1 = 1", _ bindings: [SQLValue] = [],
                      in database: Database) throws -> Int {
        try database.read { db in try db.queryOne("SELECT count(*) AS n FROM \(table) WHERE \(condition)", bindings)?.int("n") ?? 0 }
    }
}
