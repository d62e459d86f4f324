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

    /// A nonce for `apiKey` above every one handed out for it before, and at least `atLeast`: raised and read in
    /// one statement, so two processes never get the same one. Throws the database's error.
    public func nextNonce(forKey apiKey: String, atLeast: UInt64) async throws -> UInt64 {
        let keyHash = Hex.encode(Digest.sha256(apiKey))
        return try await database.autocommit { db in try Self.advance(keyHash: keyHash, atLeast: atLeast, in: db) }
    }

    /// The raise of `nextNonce`: one upsert that takes the key's row lock (or inserts it) and returns the new
    /// value, so it is right at any isolation level and outside a transaction (`Database.autocommit`).
    static func advance(keyHash: String, atLeast: UInt64, in db: Connection) throws -> UInt64 {
        let greatest = db.dialect == .postgresql ? "GREATEST" : "max"
        let row = try db.queryOne("""
            INSERT INTO exchange_nonces (key_hash, last_nonce) VALUES (?1, ?2)
            ON CONFLICT(key_hash) DO UPDATE SET last_nonce = \(greatest)(?2, exchange_nonces.last_nonce + 1)
            RETURNING last_nonce
            """, [.text(keyHash), .integer(Int64(max(atLeast, 1)))])
        guard let next = row?.int("last_nonce") else { throw NonceStoreError.noRow }
        return UInt64(next)
    }
}

/// What `ExchangeNonceStore` throws when the database answered the upsert without its row (a broken database).
enum NonceStoreError: Error, CustomStringConvertible {
    case noRow

    var description: String { "the nonce upsert returned no row" }
}
