import CSQLite

/// A value SQLite stores: the typed binding and column representation used throughout the store.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue {
    /// `.text(value)` or `.null` for an optional string.
    public static func optionalText(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    /// `.integer(1)` or `.integer(0)`.
    public static func bool(_ value: Bool) -> SQLValue { .integer(value ? 1 : 0) }
    /// An `Int` as `.integer`.
    public static func int(_ value: Int) -> SQLValue { .integer(Int64(value)) }
}

/// A prepared statement, finalized in `deinit`. Owned by its `Connection`'s cache.
public final class Statement {
    private let handle: OpaquePointer
    private unowned let connection: SQLiteConnection
    let sql: String

    init(connection: SQLiteConnection, sql: String) throws {
        var pointer: OpaquePointer?
        let status = sqlite3_prepare_v2(connection.handle, sql, -1, &pointer, nil)
        guard status == SQLITE_OK, let pointer else {
            throw SQLiteError(
                code: sqlite3_extended_errcode(connection.handle), message: connection.lastErrorMessage, sql: sql)
        }
        self.handle = pointer
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds `values` to the statement's parameters in order (1-based in SQLite).
    func bind(_ values: [SQLValue]) throws {
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null: status = sqlite3_bind_null(handle, index)
            case .integer(let int): status = sqlite3_bind_int64(handle, index, int)
            case .real(let double): status = sqlite3_bind_double(handle, index, double)
            case .text(let text):
                // TRANSIENT makes SQLite copy the bytes: the Swift string's buffer does not outlive this call.
                status = sqlite3_bind_text(handle, index, text, -1, holdfast_sqlite_transient())
            case .blob(let bytes):
                status = bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count), holdfast_sqlite_transient())
                }
            }
            try connection.check(status, sql: sql)
        }
    }

    /// Steps through every row.
    func allRows() throws -> [Row] {
        var rows: [Row] = []
        var layout: Row.Layout?
        while true {
            let status = sqlite3_step(handle)
            if status == SQLITE_DONE { return rows }
            try connection.check(status, sql: sql, accepting: [SQLITE_ROW])
            let names = layout ?? columnLayout()
            layout = names
            rows.append(currentRow(names))
        }
    }

    func reset() {
        sqlite3_reset(handle)
    }

    /// The names of the current result's columns, read once per result.
    private func columnLayout() -> Row.Layout {
        Row.Layout(names: (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) })
    }

    private func currentRow(_ layout: Row.Layout) -> Row {
        Row(layout: layout, values: (0..<Int32(layout.names.count)).map(columnValue))
    }

    private func columnValue(_ index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(handle, index)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let pointer = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default: return .null
        }
    }
}
