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
    ///
    /// A lease whose holder process is gone (killed mid-sync) is taken over at once rather than after it
    /// expires: holders name their process (`pid:start-time:nonce`), and both the responder and the timer
    /// run on this host, so `/proc` tells whether that exact process still exists.
    public static func acquire(_ connectionID: String, holder: String, in database: Database, now: Date = Date()) throws -> Bool {
        let acquired = Timestamp.format(now)
        let expires = Timestamp.format(now.addingTimeInterval(duration))
        return try database.write { db in
            let taken = try db.run("""
                INSERT INTO sync_leases (connection_id, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(connection_id) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at,
                    expires_at = excluded.expires_at
                WHERE sync_leases.expires_at <= excluded.acquired_at
                """, [.text(connectionID), .text(holder), .text(acquired), .text(expires)]) == 1
            if taken { return true }
            guard let current = try db.queryOne("SELECT holder FROM sync_leases WHERE connection_id = ?", [.text(connectionID)])?
                .string("holder"), !isAlive(current) else { return false }
            return try db.run("UPDATE sync_leases SET holder = ?, acquired_at = ?, expires_at = ? WHERE connection_id = ? AND holder = ?",
                              [.text(holder), .text(acquired), .text(expires), .text(connectionID), .text(current)]) == 1
        }
    }

    /// A holder id for this process: `pid:start-time:random`.
    public static func holderID() -> String {
        let pid = getpid()
        return "\(pid):\(processStartTime(pid) ?? "?"):\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Whether the process named in `holder` still runs. Unknown formats count as alive (never steal blindly).
    static func isAlive(_ holder: String) -> Bool {
        let parts = holder.split(separator: ":")
        guard parts.count == 3, let pid = Int32(parts[0]), parts[1] != "?" else { return true }
        guard let start = processStartTime(pid) else { return false }
        // Same pid but another start time: the pid was reused by an unrelated process.
        return start == parts[1]
    }

    /// Field 22 of /proc/PID/stat: the process start time in clock ticks since boot.
    static func processStartTime(_ pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let closing = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may contain spaces) start at field 3.
        let fields = stat[stat.index(after: closing)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil
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
