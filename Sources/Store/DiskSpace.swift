import Foundation

/// Free space on the filesystem that holds a database, from statvfs(3).
public struct DiskSpace: Sendable, Equatable {
    /// Bytes an unprivileged process may still write (`f_bavail × f_frsize`): the service user is not root,
    /// so the blocks reserved for root do not count.
    public let availableBytes: Int64
    /// The filesystem's size in bytes (`f_blocks × f_frsize`).
    public let totalBytes: Int64

    /// Below this much free space writes are about to fail: 64 MiB, or 2 % of the filesystem when that is
    /// smaller (a tiny test filesystem). A sync rewrites at most a few MiB, a checkpoint copies up to the WAL
    /// limit, a `VACUUM INTO` backup needs the database's size again.
    public var isLow: Bool {
        availableBytes < min(64 * 1024 * 1024, max(totalBytes / 50, 1))
    }

    /// Figures as statvfs reports them, in bytes (tests build their own).
    public init(availableBytes: Int64, totalBytes: Int64) {
        self.availableBytes = availableBytes
        self.totalBytes = totalBytes
    }

    /// The space of the filesystem holding `path` (the database file, or its folder before it exists), or nil
    /// when statvfs fails.
    public static func of(_ path: String) -> DiskSpace? {
        var info = statvfs()
        var target = path
        if statvfs(target, &info) != 0 {
            target = (path as NSString).deletingLastPathComponent
            guard !target.isEmpty, statvfs(target, &info) == 0 else { return nil }
        }
        let unit = Int64(info.f_frsize)
        return DiskSpace(availableBytes: Int64(info.f_bavail) * unit, totalBytes: Int64(info.f_blocks) * unit)
    }
}
