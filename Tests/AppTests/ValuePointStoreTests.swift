import Foundation
import Store
import Testing
@testable import App

/// `ValuePointStore` on both backends: at most one point per user per 5 minutes, and the history read one point
/// per UTC bucket (the last of each).
struct ValuePointStoreTests {
    let t: TestApp
    let ada: String
    var database: Database { t.app.database }
    /// A UTC midnight, so bucket edges are easy to name.
    static let midnight = HistoryResolution.day.bucketStart(of: StoreFixtures.epoch)

    init(_ backend: TestBackend = .sqlite) throws {
        t = try TestApp(backend: backend)
        ada = try t.addUser("ada@example.com")
    }

    static func point(_ seconds: TimeInterval, _ total: String?, complete: Bool = true) -> ValuePointStore.NewPoint {
        ValuePointStore.NewPoint(at: midnight.addingTimeInterval(seconds), currency: "EUR", total: total, complete: complete,
                                 detail: ValuePointDetail(exchanges: ["kraken": total ?? "0"], stale: ["c1"], unpricedCount: 1))
    }

    func record(_ point: ValuePointStore.NewPoint, for user: String? = nil) throws -> Bool {
        try database.write { db in try ValuePointStore.record(point, forUser: user ?? ada, in: db) }
    }

    @Test(arguments: TestBackend.allCases)
    static func aUserGetsAtMostOnePointPerFiveMinutes(_ backend: TestBackend) throws { try Self(backend).aUserGetsAtMostOnePointPerFiveMinutes() }
    func aUserGetsAtMostOnePointPerFiveMinutes() throws {
        let bob = try t.addUser("bob@example.com")
        #expect(try record(Self.point(0, "100.5")))
        #expect(try !record(Self.point(299, "101")))
        #expect(try record(Self.point(0, "7"), for: bob))
        #expect(try !record(Self.point(-600, "99")))
        #expect(try record(Self.point(300, nil, complete: false)))
        let stored = try database.read { db in try ValuePointStore.timeline(ofUser: ada, in: db) }
        #expect(stored.map(\.total) == ["100.5", nil])
        #expect(stored.map(\.complete) == [true, false])
        #expect(stored.map(\.resolution) == [.fiveMinutes, .fiveMinutes])
        #expect(stored[0].detail == ValuePointDetail(exchanges: ["kraken": "100.5"], stale: ["c1"], unpricedCount: 1))
    }

    /// Points at :00, :04, :10, :59 of hour 0 and :01 of hour 1: at `5m` three buckets of hour 0 (the :04 point
    /// wins its bucket over :00) and one of hour 1; at `1h` the last of each hour; at `1d` one point.
    @Test(arguments: TestBackend.allCases)
    static func historyHasTheLastPointOfEachUTCBucket(_ backend: TestBackend) throws { try Self(backend).historyHasTheLastPointOfEachUTCBucket() }
    func historyHasTheLastPointOfEachUTCBucket() throws {
        let minutes: [TimeInterval] = [0, 4, 10, 59, 61]
        try database.write { db in
            try ValuePointStore.backfill(minutes.map { Self.point($0 * 60, "\(Int($0))") }, forUser: ada, in: db)
        }
        func values(_ resolution: HistoryResolution, from: TimeInterval = 0, to: TimeInterval = 86_400) throws -> [String?] {
            try database.read { db in
                try ValuePointStore.points(ofUser: ada, from: Self.midnight.addingTimeInterval(from),
                                           to: Self.midnight.addingTimeInterval(to), resolution: resolution, in: db)
            }.map(\.value)
        }
        #expect(try values(.fiveMinutes) == ["4", "10", "59", "61"])
        #expect(try values(.hour) == ["59", "61"])
        #expect(try values(.day) == ["61"])
        #expect(try values(.hour, from: 10 * 60, to: 59 * 60) == ["59"])
        let first = try database.read { db in
            try ValuePointStore.points(ofUser: ada, from: Self.midnight, to: Self.midnight.addingTimeInterval(3_600),
                                       resolution: .hour, in: db)
        }.first
        #expect(first == ValuePointStore.HistoryPoint(time: Self.midnight.addingTimeInterval(59 * 60), value: "59", complete: true,
                                                      currency: "EUR"))
    }

    @Test func storedInstantsReadAsTimestampWritesThem() {
        for seconds in [0, 1_800_000_000.123, 951_782_400.5, -86_400.25, 4_102_444_799.999] as [TimeInterval] {
            let date = Date(timeIntervalSince1970: seconds)
            let text = Timestamp.format(date)
            #expect(StoredInstant.date(text) == Timestamp.parse(text), "\(text)")
        }
        #expect(StoredInstant.unixMilliseconds("2026-13-01T00:00:00.000Z") == nil)
        #expect(StoredInstant.unixMilliseconds("2026-01-01 00:00:00.000Z") == nil)
        #expect(StoredInstant.date("not a time") == nil)
    }
}
