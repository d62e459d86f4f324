import PostgreSQL
import Store

/// Copies, sequences and verifies one table for `DatabaseCopy`, inside the caller's target transaction.
enum TableCopy {
    /// PostgreSQL takes at most 65,535 parameters per statement; a batch goes in as several multi-row INSERTs
    /// of at most this many values each.
    static let parametersPerInsert = 60_000
    /// The cursor that walks a table's keys on the target during verification.
    private static let cursor = "holdfast_copy_keys"
    /// The column name the source's rowid is read under: a name no Holdfast table uses.
    fileprivate static let rowIDColumn = "holdfast_copy_rowid"

    /// Copies every row of `table` from `source` (inside its read transaction) to `target`, `batchSize` rows
    /// at a time in rowid order (a keyset walk, so each batch costs the same however far in it is), and returns
    /// the checksum of the keys it read, which `verify` compares with the target's.
    ///
    /// - Throws: `DatabaseCopyError.copyFailed` naming the table when the target refuses a row (a constraint,
    ///   a value its column type cannot hold); `.sourceUnreadable` when the source cannot be read.
    static func copy(_ table: CopyTable, from source: SQLiteConnection, sourcePath: String, to target: PostgresConnection,
                     batchSize: Int) throws -> KeyChecksum {
        let columns = table.columns.map(CopySchema.quote).joined(separator: ", ")
        let rowsPerInsert = max(1, min(batchSize, parametersPerInsert / max(1, table.columns.count)))
        var checksum = KeyChecksum()
        var walk = KeysetWalk(table, columns: columns)
        while true {
            let rows = try DatabaseCopy.readingSource(sourcePath) {
                try source.query(walk.select, walk.bindings + [.int(batchSize)])
            }
            guard let last = rows.last else { break }
            let values = rows.map { row in table.columns.map { row.columns[$0] ?? .null } }
            for row in rows { checksum.add(table.keyColumns.map { row.columns[$0] ?? .null }) }
            var start = 0
            while start < values.count {
                let chunk = values[start..<min(start + rowsPerInsert, values.count)]
                try insert(chunk, into: table, columns: columns, target: target)
                start += chunk.count
            }
            guard walk.advance(past: last) else { break }
            if rows.count < batchSize { break }
        }
        return checksum
    }

    /// The order a table is read in, a batch at a time, each batch starting after the last row of the one before
    /// (a keyset walk: every batch costs the same however far in it is): rowid order, or primary-key order for a
    /// `WITHOUT ROWID` table (a row-value comparison on the key columns).
    private struct KeysetWalk {
        let table: CopyTable
        /// The statement of the next batch (its last parameter is the batch size).
        var select: String
        var bindings: [SQLValue]
        private let columns: String

        init(_ table: CopyTable, columns: String) {
            self.table = table
            self.columns = columns
            if table.withoutRowID {
                select = "SELECT \(columns) FROM \(table.quotedName) ORDER BY \(Self.key(table)) LIMIT ?"
                bindings = []
            } else {
                select = """
                    SELECT rowid AS \(TableCopy.rowIDColumn), \(columns) FROM \(table.quotedName) WHERE rowid > ? ORDER BY rowid LIMIT ?
                    """
                bindings = [.integer(Int64.min)]
            }
        }

        private static func key(_ table: CopyTable) -> String { table.keyColumns.map(CopySchema.quote).joined(separator: ", ") }

        /// Moves past `row`; false when the row does not say where it is (the walk ends).
        mutating func advance(past row: Row) -> Bool {
            if table.withoutRowID {
                let key = Self.key(table)
                let marks = Array(repeating: "?", count: table.keyColumns.count).joined(separator: ", ")
                select = "SELECT \(columns) FROM \(table.quotedName) WHERE (\(key)) > (\(marks)) ORDER BY \(key) LIMIT ?"
                bindings = table.keyColumns.map { row.columns[$0] ?? .null }
                return true
            }
            guard case .integer(let rowID) = row.columns[TableCopy.rowIDColumn] else { return false }
            bindings = [.integer(rowID)]
            return true
        }
    }

    /// One multi-row INSERT of `rows` (values in `table.columns` order).
    private static func insert(_ rows: ArraySlice<[SQLValue]>, into table: CopyTable, columns: String,
                               target: PostgresConnection) throws {
        let tuple = "(" + Array(repeating: "?", count: table.columns.count).joined(separator: ", ") + ")"
        let sql = "INSERT INTO \(table.quotedName) (\(columns)) VALUES "
            + Array(repeating: tuple, count: rows.count).joined(separator: ", ")
        do {
            let inserted = try target.run(sql, rows.flatMap { $0 })
            // A trigger or rule could silently drop rows; verification would catch it too, but say it here.
            if inserted != rows.count {
                throw DatabaseCopyError.copyFailed(table: table.name,
                                                   reason: "the target took \(inserted) of \(rows.count) rows")
            }
        } catch let error as PostgresError {
            throw DatabaseCopyError.copyFailed(table: table.name, reason: error.message)
        }
    }

    /// Moves the sequence behind each identity (or serial) column of `table` past the largest copied value,
    /// so the next row the application inserts gets a new id rather than colliding with a copied one.
    static func advanceSequences(of table: CopyTable, in target: PostgresConnection) throws {
        do {
            for column in table.columns {
                // The table argument is parsed as a (quoted) name, the column argument is taken as it is.
                guard let sequence = try target.queryOne("SELECT pg_get_serial_sequence(?, ?) AS sequence",
                                                         [.text(table.quotedName), .text(column)])?.string("sequence")
                else { continue }
                // is_called false: the next nextval returns exactly max + 1 (or 1 on an empty table).
                try target.query("""
                    SELECT setval(?::regclass, COALESCE(MAX(\(CopySchema.quote(column))), 0) + 1, false) AS next
                    FROM \(table.quotedName)
                    """, [.text(sequence)])
            }
        } catch let error as PostgresError {
            throw DatabaseCopyError.copyFailed(table: table.name, reason: "advancing its sequence: \(error.message)")
        }
    }

    /// Compares what the target now holds in `table` with what was read from the source: the row count, then
    /// the checksum of the primary keys, read through a cursor so memory stays bounded.
    ///
    /// - Throws: `DatabaseCopyError.verificationFailed` naming the table and both sides' figures.
    static func verify(_ table: CopyTable, against source: KeyChecksum, in target: PostgresConnection,
                       batchSize: Int = DatabaseCopy.defaultBatchSize) throws {
        do {
            let count = try target.queryOne("SELECT count(*) AS n FROM \(table.quotedName)")?.int("n") ?? -1
            guard count == source.count else {
                throw DatabaseCopyError.verificationFailed(
                    table: table.name, detail: "the source has \(source.count) rows, the target \(count)")
            }
            let keys = table.keyColumns.map(CopySchema.quote).joined(separator: ", ")
            try target.execute("DECLARE \(cursor) NO SCROLL CURSOR FOR SELECT \(keys) FROM \(table.quotedName)")
            var checksum = KeyChecksum()
            while true {
                let rows = try target.query("FETCH FORWARD \(batchSize) FROM \(cursor)")
                if rows.isEmpty { break }
                for row in rows { checksum.add(table.keyColumns.map { row.columns[$0] ?? .null }) }
            }
            try target.execute("CLOSE \(cursor)")
            guard checksum == source else {
                throw DatabaseCopyError.verificationFailed(
                    table: table.name, detail: "primary keys differ (source \(source), target \(checksum))")
            }
        } catch let error as PostgresError {
            throw DatabaseCopyError.verificationFailed(table: table.name, detail: error.message)
        }
    }
}
