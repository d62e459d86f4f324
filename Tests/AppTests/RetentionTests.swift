import Foundation
import Store
import Testing
@testable import App

/// `Retention` on synthetic timelines, both backends: 120 days of 5-minute points thinned in bounded passes to
/// every point for the last 48 hours, the last of each hour for 90 days, the last of each day before; a second
/// pass changes nothing.
struct RetentionTests {
    let t: TestApp
    let ada: String
    var database: Database { t.app.database }
    static let start = HistoryResolution.day.bucketStart(of: StoreFixtures.epoch)
    static let days = 120
    static let step: TimeInterval = 300
    /// Right after the last point.
    static let now = start.addingTimeInterval(TimeInterval(days) * 86_400)

    init(_ backend: TestBackend = .sqlite) throws {
        t = try TestApp(backend: backend)
        ada = try t.addUser("ada@example.com")
    }

    static var instants: [Date] {
        (0..<(days * 288)).map { start.addingTimeInterval(TimeInterval($0) * step) }
    }

    /// The count each band must end with, computed from the rule rather than written down: the 5-minute points
    /// of the last 48 hours (cut at a whole hour), one per hour back to 90 days (cut at a whole day), one a day before.
    static func expected(_ instants: [Date]) -> (fiveMinutes: Int, hourly: Int, daily: Int) {
        let cutoffs = Retention.Cutoffs(now: now)
        let hourly = StoredInstant.date(cutoffs.hourly)!, daily = StoredInstant.date(cutoffs.daily)!
        let recent = instants.filter { $0 >= hourly }.count
        let hours = Set(instants.filter { $0 >= daily && $0 < hourly }.map { HistoryResolution.hour.bucketStart(of: $0) }).count
        let days = Set(instants.filter { $0 < daily }.map { HistoryResolution.day.bucketStart(of: $0) }).count
        return (recent, hours, days)
    }

    /// Thins until a pass changes nothing, checking every pass stays within `limit`; returns the passes it took.
    func thinToTheEnd(limit: Int) throws -> Int {
        var passes = 0
        while true {
            let counts = try database.write { db in try Retention.thin(now: Self.now, limit: limit, in: db) }
            #expect(counts.valuePoints.changed <= limit && counts.assetPrices.changed <= limit)
            if counts.valuePoints.changed == 0 && counts.assetPrices.changed == 0 { return passes }
            passes += 1
            guard passes < 1_000 else { Issue.record("thinning does not converge"); return passes }
        }
    }

    @Test(arguments: TestBackend.allCases)
    static func valuePointsAreThinnedToTheLastOfEachBucket(_ backend: TestBackend) throws { try Self(backend).valuePointsAreThinnedToTheLastOfEachBucket() }
    func valuePointsAreThinnedToTheLastOfEachBucket() throws {
        let instants = Self.instants
        try database.write { db in
            try ValuePointStore.backfill(instants.map { .init(at: $0, currency: "EUR", total: "1", complete: true, detail: .init()) },
                                         forUser: ada, in: db)
        }
        let limit = 4_000
        let passes = try thinToTheEnd(limit: limit)
        let points = try database.read { db in try ValuePointStore.timeline(ofUser: ada, in: db) }
        let expected = Self.expected(instants)
        let removed = instants.count - (expected.fiveMinutes + expected.hourly + expected.daily)
        // Bounded: the work (deleted + marked) could not have fitted in fewer passes.
        #expect(passes >= (removed + expected.hourly + expected.daily + limit - 1) / limit)
        #expect(points.filter { $0.resolution == .fiveMinutes }.count == expected.fiveMinutes)
        #expect(points.filter { $0.resolution == .hour }.count == expected.hourly)
        #expect(points.filter { $0.resolution == .day }.count == expected.daily)
        #expect(points.count == expected.fiveMinutes + expected.hourly + expected.daily)
        // The kept points are the last of their bucket: the 5-minute slot that closes each hour or day.
        for point in points where point.resolution == .hour {
            #expect(HistoryResolution.hour.bucketStart(of: point.at.addingTimeInterval(Self.step)) > point.at)
        }
        for point in points where point.resolution == .day {
            #expect(HistoryResolution.day.bucketStart(of: point.at.addingTimeInterval(Self.step)) > point.at)
        }
        // Idempotent: another pass changes nothing.
        #expect(try thinToTheEnd(limit: limit) == 0)
        #expect(try database.read { db in try ValuePointStore.timeline(ofUser: ada, in: db) } == points)
        // The history reads from what is retained: one point per day in the daily band, even at 1h.
        let hourly = try database.read { db in
            try ValuePointStore.points(ofUser: ada, from: Self.start, to: Self.now, resolution: .hour, in: db)
        }
        #expect(hourly.count == expected.daily + expected.hourly + expected.fiveMinutes / 12)
    }

    /// Asset prices follow the same rule per asset and currency; a short series beside a long one is untouched.
    @Test(arguments: TestBackend.allCases)
    static func assetPricesAreThinnedPerSeries(_ backend: TestBackend) throws { try Self(backend).assetPricesAreThinnedPerSeries() }
    func assetPricesAreThinnedPerSeries() throws {
        let instants = Self.instants
        let recent = Array(instants.suffix(3))
        try database.write { db in
            try QuoteStore.record(prices: instants.map { .init(asset: "BTC", currency: "EUR", at: $0, price: "50000", source: "s") }
                                  + recent.map { .init(asset: "BTC", currency: "USD", at: $0, price: "60000", source: "s") }, in: db)
        }
        _ = try thinToTheEnd(limit: 5_000)
        let prices = try database.read { db in try QuoteStore.priceTimeline(of: "BTC", in: "EUR", in: db) }
        let expected = Self.expected(instants)
        #expect(prices.filter { $0.resolution == .fiveMinutes }.count == expected.fiveMinutes)
        #expect(prices.filter { $0.resolution == .hour }.count == expected.hourly)
        #expect(prices.filter { $0.resolution == .day }.count == expected.daily)
        #expect(try database.read { db in try QuoteStore.priceTimeline(of: "BTC", in: "USD", in: db) }.map(\.at) == recent)
        // A thinned price still values an instant of its validity: the last 1d price stands for the 2 days after.
        let lastDaily = prices.last { $0.resolution == .day }!
        #expect(try database.read { db in
            try QuoteStore.price(of: "BTC", in: "EUR", at: lastDaily.at.addingTimeInterval(1_800), in: db)
        }?.resolution == .day)
    }

    @Test func cutoffsAreWholeHoursAndDays() {
        let now = Date(timeIntervalSince1970: 1_800_000_123.456)
        let cutoffs = Retention.Cutoffs(now: now)
        let hourly = StoredInstant.date(cutoffs.hourly)!, daily = StoredInstant.date(cutoffs.daily)!
        #expect(hourly.timeIntervalSince1970.truncatingRemainder(dividingBy: 3_600) == 0)
        #expect(daily.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) == 0)
        #expect(now.timeIntervalSince(hourly) >= Retention.everyPoint && now.timeIntervalSince(hourly) < Retention.everyPoint + 3_600)
        #expect(now.timeIntervalSince(daily) >= Retention.hourly && now.timeIntervalSince(daily) < Retention.hourly + 86_400)
    }
}
