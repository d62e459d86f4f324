import CPostgreSQL
import Foundation
import Store

/// One open PostgreSQL connection: the only owner of its `PGconn*`, closed in `deinit`.
///
/// Not `Sendable`: a libpq connection must be used by one thread at a time. It is reached only inside closures of
/// a `Sendable` owner (`PostgresPool.write { db in … }`). Every call blocks its thread until the server answers,
/// so it belongs on the responder's worker threads or a dedicated thread pool, never on Swift's cooperative pool.
///
/// SQL is written as for SQLite: parameters are `?` or `?N` (rewritten to `$n`, see `Placeholders`), values are
/// `SQLValue`s, rows come back as `Row`s. A connection found lost (`PQstatus` is `CONNECTION_BAD`) is
/// re-established at its next use, so one network blip fails one statement, not the connection for good.
public final class PostgresConnection {
    private let handle: OpaquePointer
    /// The password of the connection string, to scrub from libpq's messages (which never should, but a
    /// malformed string may be echoed back). Empty when the string has none.
    private let secrets: [String]
    /// True between a transaction's BEGIN and its end, so a lost connection is not silently re-opened in between.
    private var transactionOpen = false
    /// This session's prepared statements: name by statement text and parameter types. The store runs the same few
    /// dozen statements over and over; prepared once per connection, the server parses and plans each once instead
    /// of at every execution (PostgreSQL manual, "PREPARE": "can be a significant performance win when a single
    /// session is being used to execute a large number of similar statements"). Emptied when the session is
    /// replaced (`PQreset`) or the server no longer knows a statement.
    private var prepared: [PreparedKey: String] = [:]
    /// At most this many statements are prepared per connection; others run unprepared. Statements whose text
    /// varies (an `IN (?, ?, …)` list of a different length each time) would otherwise fill the session.
    static let maximumPreparedStatements = 200
    /// Statements prepared in this session so far: names are never reused, since a statement dropped from
    /// `prepared` may still exist on the server.
    private var preparedCount = 0
    /// Set when `prepared` was emptied inside a transaction: the server's statements are deallocated at the next
    /// statement outside one, so forgotten statements do not pile up in the session.
    private var deallocatePending = false

    /// Connects to `connectionString`: a `postgres://` / `postgresql://` URL or a libpq keyword string
    /// (`host=… dbname=…`). TLS is what the string asks for (`sslmode=require`, `verify-full` …): libpq does it.
    ///
    /// - Throws: `PostgresError` (no SQLSTATE; `isConnectionLost` true) when the server cannot be reached, refuses
    ///   the login, or cannot give the TLS asked for. Its message never contains the password.
    public init(connectionString: String) throws {
        secrets = ConnectionString.secrets(in: connectionString)
        // PQconnectdb returns a handle even when connecting failed (or nil when out of memory); it must be freed.
        guard let pointer = PQconnectdb(connectionString) else {
            throw PostgresError(sqlState: nil, message: "out of memory while connecting", sql: nil,
                                connectionBroken: true)
        }
        guard PQstatus(pointer) == CONNECTION_OK else {
            let message = ConnectionString.scrub(Self.lastError(of: pointer), removing: secrets)
            PQfinish(pointer)
            throw PostgresError(sqlState: nil, message: "cannot connect: \(message)", sql: nil, connectionBroken: true)
        }
        handle = pointer
        // Notices (`relation … already exists, skipping`) would go to stderr line by line; what matters reaches us
        // as errors or results, so drop them.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        try setClientEncoding()
    }

    deinit { PQfinish(handle) }

    /// True when libpq knows the connection is gone; the next call reconnects.
    public var isBroken: Bool { PQstatus(handle) == CONNECTION_BAD }

    /// Whether the connection still works, found without a round trip: libpq notices a closed connection only when
    /// it reads, so read whatever arrived (`PQconsumeInput` never blocks) — a terminated backend's goodbye and EOF.
    var isAlive: Bool {
        // A terminated backend leaves its last message and then EOF; one read returns the message, and only the
        // next one, finding EOF, marks the connection bad. An idle healthy connection has nothing to read.
        for _ in 0..<3 where !isBroken { _ = PQconsumeInput(handle) }
        return !isBroken
    }

