import Exchanges
import Foundation
import Logging
import Sandbox
import Testing
import Web
@testable import App

/// The timer's market data and history steps against the in-process sandbox, and `GET /portfolio`,
/// `/portfolio/history` and `PATCH /auth/me` through `Application.handle`, on both backends.
@Suite(.serialized)
struct PortfolioValueTests {
    let h: HandlerHarness

    init(_ backend: TestBackend = .sqlite) throws { h = try HandlerHarness(backend: backend) }

    var logger: Logger { Logger(label: "test") }

    func refresh(at now: Date = Date()) async -> MarketRefresh.Report {
        var exchanges = h.t.app.configuration.exchanges
        exchanges.budget = RequestBudgetStore(database: h.t.app.database)
        return await MarketRefresh(database: h.t.app.database, exchanges: exchanges, logger: logger).run(now: now)
    }

    /// Prices as the sandbox serves them now, for `exchange`'s market `id`.
    func sandboxPrice(_ exchange: ExchangeID, _ id: String, at date: Date) -> Decimal? {
        MarketPrices.markets(on: exchange).first { $0.id == id }.flatMap {
            Decimal(string: MarketPrices.price(of: $0, on: exchange, at: date))
        }
    }

    @Test(arguments: TestBackend.allCases)
    static func theTimerReadsEachConnectedExchangeOnceAndValuesTheHoldings(_ backend: TestBackend) async throws {
        try await Self(backend).theTimerReadsEachConnectedExchangeOnceAndValuesTheHoldings()
    }
    func theTimerReadsEachConnectedExchangeOnceAndValuesTheHoldings() async throws {
        _ = try h.connect(.kraken)
        _ = try h.connect(.binance)
        let before = Date()
        let report = await refresh()
        #expect(Set(report.quotes.keys) == ["kraken", "binance"] && report.failures.isEmpty, "\(report)")
        // Another timer within the interval reads nothing: the reads are claimed.
        let again = await refresh()
        #expect(again.quotes.isEmpty && Set(again.skipped) == ["kraken", "binance"], "\(again)")

        let recorded = try await ValueRecorder(database: h.t.app.database, logger: logger).run()
        #expect(recorded.points == 1, "alice has connections, bob none")
        let body = h.call("GET", "/api/v1/portfolio").json
        #expect(body["currency"] as? String == "USD")
        let assets = try #require(body["assets"] as? [[String: Any]])
        let btc = try #require(assets.first { $0["asset"] as? String == "BTC" })
        // The Kraken holding prices through Kraken's BTC/USD, the Binance one through BTC/USDT and USDT/USD
        // (on Kraken): the asset's source names both paths.
        let source = try #require(btc["source"] as? String)
        #expect(source.contains("kraken:XXBTZUSD"), "\(source)")
        let price = try #require((btc["price"] as? String).flatMap { Decimal(string: $0) })
        let expected = [before, Date()].compactMap { sandboxPrice(.kraken, "XXBTZUSD", at: $0) }
        #expect(expected.contains { abs($0 / price - 1) < Decimal(string: "0.01")! }, "\(price) vs \(expected)")
        let total = try #require((body["totalExact"] as? String).flatMap { Decimal(string: $0) })
        let sum = assets.compactMap { ($0["valueExact"] as? String).flatMap { Decimal(string: $0) } }.reduce(0, +)
        #expect(total == sum)
        // The history has the timer's point, with the same total.
        let history = h.call("GET", "/api/v1/portfolio/history").json
        let points = try #require(history["points"] as? [[String: Any]])
        #expect(points.count == 1)
        #expect(points.first?["valueExact"] as? String == body["totalExact"] as? String)
        // A second recorder run within 5 minutes records no point.
        #expect(try await ValueRecorder(database: h.t.app.database, logger: logger).run().points == 0)
    }

