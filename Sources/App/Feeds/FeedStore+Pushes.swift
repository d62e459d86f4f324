import Foundation
import Store

/// Per-connection push state (`ghostfolio_pushes`): what was last pushed, the batch in flight, the schedule after
/// a failure (1 minute doubling to 6 hours) and the timer's claim.
extension FeedStore {
    /// One connection's push state.
    struct Push: Sendable, Equatable {
        let connectionID: String
        let userID: String
        let accountID: String?
        /// Last pushed quantity per asset.
        let pushed: [String: String]
        let pushedCash: String?
        let pending: GhostfolioBatch?
        let syncedAt: String?
        let forced: Bool
        let lastPushAt: String?
        let lastSuccessAt: String?
        let errorCode: String?
        let errorMessage: String?
        let failures: Int
        let nextAttemptAt: String?
    }

    /// The first retry comes this long after a failure, doubling per consecutive failure up to `backoffCap`.
    static let backoffBase: TimeInterval = 60
    /// The longest wait between two attempts: 6 hours.
    static let backoffCap: TimeInterval = 6 * 3600

    /// The wait after `failures` consecutive failures (1 = the first): 1 min, 2, 4, … capped at 6 h.
    static func backoff(failures: Int) -> TimeInterval {
        min(backoffCap, backoffBase * pow(2, Double(max(0, min(failures - 1, 20)))))
    }

