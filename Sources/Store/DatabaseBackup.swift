import Foundation

/// `holdfast backup`: a consistent copy of a live database, taken while the responder and syncs write.
///
/// `VACUUM INTO` reads one snapshot inside a read transaction (WAL lets writers go on meanwhile) and writes
/// a compact, self-contained file with no WAL of its own. It goes to a temporary name beside the target, is
/// flushed, then renamed, so the target is either absent or complete, never half written, even on a crash.
public enum DatabaseBackup {
    /// Why a backup was not written.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// There is no database file at the path (nothing to back up).
        case noDatabase(String)
        /// The target exists; a backup never replaces a file.
        case targetExists(String)
        /// The target's folder is missing or this user may not write into it.
        case folderNotWritable(String)

        public var description: String {
            switch self {
            case .noDatabase(let path): "there is no database at \(path) (check HOLDFAST_DATABASE)"
            case .targetExists(let path): "\(path) already exists; a backup never replaces a file"
            case .folderNotWritable(let folder):
                "cannot write into \(folder) (missing, or not writable by this user); choose a folder the service user may write, such as the default backups/ beside the database"
            }
        }
    }

    /// The folder backups go to by default: `backups/` beside the database.
    public static func defaultFolder(for databasePath: String) -> String {
        FileSystem.folder(of: databasePath) + "/backups"
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC: sorts as text and is safe in a file name.
    public static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// Copies the database at `databasePath` to `target`, or, when `target` is nil, to
    /// `backups/holdfast-<stamp>.sqlite` beside it (creating `backups/` with mode 0700; a second backup in the
    /// same second gets `-2`, `-3`… appended). The copy has mode 0600. Returns the path written.
    ///
    /// Throws `Failure.noDatabase` when the database file does not exist (it is never created here),
    /// `Failure.targetExists` for an explicit target that exists, `SQLiteError` when SQLite cannot read the
    /// database or write the copy (e.g. disk full), and `FileSystemError` for a failed flush or rename.
    /// Blocking: call it from a thread of its own (the CLI).
    public static func write(database databasePath: String, to target: String? = nil, now: Date = Date()) throws -> String {
        guard FileSystem.exists(databasePath) else { throw Failure.noDatabase(databasePath) }
        let destination: String
        if let target {
            guard !FileSystem.exists(target) else { throw Failure.targetExists(target) }
            // Said plainly here: SQLite's own error for it is "unable to open database: <name>.partial".
            let folder = FileSystem.folder(of: target)
            guard access(folder, W_OK | X_OK) == 0 else { throw Failure.folderNotWritable(folder) }
            destination = target
        } else {
            let folder = defaultFolder(for: databasePath)
            if !FileSystem.exists(folder) {
                try FileSystem.makeFolder(folder, mode: 0o700)
                try FileSystem.matchOwner(of: folder, to: FileSystem.folder(of: databasePath))
            }
            destination = freeName(in: folder, stem: "holdfast-\(stamp(now))")
        }
        let partial = destination + ".partial"
        // A partial copy left by a backup that crashed is ours by name; VACUUM INTO refuses a non-empty file.
        try FileSystem.removeIfPresent(partial)
        do {
            try FileSystem.withPrivateUmask {
                let connection = try SQLiteConnection(path: databasePath)
                try connection.run("VACUUM INTO ?", [.text(partial)])
            }
            try FileSystem.setMode(partial, 0o600)
            try FileSystem.matchOwner(of: partial, to: FileSystem.folder(of: databasePath))
            try FileSystem.sync(partial)
            try FileSystem.rename(partial, to: destination)
            try FileSystem.sync(FileSystem.folder(of: destination))
        } catch {
            try? FileSystem.removeIfPresent(partial)
            throw error
        }
        return destination
    }

    private static func freeName(in folder: String, stem: String) -> String {
        var candidate = "\(folder)/\(stem).sqlite"
        var number = 2
        while FileSystem.exists(candidate) || FileSystem.exists(candidate + ".partial") {
            candidate = "\(folder)/\(stem)-\(number).sqlite"
            number += 1
        }
        return candidate
    }
}
