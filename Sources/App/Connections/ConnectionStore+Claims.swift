import Foundation
import Store

/// Claims: the `sync_leases` row that says "this connection is being synced by X until T".
///
/// Claiming is one write transaction that re-reads the connection, re-checks that it is still due when asked
/// to, and takes the lease only if it is free, expired, or held by a process that no longer exists. Several
/// timers that listed the same due connection therefore fetch it once: whichever claims second finds it
/// either leased or, once the first sync has committed its next attempt time, no longer due. A process that
/// dies mid-sync leaves a lease that simply expires; the engine's transactions never depend on it for
/// consistency.
///
/// Timers do not list and then claim: each claims the next due connection (`claimNext`), so timers on several
/// hosts walk the due connections side by side instead of racing down one list.
extension ConnectionStore {
    /// What a claim found.
    enum Claim {
        /// The lease is now `holder`'s; the connection as read in the claiming transaction.
        case claimed(ConnectionRecord)
        /// No such connection (deleted, or never existed).
        case notFound
        /// Another live holder's unexpired lease.
        case inProgress
        /// Asked to claim only if due, and it is not (another run synced it, or it was paused, since listed).
        case notDue
        /// Paused by its owner (a manual sync of a paused connection is refused, not queued).
        case paused
    }

    /// Claims connection `id` for `holder` at `now` for `duration` seconds; with `onlyIfDue`, only while the due
    /// rule still holds. Run it inside a write transaction (`Database.lockingWrite` is enough: it locks the
    /// connection's row as it reads it): the check and the lease must commit together.
    static func claim(_ id: String, holder: String, onlyIfDue: Bool, duration: TimeInterval = SyncLease.defaultDuration,
                      now: Date = Date(), in db: Connection) throws -> Claim {
        guard let record = try findLocked(id, in: db, now: now) else { return .notFound }
        return try claim(record, holder: holder, onlyIfDue: onlyIfDue, duration: duration, now: now, in: db)
    }

    /// `claim(_:…)` of a connection the caller's transaction has read with its row locked (`findLocked`, or
    /// `claimNext`'s pick).
    private static func claim(_ record: ConnectionRecord, holder: String, onlyIfDue: Bool, duration: TimeInterval,
                              now: Date, in db: Connection) throws -> Claim {
        if onlyIfDue && !record.due { return .notDue }
        // Checked here, not by the caller beforehand: a pause committed after the caller looked still counts.
        if record.status == .disabled { return .paused }
        let acquired = Timestamp.format(now)
        let expires = Timestamp.format(now.addingTimeInterval(duration))
        let taken = try db.run("""
            INSERT INTO sync_leases (connection_id, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(connection_id) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at,
                expires_at = excluded.expires_at
            WHERE sync_leases.expires_at <= excluded.acquired_at
            """, [.text(record.id), .text(holder), .text(acquired), .text(expires)]) == 1
        if taken { return .claimed(record) }
        // A lease whose holder process is gone (killed mid-sync) is taken over at once rather than after it
        // expires (`SyncLease.isAlive`).
        guard let current = try db.queryOne("SELECT holder FROM sync_leases WHERE connection_id = ?", [.text(record.id)])?
            .string("holder"), !SyncLease.isAlive(current) else { return .inProgress }
        let takenOver = try db.run("""
            UPDATE sync_leases SET holder = ?, acquired_at = ?, expires_at = ? WHERE connection_id = ? AND holder = ?
            """, [.text(holder), .text(acquired), .text(expires), .text(record.id), .text(current)]) == 1
        return takenOver ? .claimed(record) : .inProgress
    }

    /// Claims the due connection that has waited longest and has no unexpired lease, for `holder` at `now` for
    /// `duration` seconds; nil when none is left. Run it inside a write transaction (`Database.lockingWrite` is
    /// enough).
    ///
    /// On PostgreSQL the pick is `FOR NO KEY UPDATE SKIP LOCKED` (the lock `findLocked` takes): a timer on another
    /// host claiming at the same moment has locked the row it picked, so this one takes the next instead of waiting
    /// for it (and then finding it leased). SQLite has one writer at a time, which needs no skipping. Either way the
    /// pick is then claimed by
    /// `claim`, which re-checks the due rule and the lease under the row lock; a pick that loses (another
    /// transaction leased it between the two statements) is skipped and the next one tried, a bounded number of
    /// times. Leases that expired are taken over; leases of dead local processes are not: the next runs find
    /// them expired.
    static func claimNext(holder: String, duration: TimeInterval = SyncLease.defaultDuration, now: Date = Date(),
                          in db: Connection) throws -> ConnectionRecord? {
        var passed: [String] = []
        for _ in 0..<8 {
            let bindings: [SQLValue] = [.text(Timestamp.format(now))] + passed.map { .text($0) }
            guard let row = try db.queryOne(pickSQL(passing: passed.count, dialect: db.dialect), bindings),
                  let id = row.string("id") else { return nil }
            // On SQLite nothing was locked by the pick, but its write transaction already excludes every other writer.
            if let picked = ConnectionRecord(row),
               case .claimed(let record) = try claim(picked, holder: holder, onlyIfDue: true, duration: duration, now: now, in: db) {
                return record
            }
            passed.append(id)
        }
        return nil
    }

    /// `claimNext`'s pick: the due connection without a live lease that has waited longest (a row as `find` reads
    /// it, so the claim needs no second read), `?1` the time, `?2…` the ids of `passing` connections to pass over.
    /// Ordered as the index `exchange_connections_next_due` (never attempted first, then the oldest next attempt), so the scan stops at
    /// the first due row without a live lease instead of sorting every due connection.
    static func pickSQL(passing: Int, dialect: SQLDialect) -> String {
        let exclusion = passing == 0 ? "" : " AND c.id NOT IN (" + Array(repeating: "?", count: passing).joined(separator: ", ") + ")"
        let skipLocked = dialect == .postgresql ? " FOR NO KEY UPDATE OF c SKIP LOCKED" : ""
        return selectSQL + """

            WHERE \(dueCondition)
            AND NOT EXISTS (SELECT 1 FROM sync_leases l WHERE l.connection_id = c.id AND l.expires_at > ?1)\(exclusion)
            ORDER BY c.next_attempt_at NULLS FIRST, c.id LIMIT 1\(skipLocked)
            """
    }

    /// Whether another holder than `holder` has connection `id`'s lease now, inside the caller's transaction: then
    /// `holder`'s sync outlasted its lease (a stalled process) and the other holder's result is the one to keep.
    static func leasedToAnother(_ id: String, holder: String, in db: Connection) throws -> Bool {
        guard let current = try db.queryOne("SELECT holder FROM sync_leases WHERE connection_id = ?", [.text(id)])?
            .string("holder") else { return false }
        return current != holder
    }

    /// Gives the lease back, inside the caller's transaction, only if `holder` still has it; true when it had it.
    @discardableResult
    static func release(_ id: String, holder: String, in db: Connection) throws -> Bool {
        try db.run("DELETE FROM sync_leases WHERE connection_id = ? AND holder = ?", [.text(id), .text(holder)]) == 1
    }

    /// How many leases `userID`'s connections hold (what deleting the user removes).
    static func leaseCount(userID: String, in db: Connection) throws -> Int {
        try db.queryOne("""
            SELECT count(*) AS n FROM sync_leases WHERE connection_id IN (SELECT id FROM exchange_connections WHERE user_id = ?)
            """, [.text(userID)])?.int("n") ?? 0
    }
}
