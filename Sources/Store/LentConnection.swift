import Foundation

/// The `Connection` a `Database` closure receives: forwards to a pooled backend connection while the closure
/// runs, and traps when used afterwards or from another thread.
///
/// The pooled connection goes back to the pool (and to another thread) when the closure returns, so a handle
/// kept past that point would use a connection someone else is in a transaction on. The check costs one flag
/// and one thread comparison per call.
final class LentConnection: Connection {
    private let base: any Connection
    private let thread = pthread_self()
    private var isLent = true

    init(_ base: any Connection) { self.base = base }

    /// Ends the loan: every later call traps.
    func revoke() { isLent = false }

    var dialect: SQLDialect { base.dialect }

    func execute(_ sql: String) throws { try checked().execute(sql) }

    func query(_ sql: String, _ bindings: [SQLValue]) throws -> [Row] { try checked().query(sql, bindings) }

    func queryOne(_ sql: String, _ bindings: [SQLValue]) throws -> Row? { try checked().queryOne(sql, bindings) }

    func run(_ sql: String, _ bindings: [SQLValue]) throws -> Int { try checked().run(sql, bindings) }

    private func checked() -> any Connection {
        guard isLent else {
            preconditionFailure(
                "a Connection was used after the Database.read/write closure that lent it returned: "
                    + "do not keep or capture the db handle, pass it down while the closure runs")
        }
        guard pthread_equal(thread, pthread_self()) != 0 else {
            preconditionFailure(
                "a Connection was used on another thread than the Database.read/write closure that lent it: "
                    + "a connection serves one thread at a time")
        }
        return base
    }
}
