import Foundation
import Store

/// The one owner of the `users` table: every statement on it is here. Callers open the transaction
/// (`database.read`/`write`) and pass its connection, so a user change can share one transaction with other
/// stores (a password change revokes sessions in the same commit).
///
/// Emails are matched with `lower(email) = lower(?)`, which means the same on SQLite and PostgreSQL; SQLite's
/// `lower` folds ASCII only, as the column's `COLLATE NOCASE` did.
enum UserStore {
    /// One row of `users`. `passwordHash` is the PHC string `PasswordHasher` wrote, never a password.
    struct User: Sendable, Equatable {
        let id: String
        let email: String
        let passwordHash: String
        /// ISO-8601 UTC text (`Timestamp.format`).
        let createdAt: String
        /// The valuation currency code (`UserStore+Currency`).
        var currency: String = "USD"
    }

    /// Inserts a user. Throws `UserError.emailTaken` when another user has the same email in any ASCII case:
    /// checked here rather than left to the column's `COLLATE NOCASE`, which PostgreSQL does not have; a
    /// unique violation from a concurrent insert of the exact same email is mapped the same way.
    static func insert(id: String, email: String, passwordHash: String, at now: String, in db: Connection) throws {
        guard try find(email: email, in: db) == nil else { throw UserError.emailTaken }
        do {
            _ = try db.run("INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                           [.text(id), .text(email), .text(passwordHash), .text(now), .text(now)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw UserError.emailTaken
        }
    }

    /// The user whose email equals `email` ignoring ASCII case, or nil. `email` is used as given (callers trim).
    static func find(email: String, in db: Connection) throws -> User? {
        guard let row = try db.queryOne(
            "SELECT id, email, password_hash, created_at, currency FROM users WHERE lower(email) = lower(?)", [.text(email)]),
            let id = row.string("id") else { return nil }
        return User(id: id, email: row.string("email") ?? email, passwordHash: row.string("password_hash") ?? "",
                    createdAt: row.string("created_at") ?? "", currency: row.string("currency") ?? "USD")
    }

    /// Replaces the password hash of user `id`; returns whether a row changed (false: no such user).
    @discardableResult
    static func setPasswordHash(_ hash: String, ofUser id: String, at now: String, in db: Connection) throws -> Bool {
        try db.run("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                   [.text(hash), .text(now), .text(id)]) > 0
    }

    /// Every user, oldest first (ties by email), with how many exchange connections each owns. The count reads
    /// `exchange_connections`, but the rows returned are users, so the statement lives here.
    static func list(in db: Connection) throws -> [Users.Summary] {
        try db.query("""
            SELECT u.id, u.email, u.created_at,
                   (SELECT count(*) FROM exchange_connections c WHERE c.user_id = u.id) AS connections
            FROM users u ORDER BY u.created_at, u.email
            """).map { row in
            Users.Summary(id: row.string("id") ?? "", email: row.string("email") ?? "",
                          createdAt: row.string("created_at") ?? "", connections: row.int("connections") ?? 0)
        }
    }

    /// Deletes user `id`; the schema's `ON DELETE CASCADE` removes their sessions, connections, portfolios,
    /// holdings, sync runs and leases in the same statement. Returns whether a row was deleted.
    @discardableResult
    static func delete(id: String, in db: Connection) throws -> Bool {
        try db.run("DELETE FROM users WHERE id = ?", [.text(id)]) > 0
    }
}
