import App
import ArgumentParser
import Foundation

/// `holdfast db copy --from FILE --to URL`: the database group, for work that spans database backends.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Work on whole databases.", subcommands: [Copy.self])

    /// Copies a SQLite database into an empty PostgreSQL one (see `DatabaseCopy` for the checks). Prints one
    /// line per table and the total on stdout. Exit codes: 0 copied and verified, 1 refused or failed (the
    /// target is left as it was found, the source is never changed).
    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: """
            Copy a Holdfast SQLite database into an empty PostgreSQL database, in one transaction, verified \
            (row counts and primary-key checksums per table). Stop holdfast-fcgi and holdfast-sync.timer first.
            """)

        @Option(help: ArgumentHelp("The SQLite database file to copy (opened read-only).", valueName: "file"))
        var from: String

        @Option(help: ArgumentHelp("""
            The PostgreSQL target: a postgresql:// URL or libpq keyword string. Prefer leaving the password out \
            (PGPASSWORD or ~/.pgpass): arguments are visible to other users in ps.
            """, valueName: "url"))
        var to: String

        func run() throws {
            do {
                let report = try DatabaseCopy.copy(from: from, to: to,
                                                   migrations: try DatabaseCopy.migrationsFolder())
                for line in report.lines { print(line) }
            } catch {
                throw ExitCode.reporting("holdfast db copy: \(error)")
            }
        }
    }
}
