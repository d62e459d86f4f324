import Exchanges
import Foundation
import Logging
import Store
import Vault

/// One run of the timer: sync every due connection with bounded concurrency, log a line per connection and
/// a summary, and exit. Exchange failures are recorded per connection and do not fail the run; only a run
/// that could not do its job (no database, bad settings) is a failure, so `OnFailure=` alerts mean something.
///
/// A run does not list the due connections up front: each of its `concurrency` workers claims the next due
/// one (`SyncEngine.syncNextDue`) until none is left, so any number of runs, on any number of hosts, share the
/// due connections between them and each is fetched once.
public struct SyncRunner: Sendable {
    /// What the run did.
    public struct Summary: Sendable, Equatable {
        /// Connections this run took on: the ones it claimed, or the ones asked for by name.
        public var due = 0
        public var succeeded = 0
        public var failed = 0
        /// Connections the exchanges' request budgets could not afford this run: due again later, not failed.
        public var deferred = 0
        /// Asked for by name while another process syncs it.
        public var skippedInProgress = 0
        /// Asked for by name but paused, or (listed by an older caller) no longer due.
        public var skippedNotDue = 0
        /// Asked for by name, not started before the deadline.
        public var notStarted = 0
    }

    public let engine: SyncEngine
    public let database: Database
    public let concurrency: Int
    public let logger: Logger

    public init(engine: SyncEngine, database: Database, concurrency: Int, logger: Logger) {
        self.engine = engine
        self.database = database
        self.concurrency = max(1, concurrency)
        self.logger = logger
    }

    /// Syncs `ids` (each whether due or not), or else every connection due, starting no new sync after
    /// `deadline`. Throws when the database cannot be asked for the next connection (the run then failed; the
    /// syncs already started finish first).
    public func run(only ids: [String]? = nil, deadline: ContinuousClock.Instant? = nil) async throws -> Summary {
        let holder = SyncLease.holderID()
        let summary = if let ids {
            await sync(ids, holder: holder, deadline: deadline)
        } else {
            try await syncDue(holder: holder, deadline: deadline)
        }
        logger.log(level: summary.failed > 0 ? .warning : .info, "sync run finished", metadata: [
            "due": "\(summary.due)", "succeeded": "\(summary.succeeded)", "failed": "\(summary.failed)", "deferred": "\(summary.deferred)",
            "skipped_in_progress": "\(summary.skippedInProgress)",
            "skipped_not_due": "\(summary.skippedNotDue)", "not_started": "\(summary.notStarted)",
        ])
        return summary
    }

    /// `concurrency` workers, each claiming and syncing the next due connection until none is left, the
    /// deadline passed, or a claim failed (then the others stop claiming too, and the first error is thrown).
    private func syncDue(holder: String, deadline: ContinuousClock.Instant?) async throws -> Summary {
        let engine = self.engine
        let stop = StopFlag()
        let results = await withTaskGroup(of: (Summary, (any Error)?).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var summary = Summary()
                    while !stop.isSet {
                        if let deadline, ContinuousClock.now >= deadline { break }
                        let outcome: SyncEngine.Outcome?
                        do {
                            outcome = try await engine.syncNextDue(holder: holder)
                        } catch {
                            stop.set()
                            return (summary, error)
                        }
                        guard let outcome else { break }
                        summary.due += 1
                        summary.count(outcome)
                    }
                    return (summary, nil)
                }
            }
            var all: [(Summary, (any Error)?)] = []
            for await result in group { all.append(result) }
            return all
        }
        var summary = Summary()
        for (part, _) in results { summary.add(part) }
        if let error = results.lazy.compactMap(\.1).first {
            logger.error("sync run stopped: the next due connection could not be claimed", metadata: [
                "error": "\(error)", "succeeded": "\(summary.succeeded)", "failed": "\(summary.failed)",
            ])
            throw error
        }
        return summary
    }

    /// Syncs the connections asked for by name, `concurrency` at a time.
    private func sync(_ targets: [String], holder: String, deadline: ContinuousClock.Instant?) async -> Summary {
        var summary = Summary(due: targets.count)
        let engine = self.engine
        await withTaskGroup(of: SyncOutcomeKind.self) { group in
            var next = 0
            func startNext() -> Bool {
                guard next < targets.count else { return false }
                if let deadline, ContinuousClock.now >= deadline { return false }
                let id = targets[next]
                next += 1
                group.addTask {
                    do throws(SyncEngine.SyncError) {
                        let outcome = try await engine.sync(id, trigger: .scheduled, holder: holder)
                        if outcome.deferredUntil != nil { return .deferred }
                        return outcome.success ? .succeeded : .failed
                    } catch .inProgress {
                        return .skippedInProgress
                    } catch .notDue, .paused {
                        return .skippedNotDue
                    } catch {
                        return .failed
                    }
                }
                return true
            }
            for _ in 0..<concurrency where startNext() {}
            for await kind in group {
                switch kind {
                case .succeeded: summary.succeeded += 1
                case .failed: summary.failed += 1
                case .deferred: summary.deferred += 1
                case .skippedInProgress: summary.skippedInProgress += 1
                case .skippedNotDue: summary.skippedNotDue += 1
                }
                _ = startNext()
            }
            summary.notStarted = targets.count - next
        }
        return summary
    }

    private enum SyncOutcomeKind: Sendable { case succeeded, failed, deferred, skippedInProgress, skippedNotDue }
}

extension SyncRunner.Summary {
    /// Counts one claimed connection's outcome.
    mutating func count(_ outcome: SyncEngine.Outcome) {
        if outcome.deferredUntil != nil {
            deferred += 1
        } else if outcome.success {
            succeeded += 1
        } else {
            failed += 1
        }
    }

    /// Adds another worker's counts.
    mutating func add(_ other: Self) {
        due += other.due
        succeeded += other.succeeded
        failed += other.failed
        deferred += other.deferred
        skippedInProgress += other.skippedInProgress
        skippedNotDue += other.skippedNotDue
        notStarted += other.notStarted
    }
}

/// A flag the runner's workers raise once and read often: set when one of them could not claim, so the others
/// stop claiming too.
private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    var isSet: Bool { lock.withLock { raised } }
    func set() { lock.withLock { raised = true } }
}