    /// Every push state of `userID`, by connection id.
    static func pushes(ofUser userID: String, in db: Connection) throws -> [String: Push] {
        let rows = try db.query("SELECT * FROM ghostfolio_pushes WHERE user_id = ?", [.text(userID)]).compactMap(Push.init)
        return Dictionary(rows.map { ($0.connectionID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Makes a push row for every connection of a user with an enabled feed that has none yet (only `userID`'s
    /// when given).
    static func addMissingPushes(userID: String? = nil, in db: Connection) throws {
        let scope = userID == nil ? "" : " AND c.user_id = ?"
        try db.run("""
            INSERT INTO ghostfolio_pushes (connection_id, user_id)
            SELECT c.id, c.user_id FROM exchange_connections c JOIN ghostfolio_feeds f ON f.user_id = c.user_id
            WHERE f.enabled = 1\(scope)
            ON CONFLICT (connection_id) DO NOTHING
            """, userID.map { [.text($0)] } ?? [])
    }

    /// Asks for a push of every connection of `userID` now (`POST /feeds/ghostfolio/push`): due at once, whether
    /// or not something changed, backoff or not.
    static func requestPush(userID: String, in db: Connection) throws {
        try addMissingPushes(userID: userID, in: db)
        try db.run("UPDATE ghostfolio_pushes SET forced = 1, next_attempt_at = NULL WHERE user_id = ?", [.text(userID)])
    }

    /// The condition of a due push on `ghostfolio_pushes p` joined with `exchange_connections c` and
    /// `ghostfolio_feeds f`, `?1` the time: the feed is on, no live claim, no backoff pending, and something to do
    /// (a push asked for, a batch to retry, or a successful sync the last push has not seen).
    static let dueCondition = """
        f.enabled = 1 AND (p.claimed_until IS NULL OR p.claimed_until <= ?1)
        AND (p.next_attempt_at IS NULL OR p.next_attempt_at <= ?1)
        AND (p.forced = 1 OR p.pending IS NOT NULL OR (c.last_sync_at IS NOT NULL AND (p.synced_at IS NULL OR c.last_sync_at > p.synced_at)))
        """

    /// Claims the next due push until `until` and returns it with the connection's last successful sync, or nil
    /// when none is due. The claim is one conditional UPDATE: with several timers, the one whose statement runs
    /// second finds the claim taken (the row lock makes it see the first's) and picks again.
    static func claimNext(now: Date, until: Date, in db: Connection) throws -> (push: Push, syncedAt: String?)? {
        let at = Timestamp.format(now)
        var passed: [String] = []
        for _ in 0..<8 {
            let exclusion = passed.isEmpty ? "" : " AND p.connection_id NOT IN (" + passed.map { _ in "?" }.joined(separator: ", ") + ")"
            guard let row = try db.queryOne("""
                SELECT p.*, c.last_sync_at AS connection_synced_at FROM ghostfolio_pushes p
                JOIN exchange_connections c ON c.id = p.connection_id JOIN ghostfolio_feeds f ON f.user_id = p.user_id
                WHERE \(dueCondition)\(exclusion)
                ORDER BY p.next_attempt_at NULLS FIRST, p.connection_id LIMIT 1
                """, [.text(at)] + passed.map { .text($0) }), let push = Push(row) else { return nil }
            let claimed = try db.run("""
                UPDATE ghostfolio_pushes SET claimed_until = ? WHERE connection_id = ?
                AND (claimed_until IS NULL OR claimed_until <= ?)
                """, [.text(Timestamp.format(until)), .text(push.connectionID), .text(at)])
            if claimed == 1 { return (push, row.string("connection_synced_at")) }
            passed.append(push.connectionID)
        }
        return nil
    }

    /// Stores `batch` as the connection's batch in flight, before it is sent.
    static func begin(_ batch: GhostfolioBatch, connectionID: String, at now: Date, in db: Connection) throws {
        let json = String(decoding: try JSONEncoder().encode(batch), as: UTF8.self)
        try db.run("UPDATE ghostfolio_pushes SET pending = ?, last_push_at = ? WHERE connection_id = ?",
                   [.text(json), .text(Timestamp.format(now)), .text(connectionID)])
    }

    /// Records `batch` as delivered: its targets become what was pushed, the error and backoff are cleared.
    static func succeed(_ batch: GhostfolioBatch?, connectionID: String, syncedAt: String?, at now: Date,
                        in db: Connection) throws {
        let stamp = Timestamp.format(now)
        if let batch {
            let pushed = String(decoding: try JSONEncoder().encode(batch.targets), as: UTF8.self)
            try db.run("""
                UPDATE ghostfolio_pushes SET account_id = ?, pushed = ?, pushed_cash = coalesce(?, pushed_cash),
                    pending = NULL, last_success_at = ? WHERE connection_id = ?
                """, [.text(batch.accountID), .text(pushed), .optionalText(batch.cash), .text(stamp), .text(connectionID)])
        }
        try db.run("""
            UPDATE ghostfolio_pushes SET synced_at = coalesce(?, synced_at), forced = 0, failures = 0,
                next_attempt_at = NULL, error_code = NULL, error_message = NULL, claimed_until = NULL
            WHERE connection_id = ?
            """, [.optionalText(syncedAt), .text(connectionID)])
    }

    /// Records a failed attempt: the error, and the next attempt after the backoff. The batch in flight stays,
    /// to be sent again as it is.
    static func fail(connectionID: String, code: String, message: String, at now: Date, in db: Connection) throws {
        let failures = (try db.queryOne("SELECT failures FROM ghostfolio_pushes WHERE connection_id = ?",
                                        [.text(connectionID)])?.int("failures") ?? 0) + 1
        try db.run("""
            UPDATE ghostfolio_pushes SET failures = ?, error_code = ?, error_message = ?, next_attempt_at = ?, forced = 0,
                claimed_until = NULL WHERE connection_id = ?
            """, [.int(failures), .text(code), .text(String(message.prefix(500))),
                  .text(Timestamp.format(now.addingTimeInterval(backoff(failures: failures)))), .text(connectionID)])
    }

    /// Gives a claim back unused (the run ran out of time before sending anything).
    static func release(connectionID: String, in db: Connection) throws {
        try db.run("UPDATE ghostfolio_pushes SET claimed_until = NULL WHERE connection_id = ?", [.text(connectionID)])
    }
}

extension FeedStore.Push {
    init?(_ row: Row) {
        guard let connection = row.string("connection_id"), let user = row.string("user_id") else { return nil }
        let pushed = row.string("pushed").flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        let pending = row.string("pending").flatMap { try? JSONDecoder().decode(GhostfolioBatch.self, from: Data($0.utf8)) }
        self.init(connectionID: connection, userID: user, accountID: row.string("account_id"), pushed: pushed ?? [:],
                  pushedCash: row.string("pushed_cash"), pending: pending, syncedAt: row.string("synced_at"),
                  forced: row.bool("forced"), lastPushAt: row.string("last_push_at"),
                  lastSuccessAt: row.string("last_success_at"), errorCode: row.string("error_code"),
                  errorMessage: row.string("error_message"), failures: row.int("failures") ?? 0,
                  nextAttemptAt: row.string("next_attempt_at"))
    }
}
