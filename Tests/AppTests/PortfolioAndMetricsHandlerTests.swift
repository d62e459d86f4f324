import Exchanges
import Foundation
import Sandbox
import Testing
import Web
@testable import App

/// `GET /portfolios` and `GET /metrics` after real syncs against the in-process sandbox.
@Suite(.serialized)
struct PortfolioAndMetricsHandlerTests {
    let h: HandlerHarness

    init(_ backend: TestBackend = .sqlite) throws { h = try HandlerHarness(backend: backend) }

    @Test(arguments: TestBackend.allCases)
    static func portfoliosShowEachConnectionAndExactTotalsOfTheCallerOnly(_ backend: TestBackend) throws { try Self(backend).portfoliosShowEachConnectionAndExactTotalsOfTheCallerOnly() }
    func portfoliosShowEachConnectionAndExactTotalsOfTheCallerOnly() throws {
        let kucoin = try h.connect(.kucoin)
        let kraken = try h.connect(.kraken)
        _ = try h.connect(.okx, as: h.bob)
        let response = h.call("GET", "/api/v1/portfolios")
        #expect(response.status == 200)
        let portfolios = try #require(response.json["portfolios"] as? [[String: Any]])
        #expect(Set(portfolios.compactMap { $0["connectionId"] as? String }) == [kucoin, kraken])
        var sums: [String: Decimal] = [:]
        for portfolio in portfolios {
            for holding in portfolio["holdings"] as? [[String: Any]] ?? [] {
                let text = try #require(holding["amount"] as? String)
                let amount = try #require(Decimal(string: text))
                let asset = try #require(holding["asset"] as? String)
                sums[asset, default: 0] += amount
            }
        }
        let totals = try #require(response.json["totals"] as? [[String: Any]])
        #expect(!totals.isEmpty)
        for total in totals {
            let asset = try #require(total["asset"] as? String)
            let amount = try #require(total["amount"] as? String)
            #expect(Decimal(string: amount) == sums[asset], "\(asset)")
        }
        #expect(totals.count == sums.count)
        let bobs = h.call("GET", "/api/v1/portfolios", as: h.bob).json["portfolios"] as? [[String: Any]]
        #expect(bobs?.count == 1)
    }

    @Test(arguments: TestBackend.allCases)
    static func portfoliosNeedASession(_ backend: TestBackend) throws { try Self(backend).portfoliosNeedASession() }
    func portfoliosNeedASession() {
        let response = h.t.request("GET", "/api/v1/portfolios")
        #expect(response.status == 401 && response.errorCode == ErrorCode.unauthorized.rawValue)
    }

    /// Attempts, successes and failures by exchange and catalogue error code.
    @Test(arguments: TestBackend.allCases)
    static func metricsCountSyncsByExchangeAndErrorCode(_ backend: TestBackend) throws { try Self(backend).metricsCountSyncsByExchangeAndErrorCode() }
    func metricsCountSyncsByExchangeAndErrorCode() throws {
        let id = try h.connect(.kucoin)
        h.fault(.kucoin, Faults(noReadPermission: true))
        #expect(h.call("POST", "/api/v1/exchanges/connections/\(id)/sync").status == 422)
        let response = h.t.request("GET", "/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
        let text = response.bodyText
        #expect(text.contains(#"holdfast_sync_failures_total{exchange="kucoin",error_code="permission_denied"} 1"#))
        #expect(text.contains(#"holdfast_sync_attempts_total{exchange="kucoin"} "#))
    }
}
