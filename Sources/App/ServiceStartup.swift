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
        let migrator = try MigrationCheck.migrator(directory: configuration.migrationsDirectory,
                                                   for: configuration.databaseLocation)
        do {
            if case .pending(let names) = try MigrationCheck.status(of: database, migrator: migrator) {
                throw Refusal(description: "the database \(configuration.databaseLocation) is not migrated "
                    + "(pending: \(names.joined(separator: ", "))); run `holdfast migrate`")
            }
        } catch let error as MigrationError {
            throw Refusal(description: "the database \(configuration.databaseLocation): \(error)")
        }
        if let keys = try KeyRingCheck.nothingOpens(database, keyRing: configuration.keyRing) {
            throw Refusal(description: KeyRingCheck.nothingOpensMessage(keys))
        }
    }

    /// What a service holds while it uses the database: on SQLite the shared `DatabaseLock` that keeps
    /// `holdfast restore` out; on PostgreSQL nothing (the server does its own locking, and restore refuses it).
    ///
    /// `@unchecked Sendable`: the lock is never used after it is taken, only kept alive and released (closed in
    /// its `deinit`) by whichever thread drops the last reference.
    public final class Hold: @unchecked Sendable {
        let lock: DatabaseLock?
        init(_ lock: DatabaseLock?) { self.lock = lock }
    }

    /// Takes the shared database lock (SQLite only) and runs `check`; returns the hold, which the caller keeps
    /// alive for as long as it uses the database, or nil when a restore holds the lock (no check is made then).
    /// Throws what `check` throws. It blocks on file I/O or the network: async callers run it through
    /// `BlockingWork`.
    public static func open(configuration: Configuration) throws -> Hold? {
        var lock: DatabaseLock?
        if configuration.databaseLocation.isSQLite {
            guard let taken = try DatabaseLock.acquire(for: configuration.databasePath, mode: .shared) else { return nil }
            lock = taken
        }
        let database = configuration.openDatabase(poolSize: Configuration.commandLinePoolSize)
        defer { database.close() }
        try check(configuration, database: database)
        return Hold(lock)
    }

    /// For the responder's main: `open`, or logs one critical line and exits the process (78 for a permanent
    /// error, 1 otherwise). A held restore lock exits 1: the responder cannot serve while a restore runs, and
    /// systemd starts it again later (a timer run skips instead: `TimerRun`). Returns the lock, which the
    /// caller keeps alive for as long as it uses the database.
    public static func begin(configuration: Configuration, logger: Logger) -> Hold {
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
