import Foundation
import Store
import Testing
import Web
@testable import App

/// `LoginThrottleStore` against a real SQLite file migrated with the repository's migrations, and the
/// throttle's read-modify-write through it under contention.
struct LoginThrottleStoreTests {
    let t: TestApp
    var database: Database { t.app.database }
    let start = StoreFixtures.epoch

    init(_ backend: TestBackend = .sqlite) throws { t = try TestApp(backend: backend) }

    func entry(_ key: String) throws -> LoginThrottleStore.Entry? {
        try database.read { db in try LoginThrottleStore.entry(key: key, in: db) }
    }

    @Test(arguments: TestBackend.allCases)
    static func savesReplacesAndDeletesAnEntry(_ backend: TestBackend) throws { try Self(backend).savesReplacesAndDeletesAnEntry() }
    func savesReplacesAndDeletesAnEntry() throws {
        #expect(try entry("k") == nil)
        try database.write { db in try LoginThrottleStore.save(key: "k", failures: 1, failedAt: start, lockedUntil: nil, in: db) }
        #expect(try entry("k") == LoginThrottleStore.Entry(failures: 1, lockedUntil: nil))
        try database.write { db in
            try LoginThrottleStore.save(key: "k", failures: 5, failedAt: start, lockedUntil: start + 30.5, in: db)
        }
        #expect(try entry("k") == LoginThrottleStore.Entry(failures: 5, lockedUntil: start + 30.5))
        #expect(try StoreFixtures.count("login_throttle", in: database) == 1)
        #expect(try database.write { db in try LoginThrottleStore.delete(key: "k", in: db) })
        #expect(try !database.write { db in try LoginThrottleStore.delete(key: "k", in: db) })
        #expect(try entry("k") == nil)
    }

    @Test(arguments: TestBackend.allCases)
    static func prunesOnlyEntriesWhoseLastFailureIsOlderThanTheCutoff(_ backend: TestBackend) throws { try Self(backend).prunesOnlyEntriesWhoseLastFailureIsOlderThanTheCutoff() }
    func prunesOnlyEntriesWhoseLastFailureIsOlderThanTheCutoff() throws {
        try database.write { db in
            try LoginThrottleStore.save(key: "old", failures: 3, failedAt: start - 100, lockedUntil: nil, in: db)
            try LoginThrottleStore.save(key: "new", failures: 3, failedAt: start, lockedUntil: nil, in: db)
        }
        #expect(try database.write { db in try LoginThrottleStore.deleteFailures(before: start - 50, in: db) } == 1)
        #expect(try entry("old") == nil)
        #expect(try entry("new")?.failures == 3)
    }

    /// Many attempts at once on one account, each on its own thread and connection: the count and the lock
    /// check are one write transaction, so exactly `freeFailures` attempts get through to a password check and
    /// every later one is refused with 429. The test holds the write lock until every attempt has begun (the
    /// throttle's clock is read first thing), so an implementation that read the count before its write
    /// transaction would see the same count in many attempts and let them all through.
    @Test(arguments: TestBackend.allCases)
    static func parallelAttemptsAreEachCountedOnceAndTheLockHolds(_ backend: TestBackend) throws { try Self(backend).parallelAttemptsAreEachCountedOnceAndTheLockHolds() }
    func parallelAttemptsAreEachCountedOnceAndTheLockHolds() throws {
        let clock = StoreFixtures.epoch
        let attempts = 24
        let begun = DispatchSemaphore(value: 0)
        let throttle = LoginThrottle(database: database, jwtSecret: Array("test-secret-test-secret-test-secret-0001".utf8),
                                     now: { begun.signal(); return clock })
        let admitted = Counter()
        let refused = Counter()
        let failed = Counter()
        let finished = DispatchGroup()
        try database.write { _ in
            for _ in 0..<attempts {
                finished.enter()
                Thread.detachNewThread {
                    defer { finished.leave() }
                    do {
                        _ = try throttle.admit(email: "ada@example.com")
                        admitted.increment()
                    } catch let error as APIError where error.status == 429 {
                        refused.increment()
                    } catch {
                        failed.increment()
                    }
                }
            }
            for _ in 0..<attempts { #expect(begun.wait(timeout: .now() + 30) == .success) }
        }
        // Bounded, and proves every thread ended.
        #expect(finished.wait(timeout: .now() + 60) == .success)
        #expect(failed.value == 0)
        #expect(admitted.value == LoginThrottle.freeFailures)
        #expect(refused.value == attempts - LoginThrottle.freeFailures)
        let stored = try entry(throttle.key(for: "ADA@example.com "))
        #expect(stored == LoginThrottleStore.Entry(failures: LoginThrottle.freeFailures, lockedUntil: clock + LoginThrottle.firstLock))
    }

    /// Deleting a user forgets the throttle row of their email, inside the deleting transaction.
    @Test(arguments: TestBackend.allCases)
    static func forgettingAnEmailRemovesItsRow(_ backend: TestBackend) throws { try Self(backend).forgettingAnEmailRemovesItsRow() }
    func forgettingAnEmailRemovesItsRow() throws {
        let throttle = t.app.loginThrottle
        _ = try throttle.admit(email: "ada@example.com")
        _ = try throttle.admit(email: "bob@example.com")
        try database.write { db in try throttle.forget(email: " Ada@Example.com", in: db) }
        #expect(try entry(throttle.key(for: "ada@example.com")) == nil)
        #expect(try entry(throttle.key(for: "bob@example.com"))?.failures == 1)
    }

    /// A thread-safe tally.
    final class Counter: @unchecked Sendable {
        // @unchecked: `count` is only touched under `lock`.
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func increment() { lock.withLock { count += 1 } }
    }
}
