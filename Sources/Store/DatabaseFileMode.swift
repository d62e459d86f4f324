import Foundation

/// Keeps a database file and its `-wal`/`-shm` companions readable by their owner only (0600).
///
/// The database holds sessions, password hashes and encrypted exchange keys. SQLite creates a new database
/// file with 0644 less the umask, so `holdfast migrate` run by hand (umask 022) made it world-readable; and
/// it gives `-wal`/`-shm` the database file's own mode. So the file is created 0600 before SQLite opens it,
/// and an existing one with group or other bits is tightened, which also fixes installs made before this.
enum DatabaseFileMode {
    /// Owner read and write only.
    static let mode: mode_t = 0o600

    /// Creates `path` empty with mode 0600 when it does not exist (an empty file is a valid new SQLite
    /// database), and removes group and other bits from it and its `-wal`/`-shm` files when they have any.
    ///
    /// Best effort: a file owned by someone else cannot be changed (EPERM), and SQLite's own open then
    /// reports whatever is really wrong. Special names (`:memory:`, `file:` URIs) are left alone.
    static func prepare(_ path: String) {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return }
        // O_EXCL: never touch a file that appeared meanwhile; the mode argument is still masked by the umask,
        // so fchmod sets it exactly.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if descriptor >= 0 {
            _ = fchmod(descriptor, mode)
            close(descriptor)
        }
        for file in [path, path + "-wal", path + "-shm"] { tighten(file) }
    }

    private static func tighten(_ file: String) {
        var info = stat()
        guard stat(file, &info) == 0, info.st_mode & 0o077 != 0 else { return }
        _ = chmod(file, info.st_mode & 0o700)
    }
}
