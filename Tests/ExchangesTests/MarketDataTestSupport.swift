import Foundation
import Sandbox
import Testing
@testable import Exchanges

/// A budget that grants like `InProcessRequestBudget` and remembers every granted reservation, so a test can see which
/// scope a market data request was charged to and with what weight.
final class GrantRecordingBudget: RequestBudget, @unchecked Sendable {
    // @unchecked: `charges` is read and written only while holding `lock`.
    private let lock = NSLock()
    private var charges: [(scope: String, weight: Int)] = []
    private let inner = InProcessRequestBudget()

    func reserve(_ weight: Int, in scope: BudgetScope, at now: Date) throws -> Reservation {
        let answer = try inner.reserve(weight, in: scope, at: now)
        // Only a grant is a charge: a refused reservation takes nothing and the client waits and asks again.
        if answer == .go { lock.lock(); charges.append((scope.name, weight)); lock.unlock() }
        return answer
    }

    func record(_ feedback: BudgetFeedback, in scope: BudgetScope, at now: Date) throws {
        try inner.record(feedback, in: scope, at: now)
    }

    /// Every granted reservation so far, in order.
    var recorded: [(scope: String, weight: Int)] { lock.lock(); defer { lock.unlock() }; return charges }
}

/// Helpers of the market data tests.
enum MarketDataTest {
    /// The sandbox's configuration with a `GrantRecordingBudget`.
    static func configuration(_ h: SandboxHarness) -> (ExchangeConfiguration, GrantRecordingBudget) {
        var configuration = h.sandbox.configuration(timeout: 10)
        let budget = GrantRecordingBudget()
        configuration.budget = budget
        return (configuration, budget)
    }

    /// Sets the `marketDown` knob on `exchange`.
    static func setMarketDown(_ h: SandboxHarness, _ exchange: ExchangeID) async throws {
        var faults = Faults()
        faults.marketDown = true
        try await h.update(exchange, FixtureUpdate(exchangeFaults: faults))
    }

    /// An answer with `body`, as the transport hands it over.
    static func result(_ body: String, status: Int = 200, receivedAt: Date = Date()) -> HTTPResult {
        HTTPResult(status: status, headers: [:], body: Data(body.utf8), sentAt: receivedAt, receivedAt: receivedAt)
    }

    /// Every canonical asset `exchange`'s sandbox markets trade.
    static func allAssets(_ exchange: ExchangeID) -> Set<String> {
        Set(MarketPrices.markets(on: exchange).flatMap { [$0.canonicalBase, $0.canonicalQuote] })
    }

    /// Checks `quotes` against the sandbox's markets of `exchange` whose assets are both in `assets`: exactly
    /// those markets, each with its canonical assets and the price `MarketPrices` gives at `before` or `after`
    /// (a request may straddle a minute boundary).
    static func expectMatchesSandbox(_ quotes: [MarketQuote], _ exchange: ExchangeID, assets: Set<String>,
                                     before: Date, after: Date) {
        let expected = MarketPrices.markets(on: exchange)
            .filter { assets.contains($0.canonicalBase) && assets.contains($0.canonicalQuote) }
        #expect(Set(quotes.map(\.market)) == Set(expected.map(\.id)), "\(exchange): \(quotes.map(\.market))")
        #expect(quotes.count == expected.count)
        for market in expected {
            guard let quote = quotes.first(where: { $0.market == market.id }) else { continue }
            let prices = [before, after].map { MarketPrices.price(of: market, on: exchange, at: $0) }
            #expect(prices.contains(quote.price), "\(market.id): \(quote.price) not in \(prices)")
            #expect(quote.base == market.canonicalBase && quote.quote == market.canonicalQuote)
            #expect(quote.asOf >= before.addingTimeInterval(-1) && quote.asOf <= after.addingTimeInterval(1))
            #expect(!quote.raw.isEmpty && quote.raw.utf8.count <= 1024)
        }
    }

    /// Hostile bodies every market data parser must survive: each either throws `bad_response` or yields only
    /// quotes with a canonical price above zero.
    static let hostileBodies: [String] = [
        "", "null", "[]", "{}", "\"text\"", "42", "[null]", "{\"result\":null}", "<html>502</html>",
        "[" + String(repeating: "9", count: 200) + "]",
        "{\"a\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}",
        // Nesting far deeper than any parser's stack should follow: refused, not a stack overflow.
        String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000),
    ]

    /// Bad prices: each must make its row be skipped.
    static let badPrices: [String] = [
        "null", "0", "\"0\"", "\"-1\"", "\"NaN\"", "\"Infinity\"", "\"1e999999\"", "\"0x10\"", "\" 1\"", "\"\"",
        "1.5", "true", "[\"1\"]", "\"" + String(repeating: "9", count: 300) + "\"",
    ]

    /// Runs `body` and checks it either threw `bad_response` or produced only well-formed quotes.
    static func expectSafe(_ label: String, _ body: () throws -> [MarketQuote]) {
        do {
            for quote in try body() {
                #expect(DecimalString.canonical(quote.price) == quote.price && !quote.price.hasPrefix("-")
                        && !DecimalString.isZero(quote.price), "\(label): \(quote.price)")
            }
        } catch let error as ExchangeError {
            #expect(error.code == .badResponse, "\(label): \(error)")
        } catch {
            Issue.record("\(label): \(error)")
        }
    }
}
