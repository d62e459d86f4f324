import PostgreSQL
import Store

/// One table as `DatabaseCopy` moves it: discovered from the SQLite source's own schema, not from a list kept in
/// code, so a table added by a future migration is copied without anyone remembering to add it here.
struct CopyTable: Equatable, Sendable {
    /// The table's name.
    let name: String
    /// Its columns in declaration order: the order rows are read and inserted in.
    let columns: [String]
    /// The primary-key columns in key order; every column when the table has no primary key. The checksum
    /// that verifies the copy runs over these.
    let keyColumns: [String]
    /// The other tables its foreign keys point at: they are copied first.
    let parents: Set<String>
    /// True for a `WITHOUT ROWID` table: it is walked in primary-key order instead of rowid order.
    var withoutRowID = false

    /// The name quoted as an SQL identifier (both databases quote alike).
    var quotedName: String { CopySchema.quote(name) }
}

/// Reads the two schemas the copy compares: the source's tables (SQLite catalogue) and the target's
/// (`information_schema`). The statements here name no Holdfast table: they read catalogues, so they belong to
/// no table's store.
enum CopySchema {
    /// `name` as a double-quoted SQL identifier, inner quotes doubled.
    static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// The source's tables, without SQLite's own (`sqlite_*`) and the migrator's `schema_migrations`, which the
    /// target's migrator writes for itself.
    static func sourceTables(in db: SQLiteConnection) throws -> [CopyTable] {
        let names = try db.query("""
            SELECT name FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_migrations'
            ORDER BY name
            """, []).compactMap { $0.string("name") }
        return try names.map { name in
            let columns = try db.query("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", [.text(name)])
            let names = columns.compactMap { $0.string("name") }
            // pk is the column's 1-based position in the primary key, 0 when it is not part of it.
            let key = columns.filter { ($0.int("pk") ?? 0) > 0 }.sorted { ($0.int("pk") ?? 0) < ($1.int("pk") ?? 0) }
                .compactMap { $0.string("name") }
            let parents = try db.query("SELECT DISTINCT \"table\" AS parent FROM pragma_foreign_key_list(?)",
                                       [.text(name)]).compactMap { $0.string("parent") }
            let sql = try db.queryOne("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(name)])?
                .string("sql") ?? ""
            return CopyTable(name: name, columns: names, keyColumns: key.isEmpty ? names : key,
                             parents: Set(parents).subtracting([name]),
                             withoutRowID: sql.range(of: "WITHOUT\\s+ROWID\\s*$", options: [.regularExpression, .caseInsensitive]) != nil)
        }
    }

    /// The target's tables in its current schema, each with its columns in declaration order, without
    /// `schema_migrations`.
    static func targetTables(in db: PostgresConnection) throws -> [String: [String]] {
        let rows = try db.query("""
            SELECT c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
                AND c.table_name <> 'schema_migrations'
            ORDER BY c.table_name, c.ordinal_position
            """)
        var tables: [String: [String]] = [:]
        for row in rows {
            guard let table = row.string("table_name"), let column = row.string("column_name") else { continue }
            tables[table, default: []].append(column)
        }
        return tables
    }

    /// `tables` ordered so every table comes after the tables its foreign keys point at (ties by name, so the
    /// order is stable). References to tables outside the list are ignored (the table check catches those).
    ///
    /// - Throws: `DatabaseCopyError.foreignKeyCycle` naming the tables left when no table is free to go next.
    static func insertionOrder(_ tables: [CopyTable]) throws -> [CopyTable] {
        let known = Set(tables.map(\.name))
        var remaining = tables.sorted { $0.name < $1.name }
        var placed: Set<String> = []
        var ordered: [CopyTable] = []
        while !remaining.isEmpty {
            guard let next = remaining.firstIndex(where: { $0.parents.intersection(known).isSubset(of: placed) }) else {
                throw DatabaseCopyError.foreignKeyCycle(remaining.map(\.name))
            }
            let table = remaining.remove(at: next)
            placed.insert(table.name)
            ordered.append(table)
        }
        return ordered
    }
}
