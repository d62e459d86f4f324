import Exchanges
import Foundation
import Store
import Testing
@testable import App

/// `ConnectionStore.claimNext`, the timer's claim: the order it takes due connections in, what it skips, and
/// that two holders never get the same one.
extension ConnectionStoreTests {
    func claimNext(_ holder: String, duration: TimeInterval = 60, now: Date = Date()) throws -> String? {
        try t.app.database.lockingWrite { try ConnectionStore.claimNext(holder: holder, duration: duration, now: now, in: $0) }?.id
    }

    @Test(arguments: TestBackend.allCases)
    static func claimNextTakesDueConnectionsOldestFirstAndEachOnce(_ backend: TestBackend) throws {
        try Self(backend).claimNextTakesDueConnectionsOldestFirstAndEachOnce()
    }
    func claimNextTakesDueConnectionsOldestFirstAndEachOnce() throws {
        let now = Date()
        let older = try store(nextAttemptAt: Timestamp.format(now.addingTimeInterval(-600)))
        let newer = try store(nextAttemptAt: Timestamp.format(now.addingTimeInterval(-60)))
        let never = try store()
        // Not due in any way: paused, auto-sync off, waiting for the person, or not yet.
        _ = try store(status: .disabled)
        _ = try store(autoSync: false)
        _ = try store(needsAttention: true)
        _ = try store(nextAttemptAt: Timestamp.format(now.addingTimeInterval(600)))
        let first = SyncLease.holderID(), second = SyncLease.holderID()
        // Never attempted first, then the oldest next attempt; each to one holder only.
        #expect(try claimNext(first, now: now) == never)
        #expect(try claimNext(second, now: now) == older)
        #expect(try claimNext(first, now: now) == newer)
        #expect(try claimNext(second, now: now) == nil)
        #expect(try leases() == 3)
    }

    /// A lease that expired returns its connection to the pool, whoever held it; one that has not expired keeps
    /// it, even when its holder is a process in another space (another host) that looks dead from here.
    @Test(arguments: TestBackend.allCases)
    static func claimNextTakesOverExpiredLeasesOnly(_ backend: TestBackend) throws {
        try Self(backend).claimNextTakesOverExpiredLeasesOnly()
    }
    func claimNextTakesOverExpiredLeasesOnly() throws {
        let now = Date()
        let id = try store()
        let otherHost = "0123456789ab-4026531836:999999:12345:deadbeef"
        #expect(try claimNext(otherHost, duration: 30, now: now) == id)
        #expect(try claimNext(SyncLease.holderID(), now: now.addingTimeInterval(29)) == nil)
        // By name, too, a live-looking lease of another space is not taken before it expires.
        #expect(try claim(id, SyncLease.holderID(), onlyIfDue: false) == "inProgress")
        let next = SyncLease.holderID()
        #expect(try claimNext(next, now: now.addingTimeInterval(31)) == id)
        let holder = try t.app.database.read { try $0.queryOne("SELECT holder FROM sync_leases")?.string("holder") }
        #expect(holder == next)
    }

    /// A sync that outlasted its lease and lost it to another holder writes nothing: the taker's result is the
    /// one kept, so one due period never applies two results.
    @Test(arguments: TestBackend.allCases)
    static func aResultAfterATakeoverIsDiscarded(_ backend: TestBackend) async throws {
        try await Self(backend).aResultAfterATakeoverIsDiscarded()
    }
    func aResultAfterATakeoverIsDiscarded() async throws {
        let now = Date()
        let id = try store()
        let stalled = SyncLease.holderID(), taker = SyncLease.holderID()
        #expect(try claimNext(stalled, duration: 20, now: now.addingTimeInterval(-60)) == id)
        #expect(try claimNext(taker, now: now) == id)
        func record(_ holder: String) async throws -> Int {
            try await t.app.database.write { db in
                try t.app.engine.record(outcome: nil, read: AccountBalances(balances: []), for: id, trigger: .scheduled,
                                        holder: holder, startedAt: now, duration: .zero, in: db)
            }
        }
        func runs() throws -> Int {
            try t.app.database.read { try $0.queryOne("SELECT count(*) AS n FROM sync_runs")?.int("n") ?? -1 }
        }
        _ = try await record(stalled)
        #expect(try runs() == 0)
        #expect(try leases() == 1)
        _ = try await record(taker)
        #expect(try runs() == 1)
        #expect(try leases() == 0)
    }

    /// Holders name their process space: only a holder of this space can be proven dead through /proc.
    @Test static func holdersOfOtherSpacesAreNeverJudgedDead() {
        let mine = SyncLease.holderID()
        #expect(mine.split(separator: ":").count == 4)
        #expect(mine.hasPrefix(SyncLease.processSpace + ":"))
        #expect(SyncLease.processSpace != "unknown")
        #expect(SyncLease.isAlive(mine))
        // The same dead pid: gone here, unknown elsewhere.
        #expect(!SyncLease.isAlive("\(SyncLease.processSpace):999999:12345:deadbeef"))
        #expect(SyncLease.isAlive("0123456789ab-1:999999:12345:deadbeef"))
        // The format before spaces, written when every process ran on this host.
        #expect(!SyncLease.isAlive("999999:12345:deadbeef"))
        #expect(SyncLease.isAlive("something else"))
    }

    /// The pick walks the claim-order index and stops at the first due row: it never sorts the due connections
    /// (with `IS NULL OR <= ?` SQLite answered with two index ranges and a sort of every due row, every claim).
    /// SQLite's planner is deterministic on a table without statistics; PostgreSQL's depends on them, so only
    /// SQLite's plan is checked here (BENCHMARKS.md §3c has both timers' CPU per sync at 10,000 connections).
    @Test static func thePickWalksTheClaimOrderIndexWithoutSorting() throws {
        let t = try TestApp()
        for passing in [0, 2] {
            let plan = try t.app.database.read { db in
                try db.query("EXPLAIN QUERY PLAN " + ConnectionStore.pickSQL(passing: passing, dialect: .sqlite),
                             [.text(Timestamp.format(Date()))] + Array(repeating: .text("x"), count: passing))
            }.compactMap { $0.string("detail") }
            #expect(plan.contains { $0.contains("exchange_connections_next_due") }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }
}
