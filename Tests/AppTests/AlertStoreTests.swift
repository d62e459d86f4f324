import Foundation
import Logging
import Store
import Testing
@testable import App

/// The alert stores on both backends: one alert per state change however many runs, and a delivery claimed once.
struct AlertStoreTests {
    let t: TestApp
    var database: Database { t.app.database }
    static let epoch = StoreFixtures.epoch

    init(_ backend: TestBackend = .sqlite) throws {
        t = try TestApp(backend: backend)
    }

    private func channel(of user: String) throws -> AlertChannel {
        let channel = AlertChannel(id: UUIDs.make(), userID: user, kind: .webhook, url: "https://example.com/h",
                                   sealedSecret: nil, enabled: true, createdAt: StoreFixtures.now)
        try database.write { try AlertChannelStore.insert(channel, in: $0) }
        return channel
    }

    /// Needs attention over three runs: one alert; the flag cleared by an edit with no sync since: nothing (not a
    /// recovery); a successful sync: one recovered; paused: nothing.
    @Test(arguments: TestBackend.allCases)
    static func oneAlertPerStateChange(_ backend: TestBackend) async throws { try await Self(backend).oneAlertPerStateChange() }
    func oneAlertPerStateChange() async throws {
        let user = try StoreFixtures.user("alerts@example.com", in: database)
        let id = try StoreFixtures.connection(of: user, in: database)
        _ = try channel(of: user)
        _ = try channel(of: user)
        let detector = AlertDetector(database: database, logger: Logger(label: "test"))
        let recent = Timestamp.format(Date())
        try await database.write { db in
            _ = try db.run("UPDATE exchange_connections SET needs_attention = 1, status = 'error', last_sync_at = ? WHERE id = ?",
                           [.text(recent), .text(id)])
        }
        for _ in 0..<3 { _ = try await detector.run() }
        #expect(try StoreFixtures.count("alert_deliveries", where: "event = 'connection.needs_attention'", in: database) == 2)
        // What PATCH does: the flag cleared so retries resume; no sync has succeeded yet.
        try await database.write { db in
            _ = try db.run("UPDATE exchange_connections SET needs_attention = 0, status = 'active' WHERE id = ?", [.text(id)])
        }
        for _ in 0..<2 { _ = try await detector.run() }
        #expect(try StoreFixtures.count("alert_deliveries", in: database) == 2)
        // The retry fails again: the same trouble, no second alert.
        try await database.write { db in
            _ = try db.run("UPDATE exchange_connections SET needs_attention = 1, status = 'error' WHERE id = ?", [.text(id)])
        }
        _ = try await detector.run()
        #expect(try StoreFixtures.count("alert_deliveries", in: database) == 2)
        // A sync succeeds: recovered, once.
        let synced = Timestamp.format(Date().addingTimeInterval(1))
        try await database.write { db in
            _ = try db.run("UPDATE exchange_connections SET needs_attention = 0, status = 'active', last_sync_at = ? WHERE id = ?",
                           [.text(synced), .text(id)])
        }
        for _ in 0..<3 { _ = try await detector.run(now: Date().addingTimeInterval(2)) }
        #expect(try StoreFixtures.count("alert_deliveries", where: "event = 'connection.recovered'", in: database) == 2)
        try await database.write { db in
            _ = try db.run("UPDATE exchange_connections SET needs_attention = 1, status = 'disabled' WHERE id = ?", [.text(id)])
        }
        _ = try await detector.run()
        #expect(try StoreFixtures.count("alert_deliveries", in: database) == 4)
    }

