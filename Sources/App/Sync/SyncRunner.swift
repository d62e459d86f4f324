import Exchanges
import Foundation
import Logging
import Store
import Vault

/// One run of the timer: sync every due connection with bounded concurrency, log a line per connection and
/// a summary, and exit. Exchange failures are recorded per connection and do not fail the run; only a run
/// that could not do its job (no database, bad settings) is a failure, so `OnFailure=` alerts mean something.
public struct SyncRunner: Sendable {
    /// What the run did.
    public struct Summary: Sendable, Equatable {
        public var due = 0
        public var succeeded = 0
        public var failed = 0
        /// Connections the exchanges' request budgets could not afford this run: due again later, not failed.
        public var deferred = 0
        public var skippedInProgress = 0
        /// Listed as due, but synced by another run before this one took its lease.
        public var skippedNotDue = 0
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

    /// Syncs `ids` (or every due connection), starting no new sync after `deadline`.
    public func run(only ids: [String]? = nil, deadline: ContinuousClock.Instant? = nil) async throws -> Summary {
        let targets: [String]
        if let ids {
            targets = ids
        } else {
            // Listed off the cooperative pool; each claim re-checks that its connection is still due.
            targets = try await database.read { try ConnectionStore.due(in: $0) }.map(\.id)
        }
        // Connections this run listed itself are synced only while still due; ids asked for by name always are.
        let listed = ids == nil
        var summary = Summary(due: targets.count)
        let engine = self.engine
        let holder = SyncLease.holderID()
        await withTaskGroup(of: SyncOutcomeKind.self) { group in
            var next = 0
            func startNext() -> Bool {
                guard next < targets.count else { return false }
                if let deadline, ContinuousClock.now >= deadline { return false }
                let id = targets[next]
                next += 1
                group.addTask {
                    do throws(SyncEngine.SyncError) {
                        let outcome = try await engine.sync(id, trigger: .scheduled, holder: holder, onlyIfDue: listed)
                        if outcome.deferredUntil != nil { return .deferred }
                        return outcome.success ? .succeeded : .failed
                    } catch .inProgress {
                        return .skippedInProgress
                    } catch .notDue, .paused {
                        // A listed connection paused since is no longer due (the claim says notDue first).
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
        logger.log(level: summary.failed > 0 ? .warning : .info, "sync run finished", metadata: [
            "due": "\(summary.due)", "succeeded": "\(summary.succeeded)", "failed": "\(summary.failed)", "deferred": "\(summary.deferred)",
            "skipped_in_progress": "\(summary.skippedInProgress)",
            "skipped_not_due": "\(summary.skippedNotDue)", "not_started": "\(summary.notStarted)",
        ])
        return summary
    }

    private enum SyncOutcomeKind: Sendable { case succeeded, failed, deferred, skippedInProgress, skippedNotDue }
}
