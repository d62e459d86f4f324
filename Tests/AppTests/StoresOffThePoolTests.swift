import Exchanges
import Foundation
import Store
import Testing
@testable import App

/// The two stores the exchange clients call from async code, `ExchangeNonceStore` and `RequestBudgetStore`,
/// wait for the database's write lock on `BlockingWork` threads, never on the cooperative pool: while another
/// process holds the lock and many calls wait, an unrelated task still runs at once.
@Suite(.serialized)
struct StoresOffThePoolTests {
    let t: TestApp

    init() throws { t = try TestApp() }

    /// More waiting calls than the cooperative pool has threads (one per core).
    static let waiters = max(8, 2 * ProcessInfo.processInfo.activeProcessorCount)

    /// A handle on the app's file whose writes wait up to a minute for the lock: once the test lets go, every
    /// waiter contends at once, and SQLite's busy handler retries at coarse intervals, so the default 5 s is
    /// not enough for all of them to get their turn on a loaded machine.
    func patientDatabase() -> Database { Database(path: t.app.database.path, busyTimeoutMilliseconds: 60_000) }

    @Test func nonceCallsWaitingForTheWriteLockLeaveThePoolFree() async throws {
        let store = ExchangeNonceStore(database: patientDatabase())
        let outcome = try await whileAnotherProcessHoldsTheWriteLock { index in
            _ = try await store.nextNonce(forKey: "key-\(index % 2)", atLeast: 1)
        }
        #expect(outcome.probeRanWhileLocked, "a task on the cooperative pool had to wait for the database lock")
        #expect(outcome.failures == 0)
        let nonces = try await t.app.database.read { try $0.query("SELECT last_nonce FROM exchange_nonces") }
        let each = Self.waiters / 2
        #expect(nonces.compactMap { $0.int("last_nonce") } == [each, each])
    }

    @Test func budgetCallsWaitingForTheWriteLockLeaveThePoolFree() async throws {
        let budget = RequestBudgetStore(database: patientDatabase())
        let scope = BudgetScope(name: "pool", policy: BudgetPolicy(limit: 1_000, refill: .window(milliseconds: 60_000)))
        let outcome = try await whileAnotherProcessHoldsTheWriteLock { _ in
            _ = try await budget.reserve(1, in: scope, at: Date(timeIntervalSince1970: 1_800_000_010))
        }
        #expect(outcome.probeRanWhileLocked, "a task on the cooperative pool had to wait for the database lock")
        #expect(outcome.failures == 0)
        let used = try await t.app.database.read { try $0.queryOne("SELECT used_milli FROM request_budgets") }
        #expect(used?.int("used_milli") == Self.waiters * 1_000)
    }

    /// Holds `BEGIN IMMEDIATE` on a connection of its own (another process, as far as SQLite can tell), starts
    /// `waiters` calls of `call`, then a probe task, and releases the lock when the probe ran or after 3 s.
    /// Reports whether the probe ran before the release, and how many calls threw.
    private func whileAnotherProcessHoldsTheWriteLock(
        _ call: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> (probeRanWhileLocked: Bool, failures: Int) {
        // Used here before the releasing thread starts, and only by that thread afterwards.
        nonisolated(unsafe) let holder = try SQLiteConnection(path: t.app.database.path)
        try holder.execute("BEGIN IMMEDIATE")
        let lock = LockState()
        let probeRan = DispatchSemaphore(value: 0)
        // A plain thread releases the lock: it must not depend on the pool the test is about.
        let releaser = Thread {
            _ = probeRan.wait(timeout: .now() + 3)
            lock.release()
            try? holder.execute("COMMIT")
        }
        // Started first: if the waiters hold every thread of the pool, this test's own task cannot resume either.
        releaser.start()
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<Self.waiters {
                group.addTask {
                    do { try await call(index); return true } catch { return false }
                }
            }
            // Give the waiters the pool first, so in the broken case they are the ones holding its threads.
            await Task.yield()
            let probe = Task.detached { !lock.isReleased }
            let ranWhileLocked = await probe.value
            probeRan.signal()
            var failures = 0
            for try await succeeded in group where !succeeded { failures += 1 }
            return (ranWhileLocked, failures)
        }
    }
}

/// Whether the test's lock holder let go; read by the probe task, written by the releasing thread.
///
/// `@unchecked Sendable`: `released` is only touched under `lock`.
private final class LockState: @unchecked Sendable {
    private let lock = NSLock()
    private var released = false
    var isReleased: Bool { lock.withLock { released } }
    func release() { lock.withLock { released = true } }
}
