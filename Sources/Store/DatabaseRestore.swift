import Foundation

/// `holdfast restore PATH`: puts a backup in place of the database, all or nothing, with the services stopped.
///
/// Order of work, each step undone if a later one fails:
/// 1. take `DatabaseLock` exclusive, so no responder or sync run is using the database (refuse otherwise);
/// 2. copy the candidate beside the database (`<db>.restoring`, 0600) and check the copy, never the
///    operator's file (opening a database may change its journal mode): SQLite header, `integrity_check`,
///    a `schema_migrations` table, no migration this install does not ship (a backup from a newer Holdfast);
/// 3. rename the current database, with its `-wal`/`-shm` (they hold its last commits), to
///    `<db>.before-restore-<stamp>`;
/// 4. rename the copy to the database's name and flush the folder.
public enum DatabaseRestore {
    /// What a restore did.
    public struct Outcome: Sendable, Equatable {
        /// Where the replaced database was kept, nil when there was none.
        public var keptPath: String?
        /// Migrations the restored database still needs (`holdfast migrate`), by name.
        public var pending: [String]
    }

    /// Why a restore was refused; nothing was changed.
    public enum Refusal: Error, CustomStringConvertible, Equatable {
        /// A responder or sync run holds the database lock.
        case inUse(lockPath: String)
        /// The candidate file does not exist.
        case notFound(String)
        /// The candidate does not start with SQLite's header.
        case notSQLite(String)
        /// SQLite found damage (`integrity_check`'s first line, or the error opening it).
        case damaged(String)
        /// A SQLite database but not one Holdfast made (no `schema_migrations`).
        case notHoldfast(String)
        /// The candidate has migrations this install does not ship: it came from a newer Holdfast.
        case newer([String])

        public var description: String {
            switch self {
            case .inUse(let lock):
                "the database is in use by holdfast-fcgi or a holdfast-sync run (they hold \(lock)); stop them first: "
                    + "systemctl stop holdfast-sync.timer holdfast-fcgi.socket holdfast-fcgi.service"
            case .notFound(let path): "\(path) does not exist"
            case .notSQLite(let path): "\(path) is not a SQLite database"
            case .damaged(let detail): "the backup is damaged: \(detail)"
            case .notHoldfast(let path): "\(path) is a SQLite database but not a Holdfast one (no schema_migrations table)"
            case .newer(let names):
                "the backup was made by a newer Holdfast (migrations unknown to this install: "
                    + "\(names.joined(separator: ", "))); install that version to restore it"
            }
        }
    }

    /// The 16 bytes every SQLite 3 database file starts with.
    static let header = Array("SQLite format 3\0".utf8)

    /// Restores `candidate` over the database at `databasePath`, checked against `migrator`'s migrations.
    ///
    /// Throws `Refusal` (nothing changed), or `FileSystemError`/`SQLiteError` for a failing disk, after
    /// putting back whatever it had moved. Blocking: call it from a thread of its own (the CLI).
    public static func restore(_ candidate: String, over databasePath: String, migrator: Migrator,
                               now: Date = Date()) throws -> Outcome {
        guard let lock = try DatabaseLock.acquire(for: databasePath, mode: .exclusive) else {
            throw Refusal.inUse(lockPath: DatabaseLock.path(for: databasePath))
        }
        // Held until the new file is in place: a service starting meanwhile finds it taken and stays away.
        defer { withExtendedLifetime(lock) {} }
        guard FileSystem.exists(candidate) else { throw Refusal.notFound(candidate) }
        guard try FileSystem.prefix(of: candidate, count: header.count) == header else {
            throw Refusal.notSQLite(candidate)
        }

        let staged = databasePath + ".restoring"
        try removeWithCompanions(staged)  // left by a restore that crashed; ours by name
        let pending: [String]
        do {
            try FileSystem.copy(candidate, to: staged)
            pending = try check(staged, named: candidate, migrator: migrator)
            try removeWithCompanions(staged, keepingMain: true)
            try FileSystem.setMode(staged, 0o600)
            try FileSystem.matchOwner(of: staged, to: FileSystem.exists(databasePath)
                                      ? databasePath : FileSystem.folder(of: databasePath))
            try FileSystem.sync(staged)
        } catch {
            try? removeWithCompanions(staged)
            throw error
        }

        var moved: [(from: String, to: String)] = []
        do {
            var keptPath: String?
            if FileSystem.exists(databasePath) {
                let kept = databasePath + ".before-restore-" + DatabaseBackup.stamp(now)
                for suffix in ["", "-wal", "-shm"] where FileSystem.exists(databasePath + suffix) {
                    guard !FileSystem.exists(kept + suffix) else {
                        throw FileSystemError(operation: "keep", path: kept + suffix, code: EEXIST)
                    }
                    try FileSystem.rename(databasePath + suffix, to: kept + suffix)
                    moved.append((databasePath + suffix, kept + suffix))
                }
                keptPath = kept
            }
            try FileSystem.rename(staged, to: databasePath)
            try FileSystem.sync(FileSystem.folder(of: databasePath))
            return Outcome(keptPath: keptPath, pending: pending)
        } catch {
            for step in moved.reversed() { try? FileSystem.rename(step.to, to: step.from) }
            try? removeWithCompanions(staged)
            throw error
        }
    }

    /// Checks the staged copy; returns the migrations it still needs. Closes its connection before returning,
    /// which checkpoints and removes the copy's own WAL.
    private static func check(_ staged: String, named candidate: String, migrator: Migrator) throws -> [String] {
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: staged)
            let lines = try connection.query("PRAGMA integrity_check").compactMap { $0.string("integrity_check") }
            guard lines == ["ok"] else { throw Refusal.damaged(lines.first ?? "integrity_check returned nothing") }
        } catch let error as SQLiteError {
            throw Refusal.damaged(error.message)
        }
        guard try migrator.hasTable(connection) else { throw Refusal.notHoldfast(candidate) }
        let report = try migrator.report(connection)
        let unknown = report.filter { $0.state == .unknown }.map(\.name)
        guard unknown.isEmpty else { throw Refusal.newer(unknown) }
        return report.filter { $0.state == .pending }.map(\.name)
    }

    /// Removes `path`'s `-wal` and `-shm`, and `path` itself unless `keepingMain`.
    private static func removeWithCompanions(_ path: String, keepingMain: Bool = false) throws {
        for suffix in keepingMain ? ["-wal", "-shm"] : ["", "-wal", "-shm"] {
            try FileSystem.removeIfPresent(path + suffix)
        }
    }
}
