import Foundation
import Store

/// The one owner of the `login_throttle` table: every statement on it is here. `LoginThrottle` holds the
/// policy (when to lock, for how long) and runs each read-modify-write of a key through these functions inside
/// ONE write transaction, so parallel attempts from several responder processes cannot both read the old count.
///
/// Keys are the HMAC `LoginThrottle.key(for:)` computes, never an email. Timestamps are ISO-8601 UTC text
/// (`Timestamp.format`), compared as text.
enum LoginThrottleStore {
    /// What the table holds for one key.
    struct Entry: Sendable, Equatable {
        /// Consecutive failed (or not yet judged) attempts.
        let failures: Int
        /// While in the future, logins for the key are refused without a password check.
        let lockedUntil: Date?
    }

    /// The entry of `key`, or nil when it has none (never failed, succeeded since, or forgotten).
    static func entry(key: String, in db: Connection) throws -> Entry? {
        guard let row = try db.queryOne("SELECT failures, locked_until FROM login_throttle WHERE key = ?", [.text(key)]),
              let failures = row.int("failures") else { return nil }
        return Entry(failures: failures, lockedUntil: row.string("locked_until").flatMap(Timestamp.parse))
    }

    /// Writes `key`'s entry: `failures` consecutive failures, the last at `failedAt`, locked until `lockedUntil`
    /// (nil: not locked). Inserts or replaces.
    static func save(key: String, failures: Int, failedAt: Date, lockedUntil: Date?, in db: Connection) throws {
        _ = try db.run("""
            INSERT INTO login_throttle (key, failures, last_failure_at, locked_until) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT(key) DO UPDATE SET failures = ?2, last_failure_at = ?3, locked_until = ?4
            """, [.text(key), .integer(Int64(failures)), .text(Timestamp.format(failedAt)),
                  lockedUntil.map { .text(Timestamp.format($0)) } ?? .null])
    }

    /// Removes `key`'s entry (a right password, or the user deleted); returns whether there was one.
    @discardableResult
    static func delete(key: String, in db: Connection) throws -> Bool {
        try db.run("DELETE FROM login_throttle WHERE key = ?", [.text(key)]) > 0
    }

    /// Removes the entries whose last failure is older than `cutoff` (their count starts again); returns how
    /// many. Run on every counted attempt, by the `login_throttle_last_failure` index.
    @discardableResult
    static func deleteFailures(before cutoff: Date, in db: Connection) throws -> Int {
        try db.run("DELETE FROM login_throttle WHERE last_failure_at < ?", [.text(Timestamp.format(cutoff))])
    }
}
