import Exchanges
import Primitives
import Store

/// The owner of `exchange_nonces`: Kraken nonces kept in the database, so the responder and the timer
/// (separate processes, each with its own private /tmp under systemd) never reuse one for the same key.
///
/// Keys are stored as SHA-256 hashes: the table never holds an API key. The Kraken client calls
/// `nextNonce` from async code, so the transaction runs through the `async` `Database.write` (a
/// `BlockingWork` thread): a nonce waits for the database's write lock without holding a cooperative thread.
/// Named after its table: `NonceStore` is the `Exchanges` protocol it implements.
public struct ExchangeNonceStore: NonceStore {
    let database: Database

    /// Nonces kept in `database`.
    public init(database: Database) { self.database = database }

    /// A nonce for `apiKey` above every one handed out for it before, and at least `atLeast`: read, raise and
    /// write back in one write transaction, so two processes never get the same one. Throws the database's
    /// error.
    public func nextNonce(forKey apiKey: String, atLeast: UInt64) async throws -> UInt64 {
        let keyHash = Hex.encode(Digest.sha256(apiKey))
        return try await database.write { db in try Self.advance(keyHash: keyHash, atLeast: atLeast, in: db) }
    }

    /// The read-raise-write of `nextNonce`, inside the caller's write transaction.
    static func advance(keyHash: String, atLeast: UInt64, in db: Connection) throws -> UInt64 {
        let last = try db.queryOne("SELECT last_nonce FROM exchange_nonces WHERE key_hash = ?",
                                   [.text(keyHash)])?.int("last_nonce")
        let next = max(atLeast, UInt64(last ?? 0) + 1)
        try db.run("""
            INSERT INTO exchange_nonces (key_hash, last_nonce) VALUES (?, ?)
            ON CONFLICT(key_hash) DO UPDATE SET last_nonce = excluded.last_nonce
            """, [.text(keyHash), .integer(Int64(next))])
        return next
    }
}
