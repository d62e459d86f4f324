import CSQLite
import Foundation

/// Whether the last write to a database failed because of the storage (full disk, I/O error, read-only file),
/// so `/health` can say writes fail while reads still work.
///
/// `Database.write` records each such failure and clears it when a write transaction commits. The state is
/// per process: the responder's health reflects the responder's own writes.
///
/// `@unchecked Sendable`: `failure` is only read or written under `lock`.
public final class WriteHealth: @unchecked Sendable {
    /// A write that failed because of the storage.
    public struct Failure: Sendable, Equatable {
        /// A stable name for the cause: `disk_full`, `io_error` or `read_only`.
        public let reason: String
        /// The extended SQLite result code, for logs.
        public let code: Int32
        /// When the failure was first seen, since the last committed write.
        public let since: Date
    }

    private let lock = NSLock()
    private var failure: Failure?
    private var lastProbe: Date?

    public init() {}

    /// The storage failure of the last write, or nil when the last write committed (or none failed yet).
    public var currentFailure: Failure? { lock.withLock { failure } }

    /// Records `error` when it says the storage is the problem; other errors (a constraint, a busy lock) say
    /// nothing about the disk and leave the state as it is.
    public func record(_ error: any Error, at now: Date = Date()) {
        guard let error = error as? SQLiteError, let reason = Self.storageReason(error) else { return }
        lock.withLock {
            // Keep the first time: "failing since" is what an operator wants to know.
            failure = Failure(reason: reason, code: error.code, since: failure?.since ?? now)
        }
    }

    /// True (and remembers `now`) when no probe ran in the last `interval` seconds, so many `/health`
    /// requests at once cost one probe.
    func claimProbe(at now: Date, interval: TimeInterval) -> Bool {
        lock.withLock {
            if let lastProbe, now.timeIntervalSince(lastProbe) < interval { return false }
            lastProbe = now
            return true
        }
    }

    /// A write committed, so the storage takes writes again.
    public func recordSuccess() {
        lock.withLock { failure = nil }
    }

    /// `disk_full` (SQLITE_FULL, or an I/O error whose errno was ENOSPC/EDQUOT), `io_error` (SQLITE_IOERR_*),
    /// `read_only` (SQLITE_READONLY_*), or nil for an error that is not about the storage.
    static func storageReason(_ error: SQLiteError) -> String? {
        switch error.primaryCode {
        case SQLITE_FULL: "disk_full"
        case SQLITE_IOERR: error.systemErrno.map { $0 == ENOSPC || $0 == EDQUOT } == true ? "disk_full" : "io_error"
        case SQLITE_READONLY: "read_only"
        default: nil
        }
    }
}