    @Test(arguments: TestBackend.allCases)
    static func aMarketEndpointDownIsRecordedAndItsQuotesStay(_ backend: TestBackend) async throws {
        try await Self(backend).aMarketEndpointDownIsRecordedAndItsQuotesStay()
    }
    func aMarketEndpointDownIsRecordedAndItsQuotesStay() async throws {
        _ = try h.connect(.kraken)
        let first = Date()
        #expect(await refresh(at: first).quotes["kraken"] ?? 0 > 0)
        var faults = Faults()
        faults.marketDown = true
        _ = h.sandbox.state.apply(FixtureUpdate(exchangeFaults: faults), exchange: .kraken)
        let later = first.addingTimeInterval(MarketRefresh.minimumInterval + 1)
        let report = await refresh(at: later)
        #expect(report.failures["kraken"] == ExchangeError.Code.exchangeUnavailable.rawValue, "\(report)")
        let (quotes, fetches) = try await h.t.app.database.read { db in (try QuoteStore.quotes(in: db), try QuoteStore.fetches(in: db)) }
        #expect(!quotes.filter { $0.exchange == "kraken" }.isEmpty, "the last quotes stay, to go stale")
        #expect(fetches["kraken"]?.errorCode == "exchange_unavailable" && fetches["kraken"]?.succeededAt != nil)
        let markets = h.call("GET", "/api/v1/portfolio").json["markets"] as? [[String: Any]]
        #expect(markets?.first { $0["exchange"] as? String == "kraken" }?["errorCode"] as? String == "exchange_unavailable")
    }

    @Test(arguments: TestBackend.allCases)
    static func theCurrencyIsTheUsersAndChangesTheBody(_ backend: TestBackend) async throws {
        try await Self(backend).theCurrencyIsTheUsersAndChangesTheBody()
    }
    func theCurrencyIsTheUsersAndChangesTheBody() async throws {
        _ = try h.connect(.kraken)
        _ = await refresh()
        #expect(h.call("GET", "/api/v1/portfolio").json["currency"] as? String == "USD")
        let changed = h.call("PATCH", "/api/v1/auth/me", json: #"{"currency":"EUR"}"#)
        #expect(changed.status == 200 && (changed.json["user"] as? [String: Any])?["currency"] as? String == "EUR")
        // The cached USD body is not served: the currency is part of what it was built from.
        let body = h.call("GET", "/api/v1/portfolio").json
        #expect(body["currency"] as? String == "EUR")
        #expect(h.call("GET", "/api/v1/auth/me").json["user"].flatMap { ($0 as? [String: Any])?["currency"] as? String } == "EUR")
        for bad in [#"{"currency":"eur"}"#, #"{"currency":"XRP"}"#, #"{"currency":5}"#, #"{"currency":"EUR","x":1}"#,
                    "{}", #"{"currency":null}"#] {
            let response = h.call("PATCH", "/api/v1/auth/me", json: bad)
            #expect(response.status == 422 || response.status == 400, "\(bad): \(response.status)")
        }
        #expect(h.call("GET", "/api/v1/auth/me", as: h.bob).json["user"].flatMap { ($0 as? [String: Any])?["currency"] as? String } == "USD")
    }

    @Test func csvCellsDefuseFormulasButKeepAmounts() {
        #expect(CSVExport.cell("=SUM(A1)") == "'=SUM(A1)")
        #expect(CSVExport.cell("+1 555") == "'+1 555")
        #expect(CSVExport.cell("@user") == "'@user")
        #expect(CSVExport.cell("-0.5") == "-0.5")
        #expect(CSVExport.cell("\tx") == "'\tx")
        #expect(CSVExport.cell("plain") == "plain")
        let document = String(decoding: CSVExport.document(header: ["a", "b"], rows: [["x,y", "say \"hi\"\nthere"], ["=1+1", "2"]]),
                              as: UTF8.self)
        #expect(document == "a,b\r\n\"x,y\",\"say \"\"hi\"\"\nthere\"\r\n'=1+1,2\r\n")
    }

    @Test func instantsParseInTheFormsTheAPIDocuments() {
        #expect(InstantText.parse("2026-12-31") == Date(timeIntervalSince1970: 1_798_675_200))
        #expect(InstantText.parse("2026-12-31T23:59:59Z") == Date(timeIntervalSince1970: 1_798_761_599))
        #expect(InstantText.parse("2026-12-31T23:59:59.500+01:00") == Date(timeIntervalSince1970: 1_798_757_999.5))
        #expect(InstantText.parse("2026-12-31T23:59Z") == Date(timeIntervalSince1970: 1_798_761_540))
        #expect(InstantText.parse("2026-12-31T23:59:59-0530") == Date(timeIntervalSince1970: 1_798_761_599 + 19_800))
        for bad in ["", "yesterday", "2026-13-01", "2026-12-31T25:00:00Z", "2026-02-30", "2026-12-31T23:59:59",
                    "2026-12-31 23:59:59Z", "2026-12-31T23:60:00Z", "+2026-12-31", String(repeating: "9", count: 100)] {
            #expect(InstantText.parse(bad) == nil, "\(bad)")
        }
    }
}
