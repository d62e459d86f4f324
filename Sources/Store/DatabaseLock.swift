#if canImport(Glibc)
import Glibc
#endif

/// The advisory lock that keeps `holdfast restore` from replacing a database a service is using.
///
/// The lock is `flock(2)` on `<database>.lock`, never blocking (`LOCK_NB`): the responder and each sync run
/// hold it shared for their whole life; `holdfast restore` takes it exclusive for as long as it replaces the
/// file. Whoever cannot get it is told at once and decides (a sync skips its run, restore refuses), so no
/// thread ever waits on it, least of all one of Swift's cooperative pool. The kernel drops the lock when the
/// process dies, so a crash never leaves a stale lock behind.
public final class DatabaseLock {
    /// Shared for services, exclusive for restore.
    public enum Mode: Sendable { case shared, exclusive }

    /// The lock file's path.
    public let path: String
    private let descriptor: Int32

    /// The lock file beside `databasePath`.
    public static func path(for databasePath: String) -> String { databasePath + ".lock" }

    /// Takes the lock for `databasePath` in `mode`, or returns nil at once when another process holds it in a
    /// conflicting mode. Throws `FileSystemError` when the lock file cannot be opened (e.g. the folder is
    /// missing or unreadable).
    public static func acquire(for databasePath: String, mode: Mode) throws -> DatabaseLock? {
        let path = path(for: databasePath)
        // 0644: a lock file root made first (`sudo holdfast restore`) must stay openable by the service user,
        // and flock works on a read-only descriptor. It holds no data.
        var descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if descriptor < 0 && (errno == EACCES || errno == EROFS) { descriptor = open(path, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw FileSystemError(operation: "open", path: path, code: errno) }
        while flock(descriptor, (mode == .shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { return nil }
            throw FileSystemError(operation: "flock", path: path, code: code)
        }
        return DatabaseLock(path: path, descriptor: descriptor)
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    // Closing the only descriptor releases the flock.
    deinit { close(descriptor) }
}
