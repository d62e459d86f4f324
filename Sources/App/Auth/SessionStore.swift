import Foundation
import Store

/// The one owner of the `sessions` table: every statement on it is here. `Sessions` keeps the token and
/// cookie logic and calls these inside its own transactions; a password change or a user deletion calls them
/// inside theirs.
///
/// Timestamps are ISO-8601 UTC text from `Timestamp.format`, so comparing them as text orders them in time on
/// both SQLite and PostgreSQL.
enum SessionStore {
    /// The user a live session belongs to.
    struct Owner: Sendable, Equatable {
        let userID: String
        let email: String
    }

    /// Records a new session `id` of `userID`, valid until `expiresAt`.
    static func insert(id: String, userID: String, createdAt: Date, expiresAt: Date, in db: Connection) throws {
        _ = try db.run("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                       [.text(id), .text(userID), .text(Timestamp.format(createdAt)), .text(Timestamp.format(expiresAt))])
    }

    /// Deletes `userID`'s sessions that expired before `cutoff` (revoked or not); returns how many went.
    /// Keeps the table small without a separate cleaner: called on every login.
    @discardableResult
    static func deleteExpired(ofUser userID: String, before cutoff: Date, in db: Connection) throws -> Int {
        try db.run("DELETE FROM sessions WHERE user_id = ? AND expires_at < ?",
                   [.text(userID), .text(Timestamp.format(cutoff))])
    }

    /// The owner of session `id` if it is neither revoked nor expired at `now`, else nil. The expiry is checked
    /// here too (the token's `exp` equals it), so the row alone decides whether a session is live.
    static func liveOwner(ofSession id: String, at now: Date, in db: Connection) throws -> Owner? {
        guard let row = try db.queryOne("""
            SELECT s.user_id, u.email
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = ? AND s.revoked_at IS NULL AND s.expires_at > ?
            """, [.text(id), .text(Timestamp.format(now))]),
            let userID = row.string("user_id"), let email = row.string("email") else { return nil }
        return Owner(userID: userID, email: email)
    }

    /// Revokes session `id` (logout); returns false when it was unknown or already revoked, which is not an
    /// error (a second logout changes nothing).
    @discardableResult
    static func revoke(id: String, at now: String, in db: Connection) throws -> Bool {
        try db.run("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [.text(now), .text(id)]) > 0
    }

    /// Revokes every unrevoked session of `userID` (password change); returns how many.
    @discardableResult
    static func revokeAll(ofUser userID: String, at now: String, in db: Connection) throws -> Int {
        try db.run("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                   [.text(now), .text(userID)])
    }

    /// How many session rows `userID` has, live or not (what deleting the user removes).
    static func count(ofUser userID: String, in db: Connection) throws -> Int {
        try db.queryOne("SELECT count(*) AS n FROM sessions WHERE user_id = ?", [.text(userID)])?.int("n") ?? 0
    }
}
