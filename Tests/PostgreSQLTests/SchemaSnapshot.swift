import Foundation
import PostgreSQL
import Store

/// A database's logical schema as sorted lines, one fact each (`holdings: column token_id INTEGER NOT NULL`), read
/// by introspection, so the SQLite and PostgreSQL schemas made by the two migration timelines compare line by line.
///
/// Normalized so that equal means "the same to the application": types by affinity (TEXT, INTEGER, BLOB, REAL;
/// PostgreSQL's BIGINT is INTEGER), a primary key column counts as NOT NULL (PostgreSQL enforces it; SQLite lets a
/// TEXT key be NULL but Holdfast never writes one), SQLite's `INTEGER PRIMARY KEY` rowid and PostgreSQL's identity
/// are both IDENTITY, a `COLLATE NOCASE` index column is `lower(column)`, defaults lose PostgreSQL's `::type`
/// casts, and CHECK constraints are counted per table (their text differs between dialects). `schema_migrations`
/// is left out: each migrator keeps its own bookkeeping table.
enum SchemaSnapshot {
    /// The SQLite schema of `db`.
    static func sqlite(_ db: Connection) throws -> [String] {
        var lines: [String] = []
        let tables = try db.query("""
            SELECT name, sql FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'
            """)
        for table in tables {
            let name = table.string("name") ?? "?"
            lines.append("\(name): table")
            let columns = try db.query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)",
                                       [.text(name)])
            let key = columns.filter { ($0.int("pk") ?? 0) > 0 }.sorted { $0.int("pk")! < $1.int("pk")! }
            let rowid = key.count == 1 && key[0].string("type")?.uppercased() == "INTEGER"
            for column in columns {
                let isKey = (column.int("pk") ?? 0) > 0
                lines.append(columnLine(table: name, name: column.string("name") ?? "?",
                                        type: affinity(column.string("type") ?? ""),
                                        notNull: column.bool("notnull") || isKey,
                                        defaultValue: column.string("dflt_value"), identity: rowid && isKey))
            }
            lines.append("\(name): primary key (\(key.compactMap { $0.string("name") }.joined(separator: ", ")))")
            for index in try db.query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", [.text(name)])
            where index.string("origin") != "pk" {
                let parts = try db.query("SELECT name, coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno",
                                         [.text(index.string("name") ?? "")]).map { part in
                    let column = part.string("name") ?? "<expression>"
                    return part.string("coll")?.uppercased() == "NOCASE" ? "lower(\(column))" : column
                }
                lines.append(indexLine(table: name, unique: index.bool("unique"), columns: parts,
                                       partial: index.bool("partial")))
            }
            let keys = try db.query("SELECT id, seq, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?)",
                                    [.text(name)])
            for id in Set(keys.compactMap { $0.int("id") }).sorted() {
                let parts = keys.filter { $0.int("id") == id }.sorted { $0.int("seq")! < $1.int("seq")! }
                let target = parts[0].string("table") ?? "?"
                lines.append(foreignKeyLine(table: name, from: parts.compactMap { $0.string("from") }, target: target,
                                            to: parts.map { $0.string("to") ?? "<primary key>" },
                                            onDelete: parts[0].string("on_delete") ?? "?"))
            }
            lines.append("\(name): \(checkCount(inCreateTable: table.string("sql") ?? "")) check constraints")
        }
        return numbered(lines)
    }

    /// The PostgreSQL schema of `db`'s current schema (search path).
    static func postgres(_ db: PostgresConnection) throws -> [String] {
        var lines: [String] = []
        let tables = try db.query("""
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
            """)
        for table in tables {
            let name = table.string("table_name") ?? "?"
            lines.append("\(name): table")
            let key = try db.query("""
                SELECT a.attname FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                WHERE i.indrelid = ?::regclass AND i.indisprimary
                ORDER BY array_position(i.indkey::int2[], a.attnum)
                """, [.text(name)]).compactMap { $0.string("attname") }
            let columns = try db.query("""
                SELECT column_name, data_type, is_nullable, column_default, is_identity FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
                """, [.text(name)])
            for column in columns {
                let columnName = column.string("column_name") ?? "?"
                lines.append(columnLine(table: name, name: columnName, type: affinity(column.string("data_type") ?? ""),
                                        notNull: column.string("is_nullable") == "NO" || key.contains(columnName),
                                        defaultValue: column.string("column_default").map(withoutCasts),
                                        identity: column.string("is_identity") == "YES"))
            }
            lines.append("\(name): primary key (\(key.joined(separator: ", ")))")
            let indexes = try db.query("""
                SELECT i.indisunique AS is_unique, i.indpred IS NOT NULL AS partial,
                       (SELECT string_agg(pg_get_indexdef(i.indexrelid, k, true), '|' ORDER BY k)
                        FROM generate_series(1, i.indnkeyatts) AS k) AS columns
                FROM pg_index i WHERE i.indrelid = ?::regclass AND NOT i.indisprimary
                """, [.text(name)])
            for index in indexes {
                let parts = (index.string("columns") ?? "").split(separator: "|").map(String.init)
                lines.append(indexLine(table: name, unique: index.bool("is_unique"), columns: parts,
                                       partial: index.bool("partial")))
            }
            let keys = try db.query("""
                SELECT c.confrelid::regclass::text AS target, c.confdeltype AS on_delete,
                       (SELECT string_agg(a.attname, '|' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
                        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS from_columns,
                       (SELECT string_agg(a.attname, '|' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n)
                        JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS to_columns
                FROM pg_constraint c WHERE c.conrelid = ?::regclass AND c.contype = 'f'
                """, [.text(name)])
            for foreignKey in keys {
                let actions = ["a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"]
                lines.append(foreignKeyLine(
                    table: name, from: (foreignKey.string("from_columns") ?? "").split(separator: "|").map(String.init),
                    target: foreignKey.string("target") ?? "?",
                    to: (foreignKey.string("to_columns") ?? "").split(separator: "|").map(String.init),
                    onDelete: actions[foreignKey.string("on_delete") ?? ""] ?? "?"))
            }
            let checks = try db.queryOne(
                "SELECT count(*) AS n FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'c'", [.text(name)])
            lines.append("\(name): \(checks?.int("n") ?? -1) check constraints")
        }
        return numbered(lines)
    }

    /// Nil when the schemas are equal, else a readable list of the lines only one of them has.
    static func difference(sqlite: [String], postgres: [String]) -> String? {
        let onlySQLite = Set(sqlite).subtracting(postgres).sorted()
        let onlyPostgres = Set(postgres).subtracting(sqlite).sorted()
        if onlySQLite.isEmpty && onlyPostgres.isEmpty { return nil }
        return (["The SQLite and PostgreSQL schemas differ:"]
            + onlySQLite.map { "  only in SQLite:     \($0)" }
            + onlyPostgres.map { "  only in PostgreSQL: \($0)" }).joined(separator: "\n")
    }

    private static func columnLine(table: String, name: String, type: String, notNull: Bool, defaultValue: String?,
                                   identity: Bool) -> String {
        var line = "\(table): column \(name) \(type)"
        if notNull { line += " NOT NULL" }
        if let defaultValue { line += " DEFAULT \(defaultValue)" }
        if identity { line += " IDENTITY" }
        return line
    }

    private static func indexLine(table: String, unique: Bool, columns: [String], partial: Bool) -> String {
        "\(table): \(unique ? "unique index" : "index") (\(columns.joined(separator: ", ")))\(partial ? " partial" : "")"
    }

    private static func foreignKeyLine(table: String, from: [String], target: String, to: [String],
                                       onDelete: String) -> String {
        "\(table): foreign key (\(from.joined(separator: ", "))) references \(target)(\(to.joined(separator: ", "))) "
            + "on delete \(onDelete.uppercased())"
    }

    /// A declared type by SQLite's affinity rules (§3.1 of its datatype page), PostgreSQL's names mapped alike.
    private static func affinity(_ declared: String) -> String {
        let type = declared.uppercased()
        if type.contains("INT") { return "INTEGER" }
        if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") { return "TEXT" }
        if type.isEmpty || type.contains("BLOB") || type == "BYTEA" { return "BLOB" }
        if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") { return "REAL" }
        return type
    }

    /// `'active'::text` → `'active'`: PostgreSQL shows a default with the cast it stores.
    private static func withoutCasts(_ value: String) -> String {
        value.replacingOccurrences(of: #"::[a-z ]+(\[\])?$"#, with: "", options: .regularExpression)
    }

    /// CHECK constraints in a CREATE TABLE statement (as SQLite keeps it, with later ADD COLUMNs), comments aside.
    private static func checkCount(inCreateTable sql: String) -> Int {
        let code = sql.replacingOccurrences(of: #"--[^\n]*"#, with: "", options: .regularExpression)
        return code.ranges(of: #/(?i)\bCHECK\s*\(/#).count
    }

    /// Sorted lines, a repeated one numbered (`#2`) so a duplicate index still counts.
    private static func numbered(_ lines: [String]) -> [String] {
        var seen: [String: Int] = [:]
        return lines.sorted().map { line in
            seen[line, default: 0] += 1
            return seen[line]! == 1 ? line : "\(line) #\(seen[line]!)"
        }
    }
}
