import Foundation

/// A `Sendable` handle on one SQLite database file that hands out a connection per thread.
///
/// SQLite connections must not be shared between threads without locking, and the responder runs a fixed pool
/// of worker threads, so each thread lazily opens its own connection and keeps it in thread-local storage.
/// Callers only ever see a connection inside `read`/`write` closures.
public final class Database: Sendable {
    /// The database file's path.
    public let path: String
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
    @discardableResult
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
        try connection().transaction(body)
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
