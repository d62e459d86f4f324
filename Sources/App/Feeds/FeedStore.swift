import Foundation
import Store

/// The one owner of `ghostfolio_feeds` and `ghostfolio_pushes` (Migrations/0012_feeds.sql): every statement on
/// them is here or in `FeedStore+Pushes.swift`. Callers open the transaction.
enum FeedStore {
    /// A user's Ghostfolio feed as stored (the token still sealed).
    struct Feed: Sendable, Equatable {
        let userID: String
        let url: String
        let tokenEncrypted: String
        let enabled: Bool
        let updatedAt: String
    }

    /// The feed of `userID`, if set.
    static func feed(ofUser userID: String, in db: Connection) throws -> Feed? {
        try db.queryOne("SELECT user_id, url, token_encrypted, enabled, updated_at FROM ghostfolio_feeds WHERE user_id = ?",
                        [.text(userID)]).flatMap(Feed.init)
    }

    /// Sets `userID`'s feed (insert or replace). A new URL or token clears every connection's push error and
    /// backoff, and makes each due at once (`forced`), so what was wrong is retried with the new settings.
    static func save(userID: String, url: String, tokenEncrypted: String, enabled: Bool, at now: String,
                     in db: Connection) throws {
        try db.run("""
            INSERT INTO ghostfolio_feeds (user_id, url, token_encrypted, enabled, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET url = excluded.url, token_encrypted = excluded.token_encrypted,
                enabled = excluded.enabled, updated_at = excluded.updated_at
            """, [.text(userID), .text(url), .text(tokenEncrypted), .bool(enabled), .text(now), .text(now)])
        try db.run("""
            UPDATE ghostfolio_pushes SET forced = 1, failures = 0, next_attempt_at = NULL, error_code = NULL,
                error_message = NULL WHERE user_id = ?
            """, [.text(userID)])
    }

    /// Removes `userID`'s feed and what was pushed (a feed set again starts over: new accounts are created).
    /// Returns whether there was one.
    @discardableResult
    static func delete(userID: String, in db: Connection) throws -> Bool {
        try db.run("DELETE FROM ghostfolio_pushes WHERE user_id = ?", [.text(userID)])
        return try db.run("DELETE FROM ghostfolio_feeds WHERE user_id = ?", [.text(userID)]) == 1
    }

    /// Every feed's sealed token, for key rotation: (user id, sealed text).
    static func sealedTokens(in db: Connection) throws -> [(userID: String, sealed: String)] {
        try db.query("SELECT user_id, token_encrypted FROM ghostfolio_feeds").compactMap { row in
            guard let user = row.string("user_id"), let sealed = row.string("token_encrypted") else { return nil }
            return (user, sealed)
        }
    }

    /// Replaces the sealed token of `userID`'s feed (a rotation's re-encryption).
    static func replaceSealedToken(ofUser userID: String, with sealed: String, in db: Connection) throws {
        try db.run("UPDATE ghostfolio_feeds SET token_encrypted = ? WHERE user_id = ?", [.text(sealed), .text(userID)])
    }
}

extension FeedStore.Feed {
    init?(_ row: Row) {
        guard let user = row.string("user_id"), let url = row.string("url"), let token = row.string("token_encrypted") else {
            return nil
        }
        self.init(userID: user, url: url, tokenEncrypted: token, enabled: row.bool("enabled"),
                  updatedAt: row.string("updated_at") ?? "")
    }
}