    /// Makes the connection fit for its next user: rolls back a transaction its last user left open (an `execute
    /// ("BEGIN")` without its end). False when it cannot be reused and should be closed.
    func prepareForReuse() -> Bool {
        if isBroken { return false }
        if PQtransactionStatus(handle) != PQTRANS_IDLE { PQexec(handle, "ROLLBACK").map(PQclear) }
        return PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    /// The server process serving this connection (`pg_backend_pid()`), for logs and tests.
    public var backendProcessID: Int32 { PQbackendPID(handle) }

    /// Runs one or more SQL statements that return nothing of interest (schema, `SET`), without parameters.
    /// Several statements separated by `;` run in one implicit transaction unless they contain their own.
    public func execute(_ sql: String) throws {
        try reconnectIfBroken()
        _ = try check(PQexec(handle, sql), sql: sql)
    }

    /// Runs `sql` with `bindings` and returns every row.
    @discardableResult
    public func query(_ sql: String, _ bindings: [SQLValue] = []) throws -> [Row] {
        try perform(sql, bindings).rows()
    }

    /// Runs `sql` with `bindings` and returns the first row, if any.
    public func queryOne(_ sql: String, _ bindings: [SQLValue] = []) throws -> Row? {
        try query(sql, bindings).first
    }

    /// Runs a statement that changes rows and returns how many it changed (libpq's `PQcmdTuples`).
    @discardableResult
    public func run(_ sql: String, _ bindings: [SQLValue] = []) throws -> Int {
        try perform(sql, bindings).changedRows
    }

    /// Runs `body` inside `BEGIN … COMMIT` (READ COMMITTED, the server's default), rolling back if it throws.
    /// A read-modify-write takes its row locks with `SELECT … FOR UPDATE` inside the body.
    ///
    /// - Throws: what `body` throws; a `PostgresError` when the commit fails (a serialization failure is
    ///   `isSerializationFailure`: retry the whole transaction) or when a statement of the body failed and the
    ///   body went on regardless (the server then rolled everything back). Transactions do not nest.
    @discardableResult
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try inTransaction(begin: "BEGIN", body)
    }

