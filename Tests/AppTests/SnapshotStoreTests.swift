import Exchanges
import Foundation
import Store
import Testing
@testable import App

/// `SnapshotStore` on both backends: written on change and once a day, the snapshot in effect at an instant,
/// and the sync engine's hook (a successful sync records, a failed one does not).
struct SnapshotStoreTests {
    let t: TestApp
    let ada: String
    let connection: String
    var database: Database { t.app.database }
    static let epoch = StoreFixtures.epoch

    init(_ backend: TestBackend = .sqlite) throws {
        t = try TestApp(backend: backend)
        ada = try t.addUser("ada@example.com")
        connection = try StoreFixtures.connection(of: ada, in: t.app.database)
    }

    static func balance(_ asset: String, _ total: String) -> Balance {
        Balance(asset: asset, free: total, locked: "0", total: total)
    }

    @discardableResult
    func record(_ balances: [Balance], after seconds: TimeInterval, connection: String? = nil, exchange: String = "kraken") throws -> Bool {
        try database.write { db in
            try SnapshotStore.record(connectionID: connection ?? self.connection, userID: ada, exchange: exchange,
                                     balances: balances, at: Self.epoch.addingTimeInterval(seconds), in: db)
        }
    }

    func timeline() throws -> [SnapshotStore.Snapshot] {
        try database.read { db in try SnapshotStore.timeline(ofConnection: connection, in: db) }
    }

    @Test func canonicalJSONIsSortedCanonicalAndSkipsZeros() {
        let json = SnapshotStore.canonicalJSON([Self.balance("SOL", "3.250"), Self.balance("BTC", "0.5"),
                                                Self.balance("ETH", "0"), Self.balance("DOT", "1"), Self.balance("DOT", "2"),
                                                Self.balance("X\"Y", "1")])
        #expect(json == #"[{"asset":"BTC","amount":"0.5"},{"asset":"DOT","amount":"2"},{"asset":"SOL","amount":"3.25"},{"asset":"X\"Y","amount":"1"}]"#)
    }

    /// The same balances again are not written until a day has passed; a change is written at once.
    @Test(arguments: TestBackend.allCases)
    static func writtenOnChangeAndOnceADay(_ backend: TestBackend) throws { try Self(backend).writtenOnChangeAndOnceADay() }
    func writtenOnChangeAndOnceADay() throws {
        let held = [Self.balance("BTC", "0.5"), Self.balance("ETH", "2")]
        #expect(try record(held, after: 0))
        #expect(try !record(held.reversed(), after: 300))
        #expect(try !record([Self.balance("BTC", "0.50"), Self.balance("ETH", "2.0")], after: 600))
        #expect(try record([Self.balance("BTC", "0.4"), Self.balance("ETH", "2")], after: 900))
        #expect(try !record([Self.balance("BTC", "0.4"), Self.balance("ETH", "2")], after: 900 + 86_399))
        #expect(try record([Self.balance("BTC", "0.4"), Self.balance("ETH", "2")], after: 900 + 86_400))
        let stored = try timeline()
        #expect(stored.map(\.takenAt) == [0, 900, 87_300].map { Self.epoch.addingTimeInterval($0) })
        #expect(stored[1].balances == [.init(asset: "BTC", amount: "0.4"), .init(asset: "ETH", amount: "2")])
    }

    /// Between two snapshots the earlier one is in effect, exactly at one that one, before the first none; a
    /// deleted connection's snapshots stay, marked as no longer existing.
    @Test(arguments: TestBackend.allCases)
    static func theSnapshotInEffectAtAnInstant(_ backend: TestBackend) throws { try Self(backend).theSnapshotInEffectAtAnInstant() }
    func theSnapshotInEffectAtAnInstant() throws {
        let other = try StoreFixtures.connection(of: ada, exchange: "binance", in: database)
        try record([Self.balance("BTC", "1")], after: 0)
        try record([Self.balance("BTC", "2")], after: 3_600)
        try record([Self.balance("ETH", "5")], after: 1_800, connection: other, exchange: "binance")
        let bob = try t.addUser("bob@example.com")
        let bobs = try StoreFixtures.connection(of: bob, in: database)
        try database.write { db in
            try SnapshotStore.record(connectionID: bobs, userID: bob, exchange: "kraken", balances: [Self.balance("BTC", "9")],
                                     at: Self.epoch, in: db)
        }
        func inEffect(_ seconds: TimeInterval) throws -> [String: String] {
            let parts = try database.read { db in
                try SnapshotStore.inEffect(forUser: ada, at: Self.epoch.addingTimeInterval(seconds), in: db)
            }
            return Dictionary(uniqueKeysWithValues: parts.map { ($0.snapshot.connectionID, $0.snapshot.balances.map { "\($0.asset)=\($0.amount)" }.joined()) })
        }
        #expect(try inEffect(-1).isEmpty)
        #expect(try inEffect(0) == [connection: "BTC=1"])
        #expect(try inEffect(1_800) == [connection: "BTC=1", other: "ETH=5"])
        #expect(try inEffect(3_599) == [connection: "BTC=1", other: "ETH=5"])
        #expect(try inEffect(3_600) == [connection: "BTC=2", other: "ETH=5"])
        _ = try database.write { db in try ConnectionStore.delete(other, userID: ada, in: db) }
        let parts = try database.read { db in try SnapshotStore.inEffect(forUser: ada, at: Self.epoch.addingTimeInterval(4_000), in: db) }
        #expect(parts.map(\.snapshot.exchange) == ["binance", "kraken"])
        #expect(parts.map(\.exists) == [false, true])
    }

    /// Through `SyncEngine.record`: a successful sync records its balances, a failed one records nothing.
    @Test(arguments: TestBackend.allCases)
    static func aSuccessfulSyncRecordsAndAFailedOneDoesNot(_ backend: TestBackend) throws { try Self(backend).aSuccessfulSyncRecordsAndAFailedOneDoesNot() }
    func aSuccessfulSyncRecordsAndAFailedOneDoesNot() throws {
        func sync(_ failure: ExchangeError?) throws {
            _ = try database.write { db in
                try t.app.engine.record(outcome: failure, read: AccountBalances(balances: [Self.balance("BTC", "0.5")]),
                                        for: connection, trigger: .manual, holder: SyncLease.holderID(), startedAt: Date(),
                                        duration: .zero, in: db)
            }
        }
        try sync(ExchangeError(.exchangeUnavailable, message: "down"))
        #expect(try timeline().isEmpty)
        try sync(nil)
        #expect(try timeline().map(\.balances) == [[.init(asset: "BTC", amount: "0.5")]])
        #expect(try timeline().first?.exchange == "kraken")
    }
}
