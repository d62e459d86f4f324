import Exchanges
import Foundation
import Store

/// The one owner of `quantity_snapshots` (migration 0010): each connection's balances after its successful
/// syncs, kept when they changed and at least once a day, so a statement of a past instant knows what was
/// held then. Rows outlive their connection (deleted with the user only).
enum SnapshotStore {
    /// A snapshot is written even when nothing changed once the latest is this old (at least one a day).
    static let heartbeat: TimeInterval = 86_400

    /// One asset's amount in a snapshot (decimal text).
    struct Amount: Sendable, Equatable, Codable {
        let asset: String
        let amount: String
    }

    /// One connection's balances as of `takenAt`, sorted by asset.
    struct Snapshot: Sendable, Equatable {
        let connectionID: String
        let exchange: String
        let takenAt: Date
        let balances: [Amount]
    }

    /// The snapshot in effect for one connection at an instant, with what is known of the connection now:
    /// `label` its label, `exists` false once it was deleted.
    struct InEffect: Sendable, Equatable {
        let snapshot: Snapshot
        let exists: Bool
        let label: String?
    }

    /// Records the balances a successful sync of `connectionID` just wrote, in that sync's transaction
    /// (`SyncEngine.record`). The balances are reduced as `HoldingStore.replace` reduces them (zero amounts
    /// dropped, an asset read twice counts as read last) and stored as canonical JSON sorted by asset. Writes
    /// only when that differs from the connection's latest snapshot or the latest is `heartbeat` old or more;
    /// returns whether it wrote.
    @discardableResult
    static func record(connectionID: String, userID: String, exchange: String, balances: [Balance],
                       at now: Date, in db: Connection) throws -> Bool {
        let json = canonicalJSON(balances)
        if let latest = try db.queryOne("""
            SELECT taken_at, balances FROM quantity_snapshots WHERE connection_id = ? ORDER BY taken_at DESC LIMIT 1
            """, [.text(connectionID)]),
            let takenAt = latest.string("taken_at").flatMap(StoredInstant.date),
            latest.string("balances") == json, now.timeIntervalSince(takenAt) < heartbeat {
            return false
        }
        return try db.run("""
            INSERT INTO quantity_snapshots (user_id, connection_id, exchange, taken_at, balances) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (connection_id, taken_at) DO NOTHING
            """, [.text(userID), .text(connectionID), .text(exchange), .text(Timestamp.format(now)), .text(json)]) > 0
    }

    /// For each connection of `userID` that had a snapshot at or before `instant`, the latest such snapshot,
    /// ordered by exchange and connection id; a connection first synced after `instant` is absent. One query:
    /// the newest row per connection comes from the `quantity_snapshots_user` index range up to `instant`,
    /// joined back on the primary key, and the connection's label from `exchange_connections` (NULL once deleted).
    /// Its cost grows with the user's snapshots before `instant` (that index has no `connection_id`, so each entry
    /// is looked up in the table): about 0.2 s at the end of a year of hourly changes on 20 connections
    /// (Benchmarks/history-size.sh). Fine for a statement; an index on (user_id, connection_id, taken_at) would
    /// make it a few lookups per connection.
    static func inEffect(forUser userID: String, at instant: Date, in db: Connection) throws -> [InEffect] {
        try db.query("""
            SELECT s.connection_id, s.exchange, s.taken_at, s.balances, c.id AS live_id, c.label
            FROM (SELECT connection_id, max(taken_at) AS taken_at FROM quantity_snapshots
                  WHERE user_id = ?1 AND taken_at <= ?2 GROUP BY connection_id) l
            JOIN quantity_snapshots s ON s.connection_id = l.connection_id AND s.taken_at = l.taken_at
            LEFT JOIN exchange_connections c ON c.id = s.connection_id
            ORDER BY s.exchange, s.connection_id
            """, [.text(userID), .text(Timestamp.format(instant))]).compactMap { row in
            guard let snapshot = snapshot(row) else { return nil }
            return InEffect(snapshot: snapshot, exists: row.string("live_id") != nil, label: row.string("label"))
        }
    }

    /// Every snapshot of `connectionID`, oldest first.
    static func timeline(ofConnection connectionID: String, in db: Connection) throws -> [Snapshot] {
        try db.query("""
            SELECT connection_id, exchange, taken_at, balances FROM quantity_snapshots
            WHERE connection_id = ? ORDER BY taken_at
            """, [.text(connectionID)]).compactMap(snapshot)
    }

    /// A snapshot read from `row`; nil when a column is missing or the balances are not the JSON written here.
    private static func snapshot(_ row: Row) -> Snapshot? {
        guard let connectionID = row.string("connection_id"), let exchange = row.string("exchange"),
              let takenAt = row.string("taken_at").flatMap(StoredInstant.date), let json = row.string("balances"),
              let balances = try? JSONDecoder().decode([Amount].self, from: Data(json.utf8)) else { return nil }
        return Snapshot(connectionID: connectionID, exchange: exchange, takenAt: takenAt, balances: balances)
    }

    /// `[{"asset":"BTC","amount":"0.5"}, …]` without spaces, sorted by asset: the non-zero balances (canonical decimal
    /// text), an asset read twice as read last (as `HoldingStore.replace` keeps them). Equal holdings give equal
    /// text, which is how "changed" is decided.
    static func canonicalJSON(_ balances: [Balance]) -> String {
        var latest: [String: String] = [:]
        for balance in balances where !DecimalString.isZero(balance.total) {
            // Canonical amounts: "0.50" and "0.5" are the same holding, not a change.
            latest[balance.asset] = DecimalString.canonical(balance.total) ?? balance.total
        }
        let entries = latest.sorted { $0.key < $1.key }
            .map { "{\"asset\":\(quoted($0.key)),\"amount\":\(quoted($0.value))}" }
        return "[" + entries.joined(separator: ",") + "]"
    }

    /// `text` as a JSON string literal.
    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
