import CSQLite
import Foundation

/// What one WAL checkpoint achieved (`SQLiteConnection.checkpoint()`).
public struct CheckpointResult: Sendable, Equatable {
    /// True when every frame of the WAL was copied into the database and the WAL was truncated to zero.
    public let complete: Bool
    /// Frames in the WAL when the checkpoint ran, and how many of them reached the database (-1, -1 when
    /// SQLite could not say).
    public let walFrames: Int
    public let checkpointedFrames: Int
    /// The WAL file's size in bytes after the checkpoint (0 when it does not exist).
    public let walBytes: Int64
}

extension SQLiteConnection {
    /// The WAL size limit every connection sets (`PRAGMA journal_size_limit`), in bytes: after a checkpoint
    /// that let the WAL start over, SQLite truncates a larger file to this. 8 MiB is twice what the default
    /// auto-checkpoint (1000 pages of 4 KiB) lets the WAL reach, so normal operation never pays for it.
    public static let walSizeLimitBytes: Int64 = 8 * 1024 * 1024

    /// Runs a checkpoint that never makes anyone wait, and reports how far it got.
    ///
    /// `wal_checkpoint(TRUNCATE)` copies every frame into the database and truncates the WAL to zero, but to
    /// do so it waits (through the busy handler) for readers of old snapshots, holding the write lock all that
    /// time. With the busy handler off for the call, SQLite documents that it proceeds as PASSIVE instead when
    /// it cannot get the lock or a reader is in the way: it copies what it can and returns SQLITE_BUSY. So a
    /// reader that holds an old snapshot makes this return `complete == false` at once, and writers wait for
    /// the lock only while frames are being copied (milliseconds), never for a stuck reader.
    public func checkpoint() -> CheckpointResult {
        var walFrames: Int32 = -1
        var checkpointed: Int32 = -1
        sqlite3_busy_timeout(handle, 0)
        let status = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_TRUNCATE, &walFrames, &checkpointed)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        let complete = status == SQLITE_OK && walFrames == checkpointed
        return CheckpointResult(complete: complete, walFrames: Int(walFrames), checkpointedFrames: Int(checkpointed),
                                walBytes: walFileSize)
    }

    /// The size of this database's `-wal` file in bytes, 0 when there is none.
    public var walFileSize: Int64 {
        guard let name = sqlite3_db_filename(handle, "main") else { return 0 }
        var info = stat()
        guard stat(String(cString: name) + "-wal", &info) == 0 else { return 0 }
        return Int64(info.st_size)
    }
}

extension Database {
    /// The size of this database's `-wal` file in bytes, 0 when there is none. A `stat`, no connection.
    public var walFileSize: Int64 {
        var info = stat()
        guard stat(path + "-wal", &info) == 0 else { return 0 }
        return Int64(info.st_size)
    }
}
