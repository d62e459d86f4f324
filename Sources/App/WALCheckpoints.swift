import Foundation
import Logging
import Store

/// Runs WAL checkpoints and remembers their outcome for `/metrics`.
///
/// SQLite's own auto-checkpoint runs on commit and stops at the first reader of an old snapshot, and nothing
/// reported it: a reader left open let the WAL grow without bound. The responder checkpoints on a cadence from
/// its own thread (`Application.startMaintenance`), and the timer once at the end of each run. A checkpoint
/// that cannot complete is logged as a warning once until one completes again (not once a minute), with the
/// WAL's size, since the usual cause is a reader left open (a `sqlite3` shell, a stuck backup).
///
/// `@unchecked Sendable`: `state` is only read or written under `lock`.
public final class WALCheckpoints: @unchecked Sendable {
    /// The figures `/metrics` shows.
    public struct State: Sendable, Equatable {
        /// Whether the last checkpoint completed; nil before the first.
        public var lastComplete: Bool?
        /// Checkpoints that could not complete since this process started.
        public var incompleteTotal = 0
        /// Checkpoints run since this process started.
        public var total = 0
    }

    private let lock = NSLock()
    private var state = State()

    public init() {}

    /// A copy of the current figures.
    public var current: State { lock.withLock { state } }

    /// Checkpoints `database` on the calling thread (it blocks: never call it on the cooperative pool) and
    /// logs a warning when it is the first incomplete one since the last that completed.
    @discardableResult
    public func run(on database: Database, logger: Logger) -> CheckpointResult? {
        let result: CheckpointResult
        do {
            result = try database.checkpoint()
        } catch {
            logger.warning("WAL checkpoint could not run", metadata: ["error": "\(error)"])
            return nil
        }
        let wasComplete = lock.withLock {
            let previous = state.lastComplete
            state.total += 1
            state.lastComplete = result.complete
            if !result.complete { state.incompleteTotal += 1 }
            return previous
        }
        if !result.complete, wasComplete != false {
            logger.warning("WAL checkpoint could not complete: a reader holds an old snapshot, so the WAL cannot shrink", metadata: [
                "wal_bytes": "\(result.walBytes)", "wal_frames": "\(result.walFrames)",
                "checkpointed_frames": "\(result.checkpointedFrames)",
            ])
        } else if result.complete, wasComplete == false {
            logger.notice("WAL checkpoint complete again", metadata: ["wal_bytes": "\(result.walBytes)"])
        }
        return result
    }

    /// `run(on:logger:)` from async code: on a thread of its own, so the blocking checkpoint never holds a
    /// thread of the cooperative pool.
    @discardableResult
    public func runOnOwnThread(on database: Database, logger: Logger) async -> CheckpointResult? {
        await withCheckedContinuation { (done: CheckedContinuation<CheckpointResult?, Never>) in
            Thread { done.resume(returning: self.run(on: database, logger: logger)) }.start()
        }
    }
}

extension Application {
    /// Starts the responder's maintenance thread: a WAL checkpoint every `configuration.checkpointInterval`
    /// seconds (`HOLDFAST_CHECKPOINT_SECONDS`). A plain thread, not a task: a checkpoint does blocking file I/O, which must stay off
    /// Swift's cooperative pool, and it uses its own SQLite connection (one per thread, as `Database` keeps).
    public func startMaintenance() {
        // PostgreSQL has no WAL file of ours to checkpoint: the server manages its own.
        guard database.isSQLite else { return }
        let checkpoints = self.checkpoints, database = self.database, logger = self.logger
        let seconds = configuration.checkpointInterval
        let thread = Thread {
            while true {
                Thread.sleep(forTimeInterval: seconds)
                checkpoints.run(on: database, logger: logger)
            }
        }
        thread.name = "holdfast-maintenance"
        // No signal mask of its own: the responder blocks SIGTERM/SIGINT before any thread starts
        // (`FastCGIServer.blockStopSignals`), and this thread inherits that mask.
        thread.start()
    }
}
