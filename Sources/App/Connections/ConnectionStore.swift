import Foundation
import Store

/// The one owner of `exchange_connections` and `sync_leases`: every statement on them is in this type and
/// its extensions (`+Due`, `+Claims`, `+Settings`, `+SyncResults`, `+Credentials`).
///
/// Functions take the caller's `Connection`, so the caller opens the transaction (`database.write { db in … }`)
/// and several stores can share it: a read-modify-write is one write transaction, a read sees one snapshot.
public enum ConnectionStore {
    /// The SELECT every connection query starts from; `?1` is the current time (ISO 8601 UTC) for the lease
    /// and due checks. `scheduled` and `due` come from the one due rule (`ConnectionStore+Due`).
    static let selectSQL = """
        SELECT c.*, EXISTS (SELECT 1 FROM sync_leases l WHERE l.connection_id = c.id AND l.expires_at > ?1) AS syncing,
            (SELECT count(*) FROM holdings h JOIN portfolios p ON p.id = h.portfolio_id
             WHERE p.exchange_connection_id = c.id) AS holdings_count,
            CASE WHEN \(scheduledCondition) THEN 1 ELSE 0 END AS scheduled,
            CASE WHEN \(dueCondition) THEN 1 ELSE 0 END AS due
        FROM exchange_connections c
        """

    /// The connection `id` if it belongs to `userID`; another user's connection is as absent as a missing one,
    /// and a malformed id never reaches SQL.
    static func find(_ id: String, userID: String, in db: Connection, now: Date = Date()) throws -> ConnectionRecord? {
        guard UUIDs.isValid(id) else { return nil }
        return try db.queryOne(selectSQL + " WHERE c.id = ?2 AND c.user_id = ?3",
                               [.text(Timestamp.format(now)), .text(id.lowercased()), .text(userID)]).flatMap(ConnectionRecord.init)
    }

    /// The connection `id`, whoever owns it (the timer's view).
    static func find(_ id: String, in db: Connection, now: Date = Date()) throws -> ConnectionRecord? {
        guard UUIDs.isValid(id) else { return nil }
        return try db.queryOne(selectSQL + " WHERE c.id = ?2", [.text(Timestamp.format(now)), .text(id.lowercased())])
            .flatMap(ConnectionRecord.init)
    }

    /// `find(_:in:now:)` with the row locked until the caller's transaction ends: on PostgreSQL `FOR NO KEY
    /// UPDATE OF c` (the lock an UPDATE takes: it excludes other writers of the row, not inserts of rows that
    /// refer to it), which in a `Database.lockingWrite` makes the read see a write that committed while this one
    /// waited and keeps the row as read until the commit. SQLite's `BEGIN IMMEDIATE` already excludes every other
    /// writer. Nil, and nothing locked, when the row is gone.
    static func findLocked(_ id: String, in db: Connection, now: Date = Date()) throws -> ConnectionRecord? {
        guard UUIDs.isValid(id) else { return nil }
        let lock = db.dialect == .postgresql ? " FOR NO KEY UPDATE OF c" : ""
        return try db.queryOne(selectSQL + " WHERE c.id = ?2" + lock, [.text(Timestamp.format(now)), .text(id.lowercased())])
            .flatMap(ConnectionRecord.init)
    }

    /// Every connection of `userID`, oldest first.
    static func all(userID: String, in db: Connection, now: Date = Date()) throws -> [ConnectionRecord] {
        try db.query(selectSQL + " WHERE c.user_id = ?2 ORDER BY c.created_at, c.id", [.text(Timestamp.format(now)), .text(userID)])
            .compactMap(ConnectionRecord.init)
    }

    /// A connection about to be stored; its credentials are already sealed for its id.
    public struct NewConnection: Sendable {
        public var id: String
        public var userID: String
        /// The `ExchangeID` raw value.
        public var exchange: String
        public var label: String?
        public var apiKeyEncrypted: String
        public var apiSecretEncrypted: String
        public var passphraseEncrypted: String?
        /// The `ExchangeRegion` id; nil for the exchange's default host.
        public var region: String?
        public var status: ConnectionStatus = .active
        public var autoSync = true
        /// Seconds between scheduled syncs (60 to 86,400).
        public var syncInterval = 300
        /// The key's permissions as stored JSON (`ConnectionView.json`), when known.
        public var permissions: String?
        /// The key's last characters (`ConnectionView.keyHint`).
        public var apiKeyHint: String?
        /// ISO 8601 UTC; also the first `updated_at`.
        public var createdAt: String

        public init(id: String, userID: String, exchange: String, label: String?, apiKeyEncrypted: String,
                    apiSecretEncrypted: String, passphraseEncrypted: String?, createdAt: String) {
            self.id = id
            self.userID = userID
            self.exchange = exchange
            self.label = label
            self.apiKeyEncrypted = apiKeyEncrypted
            self.apiSecretEncrypted = apiSecretEncrypted
            self.passphraseEncrypted = passphraseEncrypted
            self.createdAt = createdAt
        }
    }

    /// Stores `new`, never attempted (so due at once when scheduled). Throws the store's error on a duplicate id.
    static func insert(_ new: NewConnection, in db: Connection) throws {
        try db.run("""
            INSERT INTO exchange_connections (id, user_id, exchange, label, api_key_encrypted, api_secret_encrypted,
                passphrase_encrypted, region, status, auto_sync, sync_interval, permissions, api_key_hint, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(new.id), .text(new.userID), .text(new.exchange), .optionalText(new.label), .text(new.apiKeyEncrypted),
                  .text(new.apiSecretEncrypted), .optionalText(new.passphraseEncrypted), .optionalText(new.region),
                  .text(new.status.rawValue), .bool(new.autoSync), .int(new.syncInterval), .optionalText(new.permissions),
                  .optionalText(new.apiKeyHint), .text(new.createdAt), .text(new.createdAt)])
    }

    /// Deletes connection `id` of `userID`; the schema's cascades remove its portfolio, holdings, lease and
    /// history in the same transaction. Returns whether a row was deleted.
    @discardableResult
    static func delete(_ id: String, userID: String, in db: Connection) throws -> Bool {
        try db.run("DELETE FROM exchange_connections WHERE id = ? AND user_id = ?", [.text(id), .text(userID)]) == 1
    }

    /// The sealed API keys of `userID`'s connections to `exchange`, for the duplicate-key check.
    static func sealedAPIKeys(userID: String, exchange: String, in db: Connection) throws -> [(id: String, apiKey: String)] {
        try db.query("SELECT id, api_key_encrypted FROM exchange_connections WHERE user_id = ? AND exchange = ?",
                     [.text(userID), .text(exchange)]).compactMap { row in
            guard let id = row.string("id"), let apiKey = row.string("api_key_encrypted") else { return nil }
            return (id, apiKey)
        }
    }

    /// How many connections `userID` has.
    static func count(userID: String, in db: Connection) throws -> Int {
        try db.queryOne("SELECT count(*) AS n FROM exchange_connections WHERE user_id = ?", [.text(userID)])?.int("n") ?? 0
    }
}
