import Foundation
import Store

/// Owns `alert_channels` and `alert_settings`: a user's channels and alert settings.
enum AlertChannelStore {
    /// The most channels one user may have.
    static let maximumChannels = 10

    /// The user's channels, oldest first.
    static func channels(ofUser userID: String, in db: Connection) throws -> [AlertChannel] {
        try db.query("SELECT * FROM alert_channels WHERE user_id = ? ORDER BY created_at, id", [.text(userID)])
            .compactMap(AlertChannel.init(row:))
    }

    /// The user's channel `id`, nil when it is not theirs or does not exist.
    static func channel(_ id: String, ofUser userID: String, in db: Connection) throws -> AlertChannel? {
        try db.queryOne("SELECT * FROM alert_channels WHERE id = ? AND user_id = ?", [.text(id), .text(userID)])
            .flatMap(AlertChannel.init(row:))
    }

    /// The user's enabled channels, for queueing an alert.
    static func enabledChannels(ofUser userID: String, in db: Connection) throws -> [AlertChannel] {
        try db.query("SELECT * FROM alert_channels WHERE user_id = ? AND enabled = 1 ORDER BY created_at, id",
                     [.text(userID)]).compactMap(AlertChannel.init(row:))
    }

    /// How many channels the user has.
    static func count(ofUser userID: String, in db: Connection) throws -> Int {
        try db.queryOne("SELECT count(*) AS n FROM alert_channels WHERE user_id = ?", [.text(userID)])?.int("n") ?? 0
    }

    /// Stores a new channel.
    static func insert(_ channel: AlertChannel, in db: Connection) throws {
        try db.run("""
            INSERT INTO alert_channels (id, user_id, kind, url, secret_encrypted, enabled, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(channel.id), .text(channel.userID), .text(channel.kind.rawValue), .text(channel.url),
                  .optionalText(channel.sealedSecret), .bool(channel.enabled), .text(channel.createdAt)])
    }

    /// Deletes the user's channel `id` (its deliveries go with it); false when there was none.
    static func delete(_ id: String, ofUser userID: String, in db: Connection) throws -> Bool {
        try db.run("DELETE FROM alert_channels WHERE id = ? AND user_id = ?", [.text(id), .text(userID)]) > 0
    }

    /// The default number of hours without a successful sync before a connection is stale.
    static let defaultStaleHours = 24

    /// The user's `staleHours` (default 24).
    static func staleHours(ofUser userID: String, in db: Connection) throws -> Int {
        try db.queryOne("SELECT stale_hours FROM alert_settings WHERE user_id = ?", [.text(userID)])?
            .int("stale_hours") ?? defaultStaleHours
    }

    /// Every user's `staleHours` that is not the default, by user id.
    static func staleHoursByUser(in db: Connection) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for row in try db.query("SELECT user_id, stale_hours FROM alert_settings") {
            if let user = row.string("user_id"), let hours = row.int("stale_hours") { result[user] = hours }
        }
        return result
    }

    /// Sets the user's `staleHours` (1…720, checked by the caller and the table).
    static func setStaleHours(_ hours: Int, ofUser userID: String, in db: Connection) throws {
        try db.run("""
            INSERT INTO alert_settings (user_id, stale_hours) VALUES (?, ?)
            ON CONFLICT (user_id) DO UPDATE SET stale_hours = excluded.stale_hours
            """, [.text(userID), .int(hours)])
    }

    /// Every channel's sealed secret, by channel id, for key rotation.
    static func sealedSecrets(in db: Connection) throws -> [(id: String, sealed: String)] {
        try db.query("SELECT id, secret_encrypted FROM alert_channels WHERE secret_encrypted IS NOT NULL").compactMap { row in
            guard let id = row.string("id"), let sealed = row.string("secret_encrypted") else { return nil }
            return (id, sealed)
        }
    }

    /// Replaces channel `id`'s sealed secret (a rotation's re-encryption under the active key).
    static func replaceSealedSecret(of id: String, with sealed: String, in db: Connection) throws {
        try db.run("UPDATE alert_channels SET secret_encrypted = ? WHERE id = ?", [.text(sealed), .text(id)])
    }
}
