import Exchanges
import Foundation
import Store
import Testing
@testable import App

/// The timer's hot-path writes run as locking writes (READ COMMITTED on PostgreSQL, with the row locks their
/// stores take): racing them from two `Database` handles, as two processes would, must still grant a budget's
/// units at most once and hand out every nonce once, on both backends, including the first write of a new row.
struct LockingWriteRaceTests {
    let t: TestApp
    let other: Database

    init(_ backend: TestBackend) throws {
        t = try TestApp(backend: backend)
        other = Database.open(t.app.database.location, poolSize: 4)
    }

    /// Two `Database` handles stand for two processes (the responder and the timer); eight tasks, half on each,
    /// race for a scope that has no row yet: exactly the usable 85 of 100, never more.
    @Test(arguments: TestBackend.allCases)
    static func racingReservationsOfANewScopeNeverGrantMoreThanTheLimit(_ backend: TestBackend) async throws {
        let test = try Self(backend)
        defer { test.other.close() }
        let budgets = [RequestBudgetStore(database: test.t.app.database), RequestBudgetStore(database: test.other)]
        let scope = BudgetScope(name: "new \(UUID())", policy: BudgetPolicy(limit: 100, refill: .window(milliseconds: 60_000)))
        let now = Date(timeIntervalSince1970: 1_800_000_010)
        let answers = AnswerTally()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    for _ in 0..<30 {
                        let answer = try? await budgets[index % 2].reserve(1, in: scope, at: now)
                        answers.add(answer.map { $0 == .go ? "go" : "wait" } ?? "error")
                    }
                }
            }
        }
        #expect(answers.counts == ["go": 85, "wait": 155])
        let rows = try await test.t.app.database.read { try $0.query("SELECT scope FROM request_budgets") }
        #expect(rows.count == 1)
        // And the other process sees the same count: nothing left in this window, all back in the next.
        #expect(try await budgets[1].reserve(1, in: scope, at: now) == .notBefore(Date(timeIntervalSince1970: 1_800_000_060)))
        #expect(try await budgets[0].reserve(1, in: scope, at: Date(timeIntervalSince1970: 1_800_000_060)) == .go)
    }

    /// The row-lock fallback of the compare-and-swap, raced the same way: still exactly 85.
    @Test(arguments: TestBackend.allCases)
    static func racingLockedUpdatesNeverGrantMoreThanTheLimit(_ backend: TestBackend) async throws {
        let test = try Self(backend)
        defer { test.other.close() }
        let databases = [test.t.app.database, test.other]
        let policy = BudgetPolicy(limit: 100, refill: .window(milliseconds: 60_000))
        let scope = "locked \(UUID())"
        let nowMs: Int64 = 1_800_000_010_000
        let answers = AnswerTally()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    for _ in 0..<30 {
                        let answer = try? await databases[index % 2].lockingWrite { db in
                            try RequestBudgetStore.update(scope, nowMs: nowMs, { BudgetLedger.reserve(1, state: $0, policy: policy, nowMs: nowMs) }, in: db)
                        }
                        answers.add(answer.map { $0 == .go ? "go" : "wait" } ?? "error")
                    }
                }
            }
        }
        #expect(answers.counts == ["go": 85, "wait": 155])
    }

    /// A swap whose row another process changed between its read and its write writes nothing and reads again;
    /// out of attempts it gives up (nil) and the caller takes the row lock.
    @Test(arguments: TestBackend.allCases)
    static func aLostSwapReadsAgainAndGivesUpAfterItsAttempts(_ backend: TestBackend) throws {
        let test = try Self(backend)
        defer { test.other.close() }
        let policy = BudgetPolicy(limit: 100, refill: .window(milliseconds: 60_000))
        let scope = "swap \(UUID())"
        let nowMs: Int64 = 1_800_000_010_000
        let reserve = { (state: BudgetState) in BudgetLedger.reserve(10, state: state, policy: policy, nowMs: nowMs) }
        // Creates the row: 10 used.
        #expect(try test.t.app.database.autocommit { db in
            try RequestBudgetStore.swap(scope, nowMs: nowMs, reserve, attempts: 1, in: db)
        } == .go)
        // Every read is followed by another process's reservation of 10 before the write.
        let interfering = { (db: Connection, attempts: Int) throws -> Reservation? in
            try RequestBudgetStore.swap(scope, nowMs: nowMs, { state in
                _ = try? test.other.autocommit { other in
                    try RequestBudgetStore.swap(scope, nowMs: nowMs, reserve, attempts: 1, in: other)
                }
                return reserve(state)
            }, attempts: attempts, in: db)
        }
        #expect(try test.t.app.database.autocommit { try interfering($0, 1) } == nil)
        #expect(try test.t.app.database.autocommit { try interfering($0, 3) } == nil)
        // 10 + 1 + 3 interfering reservations of 10: nothing of the lost swaps was written.
        let used = try test.t.app.database.read { try $0.queryOne("SELECT used_milli FROM request_budgets WHERE scope = ?", [.text(scope)]) }
        #expect(used?.int("used_milli") == 50_000)
        // Without interference the next swap wins at once.
        #expect(try test.t.app.database.autocommit { db in
            try RequestBudgetStore.swap(scope, nowMs: nowMs, reserve, attempts: 1, in: db)
        } == .go)
    }

    /// Eight tasks, half on each handle, take nonces for one new key: 240 nonces, all different.
    @Test(arguments: TestBackend.allCases)
    static func racingNoncesAreNeverHandedOutTwice(_ backend: TestBackend) async throws {
        let test = try Self(backend)
        defer { test.other.close() }
        let stores = [ExchangeNonceStore(database: test.t.app.database), ExchangeNonceStore(database: test.other)]
        let key = "key \(UUID())"
        let nonces = NonceTally()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    for _ in 0..<30 {
                        if let nonce = try? await stores[index % 2].nextNonce(forKey: key, atLeast: 1_000) { nonces.add(nonce) }
                    }
                }
            }
        }
        #expect(nonces.all.count == 240)
        #expect(Set(nonces.all).count == 240)
        #expect(nonces.all.min() == 1_000)
        // `atLeast` above the stored value wins; below it, the next one above the stored value.
        #expect(try await stores[0].nextNonce(forKey: key, atLeast: 5_000) == 5_000)
        #expect(try await stores[1].nextNonce(forKey: key, atLeast: 1) == 5_001)
    }
}

/// Nonces collected from several tasks.
final class NonceTally: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [UInt64] = []
    func add(_ nonce: UInt64) { lock.lock(); values.append(nonce); lock.unlock() }
    var all: [UInt64] { lock.lock(); defer { lock.unlock() }; return values }
}
