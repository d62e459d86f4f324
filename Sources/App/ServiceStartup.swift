import Foundation
import Logging
import Store

/// What `holdfast-fcgi` and `holdfast-sync` check before any work, in one place so both refuse alike.
///
/// Both call `open(configuration:)` first (the responder's main through `begin`, the timer through `TimerRun`).
/// It takes the shared `DatabaseLock` (so `holdfast restore` cannot replace the database under them) and then
/// checks what no retry can fix: the
/// database is migrated, by no newer Holdfast, and the stored credentials open with the key ring. Those are
/// permanent start-up errors: exit 78 (EX_CONFIG), which the responder's unit lists in
/// `RestartPreventExitStatus=` so systemd does not restart it every 500 ms.
public enum ServiceStartup {
    /// EX_CONFIG from sysexits.h: a permanent configuration error.
    public static let permanentErrorExitCode: Int32 = 78

    /// A permanent start-up error; `description` is the critical line to log (what, where, how to fix).
    public struct Refusal: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Checks migrations, then keys, against `database`; throws `Refusal` for each permanent problem,
    /// `ConfigurationError` when no migrations folder is configured or found, and `SQLiteError` when the
    /// database cannot be read at all. Reads only: a refusal changes no row.
    public static func check(_ configuration: Configuration, database: Database) throws {
        let migrator = try MigrationCheck.migrator(directory: configuration.migrationsDirectory)
        do {
            if case .pending(let names) = try MigrationCheck.status(of: database, migrator: migrator) {
                throw Refusal(description: "the database \(configuration.databasePath) is not migrated "
                    + "(pending: \(names.joined(separator: ", "))); run `holdfast migrate`")
            }
        } catch let error as MigrationError {
            throw Refusal(description: "the database \(configuration.databasePath): \(error)")
        }
        if let keys = try KeyRingCheck.nothingOpens(database, keyRing: configuration.keyRing) {
            throw Refusal(description: KeyRingCheck.nothingOpensMessage(keys))
        }
    }

    /// Takes the shared database lock and runs `check`; returns the lock, which the caller keeps alive for as
    /// long as it uses the database, or nil when a restore holds it (no check is made then). Throws what
    /// `check` throws. It blocks on file I/O: async callers run it through `BlockingWork`.
    public static func open(configuration: Configuration) throws -> DatabaseLock? {
        guard let lock = try DatabaseLock.acquire(for: configuration.databasePath, mode: .shared) else { return nil }
        try check(configuration, database: Database(path: configuration.databasePath))
        return lock
    }

    /// For the responder's main: `open`, or logs one critical line and exits the process (78 for a permanent
    /// error, 1 otherwise). A held restore lock exits 1: the responder cannot serve while a restore runs, and
    /// systemd starts it again later (a timer run skips instead: `TimerRun`). Returns the lock, which the
    /// caller keeps alive for as long as it uses the database.
    public static func begin(configuration: Configuration, logger: Logger) -> DatabaseLock {
        do {
            guard let lock = try open(configuration: configuration) else {
                logger.error("a restore of the database is in progress (holdfast restore); not starting")
                exit(1)
            }
            return lock
        } catch let refusal as Refusal {
            logger.critical("\(refusal.description)")
            exit(permanentErrorExitCode)
        } catch let error as ConfigurationError {
            logger.critical("\(error)")
            exit(permanentErrorExitCode)
        } catch {
            logger.critical("cannot check the database before starting: \(error)")
            exit(1)
        }
    }
}
