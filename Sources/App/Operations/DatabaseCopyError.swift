/// Why `holdfast db copy` refused or failed. Every case leaves the target as it found it (a failure during the
/// copy rolls its one transaction back) and the source untouched.
///
/// Descriptions are for the operator and never carry a secret: not the target URL (whose password libpq's
/// messages are scrubbed of by the PostgreSQL module), not a row's values (only table names and counts).
public enum DatabaseCopyError: Error, CustomStringConvertible, Equatable {
    /// There is no file at the source path.
    case noSource(String)
    /// The source file could not be opened or read as SQLite (not a database, unreadable).
    case sourceUnreadable(path: String, reason: String)
    /// The source is SQLite but not a Holdfast database: it has no `schema_migrations`.
    case notHoldfast(String)
    /// The source has shipped migrations still to apply (their names): run `holdfast migrate` on it first.
    case sourceNotMigrated([String])
    /// The source records a migration this install does not know, or one that changed since it was applied.
    case sourceMigrationsUnknown(String)
    /// The target could not be reached or refused the login; the reason is libpq's, without the password.
    case targetUnreachable(String)
    /// The target was migrated to another version than this install's (the reason says how).
    case targetVersionMismatch(String)
    /// The target has Holdfast tables but no migration record: not a database Holdfast made.
    case targetNotHoldfast([String])
    /// The target already holds rows in these tables; a copy only goes into an empty database.
    case targetNotEmpty([String])
    /// A table exists in one database only (`side` is "source" or "target").
    case tableOnOneSide(table: String, side: String)
    /// A table has different columns on the two sides.
    case columnsDiffer(table: String, source: [String], target: [String])
    /// The source's foreign keys form a cycle among these tables, so there is no order to insert them in.
    case foreignKeyCycle([String])
    /// Copying a table failed (the target's reason); the whole copy was rolled back.
    case copyFailed(table: String, reason: String)
    /// After copying, a table differed between the two sides (rows or primary-key checksum); rolled back.
    case verificationFailed(table: String, detail: String)
    /// The target failed outside any one table (the transaction, the commit); rolled back.
    case targetFailed(String)

    public var description: String {
        switch self {
        case .noSource(let path): "there is no database at \(path)"
        case .sourceUnreadable(let path, let reason): "cannot read \(path) as SQLite: \(reason)"
        case .notHoldfast(let path): "\(path) is not a Holdfast database (it has no schema_migrations table)"
        case .sourceNotMigrated(let names):
            "the source has migrations pending (\(names.joined(separator: ", "))): run `holdfast migrate` on it first"
        case .sourceMigrationsUnknown(let reason): "the source's migrations do not match this install: \(reason)"
        case .targetUnreachable(let reason): "PostgreSQL target: \(reason)"
        case .targetVersionMismatch(let reason):
            "the target is at another schema version than this install: \(reason); copy into an empty database"
        case .targetNotHoldfast(let tables):
            "the target has tables named like Holdfast's (\(tables.joined(separator: ", "))) but no schema_migrations:"
                + " copy into an empty database"
        case .targetNotEmpty(let tables):
            "the target is not empty (rows in \(tables.joined(separator: ", "))); nothing was copied: "
                + "copy into an empty database"
        case .tableOnOneSide(let table, let side): "table \(table) exists in the \(side) only; nothing was copied"
        case .columnsDiffer(let table, let source, let target):
            "table \(table) has columns (\(source.joined(separator: ", "))) in the source but "
                + "(\(target.joined(separator: ", "))) in the target; nothing was copied"
        case .foreignKeyCycle(let tables):
            "the source's foreign keys form a cycle among \(tables.joined(separator: ", "))"
        case .copyFailed(let table, let reason): "copying \(table) failed: \(reason); the target was rolled back"
        case .verificationFailed(let table, let detail):
            "verification of \(table) failed: \(detail); the target was rolled back"
        case .targetFailed(let reason): "the target failed: \(reason); the target was rolled back"
        }
    }
}
