import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// A request budget that grants everything and remembers each reservation, so a test can tell which scope a
/// market-data request was charged to and with what weight.
final class RecordingBudget: RequestBudget, @unchecked Sendable {
    // @unchecked: `reservations` is read and written only while holding `lock`.
    private let lock = NSLock()
    private var reservations: [(weight: Int, scope: String)] = []
    private var feedbacks: [(feedback: BudgetFeedback, scope: String)] = []

    /// Every reservation so far, oldest first.
    var charged: [(weight: Int, scope: String)] { lock.withLock { reservations } }
    /// Every answer's feedback so far, oldest first.
    var recorded: [(feedback: BudgetFeedback, scope: String)] { lock.withLock { feedbacks } }

    func reserve(_ weight: Int, in scope: BudgetScope, at now: Date) throws -> Reservation {
        lock.withLock { reservations.append((weight, scope.name)) }
        return .go
    }

    func record(_ feedback: BudgetFeedback, in scope: BudgetScope, at now: Date) throws {
        lock.withLock { feedbacks.append((feedback, scope.name)) }
    }
}

/// Checks shared by the market-data suites of KuCoin, OKX, Bybit and Bitvavo.
enum MarketDataChecks {
    /// A classified success body as the transport hands it over, received at `at`.
    static func answer(_ text: String, status: Int = 200, at: Date = Date(timeIntervalSince1970: 1_800_000_000))
        -> HTTPResult {
        HTTPResult(status: status, headers: [:], body: Data(text.utf8), sentAt: at, receivedAt: at)
    }

    /// Every canonical asset some listed market of `exchange` trades.
    static func allAssets(on exchange: ExchangeID) -> Set<String> {
        Set(MarketPrices.markets(on: exchange).flatMap { [$0.canonicalBase, $0.canonicalQuote] })
    }

    /// Calls `quotes` on `client` for `assets` and checks the answer against the sandbox's own markets and prices:
    /// exactly the listed markets whose two assets are asked for, each with the canonical assets and the price
    /// `MarketPrices` gives for the minute of the request or the one after it (a request may straddle a minute).
    static func expectSandboxQuotes(_ client: any MarketDataClient, assets: Set<String>,
                                    marketList: [String: MarketPair] = [:]) async throws -> [MarketQuote] {
        let exchange = client.exchange
        let before = Date()
        let quotes = try await client.quotes(for: assets, marketList: marketList)
        let after = Date()
        let expected = MarketPrices.markets(on: exchange).filter {
            assets.contains($0.canonicalBase) && assets.contains($0.canonicalQuote)
        }
        #expect(Set(quotes.map(\.market)) == Set(expected.map(\.id)), "\(exchange): \(quotes.map(\.market))")
        #expect(quotes.count == expected.count, "\(exchange): a market was returned twice")
        for market in expected {
            guard let quote = quotes.first(where: { $0.market == market.id }) else { continue }
            #expect(quote.base == market.canonicalBase && quote.quote == market.canonicalQuote, "\(quote)")
            let allowed = [MarketPrices.price(of: market, on: exchange, at: before),
                           MarketPrices.price(of: market, on: exchange, at: after)]
            #expect(allowed.contains(quote.price), "\(exchange) \(market.id): \(quote.price) not in \(allowed)")
            #expect(quote.asOf > before.addingTimeInterval(-5) && quote.asOf < after.addingTimeInterval(5))
            #expect(!quote.raw.isEmpty && quote.raw.utf8.count <= TickerRow.rawLimit)
        }
        return quotes
    }

    /// Hostile ticker rows every reader must survive, as JSON objects built around `row`, which turns a
    /// (market, price) pair into one row of the exchange's shape (`price` is raw JSON text, quotes included).
    static func hostileRows(_ row: (String, String) -> String) -> [String] {
        let prices = ["\"NaN\"", "\"-1\"", "\"0\"", "\"0.000\"", "\"1e400\"", "\"1e-400\"", "null", "true", "[]", "{}",
                      "\"\"", "\"   \"", "\"0x10\"", "\"Infinity\"", "\"12,5\"",
                      "\"" + String(repeating: "9", count: 300) + "\"", "-5", "1e999"]
        return prices.map { row("BTC-EUR", $0) }
    }

    /// A body of `count` copies of `row` joined as a JSON array (for the 10^5-row case).
    static func manyRows(_ row: String, count: Int) -> String {
        "[" + Array(repeating: row, count: count).joined(separator: ",") + "]"
    }

    /// Runs `parse` on `body` and checks it either read it (any quotes it returns are well-formed) or refused it
    /// with `bad_response`; never any other outcome.
    static func expectSurvives(_ body: String, _ parse: (HTTPResult) throws -> [MarketQuote]) {
        do {
            for quote in try parse(answer(body)) {
                #expect(DecimalString.canonical(quote.price) == quote.price && !quote.price.hasPrefix("-")
                            && quote.price != "0", "\(quote.price) from \(body.prefix(200))")
                #expect(quote.raw.utf8.count <= TickerRow.rawLimit)
            }
        } catch let error as ExchangeError {
            #expect(error.code == .badResponse, "\(error) for \(body.prefix(200))")
        } catch {
            Issue.record("unexpected \(error) for \(body.prefix(200))")
        }
    }

    /// Sets the `marketDown` knob of `exchange` on the sandbox.
    static func setMarketDown(_ h: SandboxHarness, _ exchange: ExchangeID) async throws {
        var faults = Faults()
        faults.marketDown = true
        try await h.update(exchange, FixtureUpdate(exchangeFaults: faults))
    }

    /// A configuration aimed at the sandbox whose budget records reservations.
    static func configuration(_ h: SandboxHarness, budget: RecordingBudget = RecordingBudget()) -> ExchangeConfiguration {
        var configuration = h.sandbox.configuration(timeout: 10)
        configuration.budget = budget
        return configuration
    }
}
