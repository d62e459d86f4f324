import Foundation

/// A `Sendable` handle on one SQLite database file that hands out a connection per thread.
///
/// SQLite connections must not be shared between threads without locking, and the responder runs a fixed pool
/// of worker threads, so each thread lazily opens its own connection and keeps it in thread-local storage.
/// Callers only ever see a connection inside `read`/`write` closures.
public final class Database: Sendable {
    /// The database file's path.
    public let path: String
    /// Whether the last write failed because of the storage; `write` keeps it up to date.
    public let writeHealth = WriteHealth()
    private let busyTimeoutMilliseconds: Int32
    private let key = "holdfast.sqlite.connection." + UUID().uuidString

    public init(path: String, busyTimeoutMilliseconds: Int32 = 5_000) {
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
    }

    /// Runs `body` on this thread's connection.
    @discardableResult
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        try body(connection())
    }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`) on this thread's connection.
    ///
    /// A commit clears `writeHealth`; a failure caused by the storage (full disk, I/O error, read-only file)
    /// is recorded there before it is rethrown.
    @discardableResult
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
        do {
            let result = try connection().transaction(body)
            writeHealth.recordSuccess()
            return result
        } catch {
            writeHealth.record(error)
            throw error
        }
    }

    /// Runs a non-blocking WAL checkpoint on this thread's connection (`Connection.checkpoint()`).
    public func checkpoint() throws -> CheckpointResult {
        try connection().checkpoint()
    }

    private func connection() throws -> Connection {
        // Thread.current.threadDictionary is per thread, so the connection never crosses threads.
        let dictionary = Thread.current.threadDictionary
        if let existing = dictionary[key] as? ConnectionBox { return existing.connection }
        let connection = try Connection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        dictionary[key] = ConnectionBox(connection)
        return connection
    }
}

/// Holds a connection in a thread dictionary (which takes only class instances).
private final class ConnectionBox: NSObject {
    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }
}
