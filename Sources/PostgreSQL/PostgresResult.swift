import Foundation
import CPostgreSQL
import Store

/// One `PGresult*`, owned: cleared in `deinit`. Internal: nothing above this module sees a libpq type.
final class PostgresResult {
    private let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }

    deinit { PQclear(handle) }

    /// Whether the statement succeeded: returned rows, changed rows, or was an empty query.
    var succeeded: Bool {
        switch PQresultStatus(handle) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: true
        default: false
        }
    }

    /// The SQLSTATE the server sent with a failure, nil when libpq made the error itself.
    var sqlState: String? { field(holdfast_pg_diag_sqlstate()) }

    /// The failure's message: the primary message when the server sent one, else libpq's own text.
    var errorMessage: String {
        if let primary = field(holdfast_pg_diag_message_primary()) { return primary }
        let text = String(cString: PQresultErrorMessage(handle))
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Rows changed by INSERT/UPDATE/DELETE/MERGE (and rows of SELECT, COPY, FETCH, MOVE), 0 for other commands.
    var changedRows: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }

    /// The command tag the server answered (`INSERT 0 1`, `COMMIT`, or `ROLLBACK` for a COMMIT that could not).
    var commandTag: String { String(cString: PQcmdStatus(handle)) }

    /// Every row, each column mapped from its type OID into the Store's values.
    func rows() -> [Row] {
        let rowCount = PQntuples(handle)
        let columnCount = PQnfields(handle)
        guard rowCount > 0, columnCount > 0 else { return [] }
        let names = (0..<columnCount).map { String(cString: PQfname(handle, $0)) }
        let types = (0..<columnCount).map { PQftype(handle, $0) }
        var rows: [Row] = []
        rows.reserveCapacity(Int(rowCount))
        let layout = Row.Layout(names: names)
        for row in 0..<rowCount {
            rows.append(Row(layout: layout, values: (0..<columnCount).map {
                value(row: row, column: $0, type: types[Int($0)])
            }))
        }
        return rows
    }

    private func value(row: Int32, column: Int32, type: Oid) -> SQLValue {
        if PQgetisnull(handle, row, column) != 0 { return .null }
        // Results are in text format; PQgetvalue's buffer lives as long as the result and is NUL-terminated.
        let length = Int(PQgetlength(handle, row, column))
        let bytes = UnsafeRawBufferPointer(start: PQgetvalue(handle, row, column), count: length)
        return PostgresType.value(text: bytes, type: type)
    }

    private func field(_ code: Int32) -> String? {
        guard let pointer = PQresultErrorField(handle, code) else { return nil }
        return String(cString: pointer)
    }
}
