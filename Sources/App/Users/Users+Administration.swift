import Foundation
import Store

/// Listing and removing users (from the CLI).
extension Users {
    /// One user as `holdfast user list` shows it.
    public struct Summary: Sendable, Equatable {
        public let id: String
        public let email: String
        public let createdAt: String
        /// Exchange connections the user owns.
        public let connections: Int
    }

    /// What deleting a user removes, counted inside the deleting transaction.
    public struct Footprint: Sendable, Equatable, CustomStringConvertible {
        public var sessions = 0
        public var connections = 0
        public var portfolios = 0
        public var holdings = 0
        public var syncRuns = 0
        public var syncLeases = 0

        /// "3 sessions, 1 exchange connection, …", for the CLI.
        public var description: String {
            [(sessions, "session"), (connections, "exchange connection"), (portfolios, "portfolio"),
             (holdings, "holding"), (syncRuns, "sync run"), (syncLeases, "sync lease")]
                .map { count, noun in "\(count) \(noun)\(count == 1 ? "" : "s")" }
                .joined(separator: ", ")
        }
    }

    /// Every user, oldest first.
    public static func list(in database: Database) throws -> [Summary] {
        try database.read { db in try UserStore.list(in: db) }
    }

    /// What deleting the user with `email` would remove, without removing anything; `UserError.notFound` if
    /// nobody has that email.
    public static func footprint(email: String, in database: Database) throws -> Footprint {
        try database.read { db in try footprint(ofUserID: try user(email: email, in: db).id, in: db) }
    }

    /// Deletes the user with `email` and everything that is theirs, in one transaction: sessions (so their
    /// tokens stop working at once), exchange connections with their portfolios, holdings, sync history and
    /// sync leases, and the login-throttle row of the email. Returns what was removed.
    ///
    /// The schema's `ON DELETE CASCADE` foreign keys (on for every connection, see `Connection`) remove the
    /// rows that hang off the user; only the throttle row, keyed by an HMAC of the email rather than the user
    /// id, is deleted by hand. Left alone on purpose: `tokens` (shared asset names), `sync_counters`
    /// (per-exchange totals that must only grow) and `exchange_nonces` (keyed by an API key's hash, which
    /// another user may also have connected; reusing a Kraken nonce would break their syncs).
    public static func delete(email: String, in database: Database, throttle: LoginThrottle) throws -> Footprint {
        try database.write { db in
            let (id, storedEmail) = try user(email: email, in: db)
            let removed = try footprint(ofUserID: id, in: db)
            try UserStore.delete(id: id, in: db)
            try throttle.forget(email: storedEmail, in: db)
            return removed
        }
    }

    /// The id and stored email of the user with `email` (trimmed, ASCII case ignored), or `UserError.notFound`.
    private static func user(email: String, in db: Connection) throws -> (id: String, email: String) {
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let user = try UserStore.find(email: email, in: db) else { throw UserError.notFound }
        return (user.id, user.email)
    }

    private static func footprint(ofUserID id: String, in db: Connection) throws -> Footprint {
        var footprint = Footprint()
        footprint.sessions = try SessionStore.count(ofUser: id, in: db)
        (footprint.portfolios, footprint.holdings) = try HoldingStore.counts(ofUser: id, in: db)
        // MERGE: these three counts belong to `ConnectionStore` (`exchange_connections`, `sync_leases`) and
        // `SyncRunStore` (`sync_runs`), which are built on other branches of issue 12; they move there at merge.
        func count(_ sql: String) throws -> Int { try db.queryOne(sql, [.text(id)])?.int("n") ?? 0 }
        let mine = "SELECT id FROM exchange_connections WHERE user_id = ?1"
        footprint.connections = try count("SELECT count(*) AS n FROM exchange_connections WHERE user_id = ?1")
        footprint.syncRuns = try count("SELECT count(*) AS n FROM sync_runs WHERE connection_id IN (\(mine))")
        footprint.syncLeases = try count("SELECT count(*) AS n FROM sync_leases WHERE connection_id IN (\(mine))")
        return footprint
    }
}
