import App
import ArgumentParser
import Foundation
import PostgreSQL
import Store

/// `holdfast migrate [--check | --status]`: applies pending migrations, or reports where the database stands.
///
/// Exit codes: 0 done (or current), 2 `--check` found pending migrations, 78 (EX_CONFIG) the database has a
/// migration this install does not ship, i.e. it was migrated by a newer Holdfast (nothing is applied then).
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @Flag(help: "Only report whether migrations are pending (exit 2 when some are).")
    var check = false

    @Flag(help: "Print one line per migration: applied NAME, pending NAME or unknown NAME (made by a newer Holdfast).")
    var status = false

    func run() throws {
        let (path, directory) = try Configuration.databaseOnly()
        let location = DatabaseLocation(setting: path)
        let migrator = try MigrationCheck.migrator(directory: directory, for: location)
        if case .postgresql(let connectionString) = location {
            try runOnPostgreSQL(connectionString, migrator: migrator, location: location)
            return
        }
        if status {
            // Reporting never creates a database: without one, every shipped migration is pending.
            let report = FileManager.default.fileExists(atPath: path)
                ? try migrator.report(SQLiteConnection(path: path))
                : migrator.migrations.map { (state: Migrator.State.pending, name: $0.name) }
            for entry in report { print("\(entry.state.rawValue) \(entry.name)") }
            return
        }
        do {
            if check {
                switch try MigrationCheck.status(of: Database(path: path), migrator: migrator) {
                case .current: print("database is current")
                case .pending(let names):
                    print("pending: \(names.joined(separator: ", "))")
                    throw ExitCode(2)
                }
                return
            }
            let applied = try migrator.migrate(SQLiteConnection(path: path))
            print(applied.isEmpty ? "database is current" : "applied \(applied.count): \(applied.joined(separator: ", "))")
        } catch let error as MigrationError {
            guard case .unknownApplied = error else { throw error }
            throw ExitCode.reporting("holdfast migrate: \(error)", code: ServiceStartup.permanentErrorExitCode)
        }
    }

    /// The same three modes on PostgreSQL: `PostgresMigrator` applies the `postgresql/` files (under an advisory
    /// lock, so several hosts may migrate at once); `--check` and `--status` read `schema_migrations` as on SQLite.
    private func runOnPostgreSQL(_ connectionString: String, migrator: Migrator, location: DatabaseLocation) throws {
        do {
            let connection = try PostgresConnection(connectionString: connectionString)
            if status {
                for entry in try migrator.report(connection) { print("\(entry.state.rawValue) \(entry.name)") }
                return
            }
            if check {
                switch try migrator.status(connection) {
                case .current: print("database is current")
                case .pending(let names):
                    print("pending: \(names.joined(separator: ", "))")
                    throw ExitCode(2)
                }
                return
            }
            let applied = try PostgresMigrator(migrations: migrator.migrations).migrate(connection)
            print(applied.isEmpty ? "database is current" : "applied \(applied.count): \(applied.joined(separator: ", "))")
        } catch let error as MigrationError {
            guard case .unknownApplied = error else { throw error }
            throw ExitCode.reporting("holdfast migrate: \(error)", code: ServiceStartup.permanentErrorExitCode)
        } catch let error as PostgresError {
            // Its message never carries the password; the location's description masks it too.
            throw ExitCode.reporting("holdfast migrate: \(location): \(error)")
        }
    }
}
