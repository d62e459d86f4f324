import Exchanges
import Primitives
import Store

/// Kraken nonces kept in the database, so the responder and the timer (separate processes, each with its
/// own private /tmp under systemd) never reuse one for the same key.
///
/// Keys are stored as SHA-256 hashes: the table never holds an API key.
public struct SQLiteNonceStore: NonceStore {
    let database: Database

    public init(database: Database) { self.database = database }

    public func nextNonce(forKey apiKey: String, atLeast: UInt64) throws -> UInt64 {
        let keyHash = Hex.encode(Digest.sha256(apiKey))
        return try database.write { db in
            let last = try db.queryOne("SELECT last_nonce FROM exchange_nonces WHERE key_hash = ?", [.text(keyHash)])?.int("last_nonce")
            let next = max(atLeast, UInt64(last ?? 0) + 1)
            try db.run("""
                INSERT INTO exchange_nonces (key_hash, last_nonce) VALUES (?, ?)
                ON CONFLICT(key_hash) DO UPDATE SET last_nonce = excluded.last_nonce
                """, [.text(keyHash), .integer(Int64(next))])
            return next
        }
    }
}
