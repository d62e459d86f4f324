import Exchanges
import Foundation
import Store
import Testing
@testable import App

/// `ConnectionStore`'s rules on a real SQLite file: the one due rule, and claims that re-check it.
@Suite(.serialized)
struct ConnectionStoreTests {
    let t: TestApp
    let userID: String

    init(_ backend: TestBackend = .sqlite) throws {
        t = try TestApp(backend: backend)
        userID = try t.addUser("store@example.com")
    }

    /// A connection with these settings (credentials are never opened here).
    func store(status: ConnectionStatus = .active, autoSync: Bool = true, needsAttention: Bool = false,
               nextAttemptAt: String? = nil) throws -> String {
        let id = UUIDs.make()
        try t.app.database.write { db in
            var new = ConnectionStore.NewConnection(id: id, userID: userID, exchange: "kucoin", label: nil, apiKeyEncrypted: "k",
                                                    apiSecretEncrypted: "s", passphraseEncrypted: nil, createdAt: "2026-01-01T00:00:00.000Z")
            new.status = status
            new.autoSync = autoSync
            try ConnectionStore.insert(new, in: db)
            try db.run("UPDATE exchange_connections SET needs_attention = ?, next_attempt_at = ? WHERE id = ?",
                       [.bool(needsAttention), .optionalText(nextAttemptAt), .text(id)])
        }
        return id
    }

    func claim(_ id: String, _ holder: String, onlyIfDue: Bool = true) throws -> String {
        switch try t.app.database.lockingWrite({ try ConnectionStore.claim(id, holder: holder, onlyIfDue: onlyIfDue, in: $0) }) {
        case .claimed: "claimed"
        case .notFound: "notFound"
        case .inProgress: "inProgress"
        case .notDue: "notDue"
        case .paused: "paused"
        }
    }

    func leases() throws -> Int {
        try t.app.database.read { try $0.queryOne("SELECT count(*) AS n FROM sync_leases")?.int("n") ?? -1 }
    }

    /// The timer's listing, the records' `due`/`scheduled` columns and the API's `nextSyncAt` agree for every
    /// combination of the settings the rule reads: they all come from the one definition.
    @Test(arguments: TestBackend.allCases)
    static func listingRecordsAndViewFollowTheOneDueRule(_ backend: TestBackend) throws { try Self(backend).listingRecordsAndViewFollowTheOneDueRule() }
    func listingRecordsAndViewFollowTheOneDueRule() throws {
        let now = Date()
        let past = Timestamp.format(now.addingTimeInterval(-60)), future = Timestamp.format(now.addingTimeInterval(600))
        var expectedDue: Set<String> = []
        var expectedScheduled: Set<String> = []
        for status in ConnectionStatus.allCases {
            for autoSync in [true, false] {
                for attention in [true, false] {
                    for next in [nil, past, future] {
                        let id = try store(status: status, autoSync: autoSync, needsAttention: attention, nextAttemptAt: next)
                        let scheduled = status != .disabled && autoSync && !attention
                        if scheduled { expectedScheduled.insert(id) }
                        if scheduled && next != future { expectedDue.insert(id) }
                    }
                }
            }
        }
        let listed = Set(try t.due(now: now).map(\.id))
        #expect(listed == expectedDue)
        #expect(try t.app.database.read { try ConnectionStore.dueCount(in: $0, now: now) } == expectedDue.count)
        let records = try t.app.database.read { try ConnectionStore.all(userID: userID, in: $0, now: now) }
        #expect(records.count == 36)
        for record in records {
            #expect(record.due == expectedDue.contains(record.id))
            #expect(record.scheduled == expectedScheduled.contains(record.id))
            #expect((ConnectionView(record).nextSyncAt != nil) == expectedScheduled.contains(record.id))
        }
    }

    /// Two timers listed the same due connection: the second claim finds it leased while the first syncs, and
    /// no longer due once the first committed; a connection paused after being listed is not claimed at all.
    @Test(arguments: TestBackend.allCases)
    static func claimsRecheckTheDueRuleAndTheLeaseTogether(_ backend: TestBackend) async throws { try await Self(backend).claimsRecheckTheDueRuleAndTheLeaseTogether() }
    func claimsRecheckTheDueRuleAndTheLeaseTogether() async throws {
        let id = try store()
        // Holders named after this very process, so each counts as alive (`SyncLease.isAlive`).
        let first = SyncLease.holderID(), second = SyncLease.holderID(), third = SyncLease.holderID()
        #expect(try t.due().map(\.id) == [id])
        #expect(try claim(id, first) == "claimed")
        #expect(try claim(id, second) == "inProgress")
        _ = try await t.app.database.write { db in
            try t.app.engine.record(outcome: nil, read: AccountBalances(balances: []), for: id, trigger: .scheduled,
                                    holder: first, startedAt: Date(), duration: .zero, in: db)
        }
        #expect(try leases() == 0)
        #expect(try claim(id, second) == "notDue")
        #expect(try leases() == 0)
        // By name (`onlyIfDue` false), as `holdfast-sync --connection` and a manual sync do, it is claimed anyway.
        #expect(try claim(id, second, onlyIfDue: false) == "claimed")

        let paused = try store()
        #expect(try t.due().map(\.id) == [paused])
        try await t.app.database.write { db in
            _ = try ConnectionStore.change(paused, userID: userID, .init(status: .disabled), in: db)
        }
        #expect(try claim(paused, third) == "notDue")
        // By name too: the pause is checked in the claiming transaction, so one committed after the caller
        // looked still refuses the sync, and no lease is taken.
        let leasesBefore = try leases()
        #expect(try claim(paused, third, onlyIfDue: false) == "paused")
        #expect(try leases() == leasesBefore)
        #expect(try claim(UUIDs.make(), third) == "notFound")
        #expect(try claim("not-a-uuid", third) == "notFound")
    }
}
