/// A failure reported by PostgreSQL or by libpq: what went wrong, its SQLSTATE when the server sent one, and the
/// statement that failed.
///
/// Never carries the connection URL or keyword string, so never a password: messages that libpq builds while
/// connecting are scrubbed of the password before they get here (`PostgresConnection.open`). The statement is
/// SQL text with `$n` placeholders, never the bound values, which may be secrets.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// The five-character SQLSTATE (`23505`), nil when the failure happened in libpq (no server answer).
    public let sqlState: String?
    /// The server's or libpq's message, one line, without the password of the connection.
    public let message: String
    /// The statement that failed, as sent (`$n` placeholders), nil for connecting and pool failures.
    public let sql: String?
    /// True when the connection itself was found broken after the failure (`PQstatus` is `CONNECTION_BAD`).
    let connectionBroken: Bool

    /// Makes an error; `connectionBroken` is for libpq failures that leave the connection unusable.
    public init(sqlState: String?, message: String, sql: String?, connectionBroken: Bool = false) {
        self.sqlState = sqlState
        self.message = message
        self.sql = sql
        self.connectionBroken = connectionBroken
    }

    /// The connection to the server is gone (network, server restart, the backend terminated): the statement
    /// did not run or its outcome is unknown, and the next use of the connection reconnects. The responder turns
    /// it into 503. SQLSTATE class 08 (connection exception) and 57P01–57P03 (shutdown, crash, cannot connect now).
    public var isConnectionLost: Bool {
        if connectionBroken { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    /// A UNIQUE or PRIMARY KEY constraint refused the row (23505).
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// The transaction lost a race with a concurrent one and may simply be retried: serialization failure
    /// (40001, REPEATABLE READ and SERIALIZABLE) or deadlock (40P01).
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// A prepared statement the session lost (26000: a pooler discarded it) or whose cached plan no longer fits
    /// the table (0A000 "cached plan must not change result type": a migration changed it): prepared again, the
    /// statement runs.
    public var isStalePreparedStatement: Bool {
        // 0A000 is every "feature not supported"; only this message is about a cached plan (servers answer in
        // English unless `lc_messages` says otherwise: then the error is simply not taken for a stale one).
        sqlState == "26000" || (sqlState == "0A000" && message.contains("cached plan must not change result type"))
    }

    /// A lock could not be taken at once (55P03): `FOR UPDATE NOWAIT`, or `lock_timeout` ran out.
    public var isLockNotAvailable: Bool { sqlState == "55P03" }

    public var description: String {
        var text = "PostgreSQL error"
        if let sqlState { text += " \(sqlState)" }
        text += ": \(message)"
        // A failed migration's statement is a whole file: the start says which one it was.
        if let sql { text += " (in: \(sql.count > 300 ? sql.prefix(300) + "…" : sql))" }
        return text
    }
}

/// Why a connection could not be had from a `PostgresPool`.
public enum PostgresPoolError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Every connection stayed busy for the whole checkout timeout. The database is overloaded or a caller holds
    /// connections too long; the responder answers 503 so the client retries later.
    case checkoutTimedOut(seconds: Double)

    public var description: String {
        switch self {
        case .checkoutTimedOut(let seconds):
            "no PostgreSQL connection became free within \(seconds) s (every pooled connection is busy)"
        }
    }
}