    /// Stale, then the person raises the threshold with no sync since: cleared without a recovered alert; stale
    /// again, then a successful sync: recovered.
    @Test(arguments: TestBackend.allCases)
    static func aHigherThresholdIsNotARecovery(_ backend: TestBackend) async throws { try await Self(backend).aHigherThresholdIsNotARecovery() }
    func aHigherThresholdIsNotARecovery() async throws {
        let user = try StoreFixtures.user("threshold@example.com", in: database)
        let id = try StoreFixtures.connection(of: user, in: database)
        _ = try channel(of: user)
        let detector = AlertDetector(database: database, logger: Logger(label: "test"))
        let now = Date()
        try await database.write { db in
            _ = try db.run("UPDATE exchange_connections SET last_sync_at = ? WHERE id = ?",
                           [.text(Timestamp.format(now.addingTimeInterval(-2 * 3600))), .text(id)])
            try AlertChannelStore.setStaleHours(1, ofUser: user, in: db)
        }
        _ = try await detector.run(now: now)
        #expect(try StoreFixtures.count("alert_deliveries", where: "event = 'connection.stale'", in: database) == 1)
        try await database.write { db in try AlertChannelStore.setStaleHours(24, ofUser: user, in: db) }
        _ = try await detector.run(now: now.addingTimeInterval(60))
        #expect(try StoreFixtures.count("alert_deliveries", in: database) == 1)
        let states = try await database.read { try AlertStateStore.watched(in: $0) }
        #expect(states.first { $0.id == id }?.raised == [])
        try await database.write { db in try AlertChannelStore.setStaleHours(1, ofUser: user, in: db) }
        _ = try await detector.run(now: now.addingTimeInterval(120))
        try await database.write { db in
            _ = try db.run("UPDATE exchange_connections SET last_sync_at = ? WHERE id = ?",
                           [.text(Timestamp.format(now.addingTimeInterval(180))), .text(id)])
        }
        _ = try await detector.run(now: now.addingTimeInterval(240))
        #expect(try StoreFixtures.count("alert_deliveries", where: "event = 'connection.stale'", in: database) == 2)
        #expect(try StoreFixtures.count("alert_deliveries", where: "event = 'connection.recovered'", in: database) == 1)
    }

    /// Two callers racing for one state change: only one queues the alert; two claims of one delivery: one wins.
    @Test(arguments: TestBackend.allCases)
    static func changesAndClaimsHappenOnce(_ backend: TestBackend) throws { try Self(backend).changesAndClaimsHappenOnce() }
    func changesAndClaimsHappenOnce() throws {
        let user = try StoreFixtures.user("claims@example.com", in: database)
        let id = try StoreFixtures.connection(of: user, in: database)
        let channel = try channel(of: user)
        let seen = try database.read { try AlertStateStore.watched(in: $0) }.first { $0.id == id }!
        let attention = AlertStateStore.Watched(id: seen.id, userID: seen.userID, exchange: seen.exchange, label: seen.label,
                                            paused: false, needsAttention: true, errorCode: "invalid_credentials",
                                            lastSuccess: Date(), keyExpiresAt: nil, raised: [])
        // Both read "not raised" before either wrote.
        let first = try database.write { try AlertDetector.apply([.needsAttention], to: attention, staleHours: 24, now: Date(), in: $0) }
        let second = try database.write { try AlertDetector.apply([.needsAttention], to: attention, staleHours: 24, now: Date(), in: $0) }
        #expect(first.deliveries == 1 && second.deliveries == 0)

        let delivery = AlertDelivery.queued(.test(at: Self.epoch), to: channel, now: Self.epoch)
        try database.write { try AlertDeliveryStore.insert(delivery, in: $0) }
        let now = Self.epoch.addingTimeInterval(1)
        let claims = try (0..<2).map { _ in
            try database.write { try AlertDeliveryStore.claim(delivery.id, now: now, until: now.addingTimeInterval(60), in: $0) }
        }
        #expect(claims == [true, false])
        try database.write { try AlertDeliveryStore.recordFailure(delivery.id, code: "target_timeout", message: "slow",
                                                                   retryAt: now.addingTimeInterval(60), in: $0) }
        // Released, but not due until its retry time.
        #expect(try database.write { try AlertDeliveryStore.claim(delivery.id, now: now, until: now.addingTimeInterval(60), in: $0) } == false)
        let later = now.addingTimeInterval(61)
        #expect(try database.read { try AlertDeliveryStore.dueIDs(at: later, limit: 10, in: $0) }.contains(delivery.id))
        #expect(try database.read { try AlertDeliveryStore.dueIDs(at: now, limit: 10, in: $0) }.contains(delivery.id) == false)
        #expect(try database.write { try AlertDeliveryStore.claim(delivery.id, now: later, until: later.addingTimeInterval(60), in: $0) })
        try database.write { try AlertDeliveryStore.recordDelivered(delivery.id, at: later, in: $0) }
        let stored = try database.read { try AlertDeliveryStore.recent(ofUser: user, limit: 5, in: $0) }.first { $0.id == delivery.id }
        #expect(stored?.status == .delivered && stored?.attempts == 2 && stored?.nextAttemptAt == nil)
    }
}