    /// Runs `body` in a read-only transaction that sees one snapshot for all its statements
    /// (`REPEATABLE READ READ ONLY`): two queries in it never see different commits.
    @discardableResult
    public func readTransaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try inTransaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Runs `body` in a `SERIALIZABLE` transaction: it commits only if the result equals some serial order of
    /// the transactions that overlapped it, otherwise it fails with 40001 (`isSerializationFailure`) and the
    /// caller runs the whole transaction again (`Database.write` does).
    @discardableResult
    ///
    /// Sequential scans are turned off for the transaction (`SET LOCAL`, sent with the BEGIN: no extra round trip).
    /// A sequential scan under SERIALIZABLE takes a predicate lock on the whole table, so any other transaction
    /// writing any row of it becomes a conflict (PostgreSQL manual, 13.2.3 "Serializable Isolation Level": "a
    /// sequential scan will always necessitate a relation-level predicate lock"); the planner picks one for every
    /// small table, which is every table of a young database. With index scans the locks cover the rows read.
    public func serializableTransaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try inTransaction(begin: "BEGIN ISOLATION LEVEL SERIALIZABLE; SET LOCAL enable_seqscan = off", body)
    }

    /// Runs `body` between `begin` (one or more statements, sent as one message: one round trip) and `COMMIT`,
    /// rolling back if it throws. The other transaction methods are this with their own `begin`.
    func inTransaction<T>(begin: String, _ body: (PostgresConnection) throws -> T) throws -> T {
        try reconnectIfBroken()
        guard PQtransactionStatus(handle) == PQTRANS_IDLE else {
            throw PostgresError(sqlState: nil, message: "transactions do not nest: one is already open", sql: begin)
        }
        try execute(begin)
        transactionOpen = true
        defer { transactionOpen = false }
        do {
            let result = try body(self)
            // COMMIT of a transaction in which a statement failed succeeds with the tag ROLLBACK: report it, or a
            // body that caught that failure would believe its other writes were kept.
            let commit = try check(PQexec(handle, "COMMIT"), sql: "COMMIT")
            if commit.commandTag == "ROLLBACK" {
                throw PostgresError(sqlState: "25P02", message: "the transaction was rolled back because a statement "
                                    + "in it failed", sql: "COMMIT")
            }
            return result
        } catch {
            // A lost connection has no transaction left to roll back, and reconnecting here would only hide it.
            if !isBroken && PQtransactionStatus(handle) != PQTRANS_IDLE { _ = PQexec(handle, "ROLLBACK").map(PQclear) }
            throw error
        }
    }

    /// Rewrites the placeholders, binds `bindings` and runs one statement.
    private func perform(_ sql: String, _ bindings: [SQLValue], retried: Bool = false) throws -> PostgresResult {
        try reconnectIfBroken()
        let statement = Placeholders.rewrite(sql)
        guard statement.parameterCount == bindings.count else {
            throw PostgresError(sqlState: nil, message: "the statement takes \(statement.parameterCount) parameters, "
                                + "\(bindings.count) were bound", sql: statement.sql)
        }
        let parameters = bindings.map(PostgresType.parameter)
        // Text-format parameters travel as C strings (libpq ignores their length), so a NUL would silently cut
        // the value short; PostgreSQL text cannot hold one anyway.
        if let position = parameters.firstIndex(where: { !$0.binary && $0.bytes?.contains(0) == true }) {
            throw PostgresError(sqlState: nil, message: "parameter \(position + 1) contains a NUL character, which "
                                + "PostgreSQL text cannot hold", sql: statement.sql)
        }
        // Each buffer is NUL-terminated for the text format; libpq copies them while sending, so they only need
        // to outlive the call.
        let buffers: [UnsafeMutablePointer<CChar>?] = parameters.map { parameter in
            guard let bytes = parameter.bytes else { return nil }
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: source.count) }
            }
            buffer[bytes.count] = 0
            return buffer
        }
        defer { buffers.forEach { $0?.deallocate() } }
        let types = parameters.map(\.type)
        let lengths = parameters.map { Int32($0.bytes?.count ?? 0) }
        let formats = parameters.map { Int32($0.binary ? 1 : 0) }
        let values = buffers.map { UnsafePointer($0) }
        let result: OpaquePointer?
        if let name = try preparedName(for: statement.sql, types: types) {
            result = PQexecPrepared(handle, name, Int32(parameters.count), values, lengths, formats, 0)
        } else {
            result = PQexecParams(handle, statement.sql, Int32(parameters.count), types, values, lengths, formats, 0)
        }
        do {
            return try check(result, sql: statement.sql)
        } catch let error as PostgresError where error.isStalePreparedStatement {
            // The server no longer has the statement (a pooler in front discarded it) or its plan's result shape
            // changed under it (a migration added a column to a `c.*`): prepare afresh. Alone, the statement simply
            // runs again; inside a transaction the server has aborted it, so the error goes up, and `Database`
            // runs a write again and answers a read 503 (`PostgresBackend`).
            forgetPreparedStatements()
            if retried || PQtransactionStatus(handle) != PQTRANS_IDLE { throw error }
            return try perform(sql, bindings, retried: true)
        }
    }

    /// The name `sql` with parameter `types` is prepared under in this session, preparing it now when it is new
    /// and there is room (one more round trip, once); nil to run it unprepared. Throws what preparing throws (a
    /// syntax error, an unknown column), as running it would have.
    private func preparedName(for sql: String, types: [Oid]) throws -> String? {
        let key = PreparedKey(sql: sql, types: types)
        if let name = prepared[key] { return name }
        if deallocatePending && PQtransactionStatus(handle) == PQTRANS_IDLE {
            try execute("DEALLOCATE ALL")
            deallocatePending = false
        }
        guard prepared.count < Self.maximumPreparedStatements else { return nil }
        preparedCount += 1
        let name = "holdfast_\(preparedCount)"
        _ = try check(PQprepare(handle, name, sql, Int32(types.count), types), sql: sql)
        prepared[key] = name
        return name
    }

    /// Forgets every prepared statement (a stale one was met): deallocated on the server now when no
    /// transaction is open, else at the next statement outside one.
    private func forgetPreparedStatements() {
        prepared.removeAll()
        deallocatePending = true
        if PQtransactionStatus(handle) == PQTRANS_IDLE, (try? execute("DEALLOCATE ALL")) != nil { deallocatePending = false }
    }

    /// Turns a libpq result into a `PostgresResult`, or a thrown `PostgresError` when the statement failed.
    private func check(_ pointer: OpaquePointer?, sql: String) throws -> PostgresResult {
        guard let pointer else {
            // No result at all: out of memory, or the connection could not even send the statement.
            throw PostgresError(sqlState: nil, message: ConnectionString.scrub(Self.lastError(of: handle),
                                removing: secrets), sql: sql, connectionBroken: isBroken)
        }
        let result = PostgresResult(pointer)
        guard result.succeeded else {
            throw PostgresError(sqlState: result.sqlState, message: ConnectionString.scrub(result.errorMessage,
                                removing: secrets), sql: sql, connectionBroken: isBroken)
        }
        return result
    }

    /// Re-establishes a connection libpq found broken, with the same parameters (`PQreset`).
    private func reconnectIfBroken() throws {
        guard isBroken else { return }
        // Reconnecting inside a transaction would run the rest of its statements one by one, outside of it.
        if transactionOpen {
            throw PostgresError(sqlState: nil, message: "the connection was lost inside a transaction, which the "
                                + "server rolled back", sql: nil, connectionBroken: true)
        }
        PQreset(handle)
        // A new session: the statements prepared in the old one are gone with it.
        prepared.removeAll()
        deallocatePending = false
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = ConnectionString.scrub(Self.lastError(of: handle), removing: secrets)
            throw PostgresError(sqlState: nil, message: "cannot reconnect: \(message)", sql: nil, connectionBroken: true)
        }
        try setClientEncoding()
    }

    /// Text goes both ways as UTF-8 whatever the server's default client encoding.
    private func setClientEncoding() throws {
        guard PQsetClientEncoding(handle, "UTF8") == 0 else {
            throw PostgresError(sqlState: nil, message: "the server refused client_encoding UTF8", sql: nil)
        }
    }

    /// libpq's last message for `connection`, on one line (libpq splits some over several, with tabs).
    private static func lastError(of connection: OpaquePointer) -> String {
        String(cString: PQerrorMessage(connection))
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}

/// A statement as prepared: its text and its parameters' types (the same text bound with other types is another
/// statement to the server).
private struct PreparedKey: Hashable {
    let sql: String
    let types: [Oid]
}

// Not Sendable, on purpose and visibly: a libpq connection is for one thread at a time (see the type's comment).
@available(*, unavailable)
extension PostgresConnection: Sendable {}
