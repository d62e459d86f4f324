import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A failed file-system call: what was being done, to which path, and `errno`'s text.
public struct FileSystemError: Error, CustomStringConvertible, Sendable {
    /// The operation, e.g. `rename`.
    public let operation: String
    /// The path it acted on.
    public let path: String
    /// `errno` when it failed.
    public let code: Int32

    public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
}

/// The raw POSIX calls that backup, restore and the database lock need, in one place; nothing above it sees
/// a file descriptor except through `DatabaseLock`.
///
/// Every call here blocks (fsync, rename on a slow disk): callers run on a thread of their own (the CLI's main
/// thread, or a service's start-up before it serves), never on Swift's cooperative pool.
enum FileSystem {
    /// Flushes `path`'s data and metadata to disk; for a folder, the entries just renamed into it.
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError(operation: "open", path: path, code: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileSystemError(operation: "fsync", path: path, code: errno) }
    }

    /// Renames `source` to `destination` atomically (both in one folder), replacing nothing: callers check first.
    static func rename(_ source: String, to destination: String) throws {
        guard Glibc.rename(source, destination) == 0 else {
            throw FileSystemError(operation: "rename", path: "\(source) -> \(destination)", code: errno)
        }
    }

    /// Sets `path`'s permission bits.
    static func setMode(_ path: String, _ mode: mode_t) throws {
        guard chmod(path, mode) == 0 else { throw FileSystemError(operation: "chmod", path: path, code: errno) }
    }

    /// True when `path` exists (any kind of file).
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Removes `path` if it exists.
    static func removeIfPresent(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw FileSystemError(operation: "unlink", path: path, code: errno)
        }
    }

    /// Creates folder `path` (mode `mode`) unless it exists.
    static func makeFolder(_ path: String, mode: mode_t) throws {
        guard mkdir(path, mode) == 0 || errno == EEXIST else {
            throw FileSystemError(operation: "mkdir", path: path, code: errno)
        }
    }

    /// When this process is root, gives `path` the owner and group of `model`, so a file root made for the
    /// service (`sudo holdfast restore`) stays writable by the service user. A no-op for anyone else.
    static func matchOwner(of path: String, to model: String) throws {
        guard geteuid() == 0 else { return }
        var info = stat()
        guard stat(model, &info) == 0 else { throw FileSystemError(operation: "stat", path: model, code: errno) }
        guard chown(path, info.st_uid, info.st_gid) == 0 else {
            throw FileSystemError(operation: "chown", path: path, code: errno)
        }
    }

    /// The first `count` bytes of `path` (fewer when the file is shorter).
    static func prefix(of path: String, count: Int) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileSystemError(operation: "open", path: path, code: errno == 0 ? ENOENT : errno)
        }
        defer { try? handle.close() }
        return Array((try handle.read(upToCount: count)) ?? Data())
    }

    /// Copies `source` to a new file `destination` (which must not exist) with mode 0600, and flushes it.
    static func copy(_ source: String, to destination: String) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileSystemError(operation: "open", path: source, code: errno) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw FileSystemError(operation: "create", path: destination, code: errno) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let read = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
            if read < 0 && errno == EINTR { continue }
            guard read >= 0 else { throw FileSystemError(operation: "read", path: source, code: errno) }
            if read == 0 { break }
            var written = 0
            while written < read {
                let step = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, read - written) }
                if step < 0 && errno == EINTR { continue }
                guard step > 0 else { throw FileSystemError(operation: "write", path: destination, code: errno) }
                written += step
            }
        }
        guard fsync(output) == 0 else { throw FileSystemError(operation: "fsync", path: destination, code: errno) }
    }

    /// The folder holding `path`.
    static func folder(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }
}

extension FileSystem {
    /// Runs `body` with the process umask at 077, so files SQLite creates inside it (`VACUUM INTO`) are never
    /// readable by others even for an instant. The umask is process-wide: only the single-threaded CLI calls this.
    static func withPrivateUmask<T>(_ body: () throws -> T) rethrows -> T {
        let previous = umask(0o077)
        defer { umask(previous) }
        return try body()
    }
}
