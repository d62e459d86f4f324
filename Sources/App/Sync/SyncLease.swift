import Foundation
import Store

/// The row that says "this connection is being synced by X until T".
///
/// Taking it is one statement: insert, or take over a lease whose time is up. A process that dies mid-sync
/// leaves a lease that simply expires; the engine's transactions never depend on it for consistency.
public enum SyncLease {
    /// How long a lease lasts: longer than the slowest sync (a 30 s exchange timeout, a clock retry, and
    /// Coinbase pages), short enough that a crash frees the connection within minutes.
    public static let duration: TimeInterval = 180

    /// Takes the lease for `connectionID`, or returns false when another live holder has it.
    public static func acquire(_ connectionID: String, holder: String, in database: Database, now: Date = Date()) throws -> Bool {
        let acquired = Timestamp.format(now)
        let expires = Timestamp.format(now.addingTimeInterval(duration))
        return try database.write { db in
            try db.run("""
                INSERT INTO sync_leases (connection_id, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(connection_id) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at,
                    expires_at = excluded.expires_at
                WHERE sync_leases.expires_at <= excluded.acquired_at
                """, [.text(connectionID), .text(holder), .text(acquired), .text(expires)]) == 1
        }
    }

    /// Gives the lease back, inside the caller's transaction, only if `holder` still has it.
    static func release(_ connectionID: String, holder: String, in db: Connection) throws {
        try db.run("DELETE FROM sync_leases WHERE connection_id = ? AND holder = ?", [.text(connectionID), .text(holder)])
    }

    /// Gives the lease back in its own transaction.
    public static func release(_ connectionID: String, holder: String, in database: Database) throws {
        try database.write { try release(connectionID, holder: holder, in: $0) }
    }
}
