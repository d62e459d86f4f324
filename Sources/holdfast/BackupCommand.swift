import App
import ArgumentParser
import Foundation
import Store

/// `holdfast backup [PATH] [--if-exists]`: a consistent online copy of the database (see `DatabaseBackup`).
///
/// Prints the backup's path on stdout and nothing else, so scripts (the package's postinst) can capture it.
/// Exit codes: 0 written (or, with `--if-exists`, no database yet, or a PostgreSQL database: prints nothing on
/// stdout), 1 anything else (a PostgreSQL database without `--if-exists`: use pg_dump).
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: """
        Copy the database consistently while the services run (VACUUM INTO); mode 0600. \
        Default: backups/holdfast-<UTC yyyyMMddTHHmmssZ>.sqlite beside the database.
        """)

    @Argument(help: "Where to write the copy (must not exist). Default: the backups/ folder beside the database.")
    var path: String?

    @Flag(help: "Exit 0 without output when there is no database yet (a first install).")
    var ifExists = false

    func run() throws {
        let (database, _) = try Configuration.databaseOnly()
        if ifExists && !DatabaseLocation(setting: database).isSQLite {
            // `--if-exists` backs up a SQLite file when there is one (an upgrade's configure step calls it): on
            // PostgreSQL there is none, so say why nothing was copied and let the upgrade go on to migrate.
            let note = "holdfast backup: the database is PostgreSQL: nothing copied; use pg_dump (README, \"Back up and restore\")\n"
            FileHandle.standardError.write(Data(note.utf8))
            return
        }
        try refuseUnlessSQLite(database, command: "backup")
        if ifExists && !FileManager.default.fileExists(atPath: database) { return }
        do {
            print(try DatabaseBackup.write(database: database, to: path))
        } catch {
            throw ExitCode.reporting("holdfast backup: \(error)")
        }
    }
}

/// `holdfast restore PATH`: replaces the database with a backup, with the services stopped (see
/// `DatabaseRestore` for the checks and the order of work). Exit codes: 0 restored, 1 refused or failed
/// (nothing changed).
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: """
        Replace the database with a backup. Stop holdfast-fcgi and holdfast-sync.timer first. Checks the file \
        (SQLite, integrity, a Holdfast database, no migration newer than this install) and keeps the replaced \
        database beside it as <database>.before-restore-<stamp>.
        """)

    @Argument(help: "The backup file to restore.") var path: String

    func run() throws {
        let (database, directory) = try Configuration.databaseOnly()
        try refuseUnlessSQLite(database, command: "restore")
        let migrator = try MigrationCheck.migrator(directory: directory)
        let outcome: DatabaseRestore.Outcome
        do {
            outcome = try DatabaseRestore.restore(path, over: database, migrator: migrator)
        } catch {
            throw ExitCode.reporting("holdfast restore: not restored: \(error)")
        }
        print("restored \(path) to \(database)")
        if let kept = outcome.keptPath { print("the replaced database is kept as \(kept)") }
        if !outcome.pending.isEmpty {
            // Two situations end here: a restore of an older backup on this version (migrate), or the first step
            // of going back to an older version (install that one; migrating would block the downgrade again).
            print("""
                the restored database lacks migrations this install ships (\(outcome.pending.joined(separator: ", "))): \
                to stay on this version run `holdfast migrate` before starting the services; to go back to an older \
                version, install it now without migrating (README, "Upgrade")
                """)
        }
    }
}

/// Exits 1 with a clear message when `setting` (`HOLDFAST_DATABASE`) is PostgreSQL: backup and restore copy a
/// SQLite file; a PostgreSQL server is backed up with its own tools, which handle a live server properly.
func refuseUnlessSQLite(_ setting: String, command: String) throws {
    guard DatabaseLocation(setting: setting).isSQLite else {
        throw ExitCode.reporting("holdfast \(command): the database is PostgreSQL: use pg_dump/pg_restore "
                                 + "(README, \"Back up and restore\")")
    }
}

extension ExitCode {
    /// Writes `message` to stderr and returns exit code `code` to throw: for work that failed after the
    /// arguments were accepted, where ArgumentParser's usage text would only hide the message.
    static func reporting(_ message: String, code: Int32 = 1) -> ExitCode {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        return ExitCode(code)
    }
}
