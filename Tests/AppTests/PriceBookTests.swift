import Foundation
import Testing
import Exchanges
@testable import App

/// The conversion rule's tie-breaks, the book's refusals, the currency codes, and a portfolio of the size
/// `GET /portfolio` serves (5 connections × 60 assets against ~3,000 markets).
@Suite struct PriceBookTests {
    typealias F = ValuationFixtures

    @Test func theHoldingsExchangeWinsATie() throws {
        let book = PriceBook(quotes: [
            F.quote("kraken", "XXBTZUSD", "BTC", "USD", "64000"),
            F.quote("coinbase", "BTC-USD", "BTC", "USD", "64010"),
        ])
        #expect(book.unitPrice(of: "BTC", in: .usd, preferring: "kraken")?.price == "64000")
        #expect(book.unitPrice(of: "BTC", in: .usd, preferring: "coinbase")?.price == "64010")
        // Neither is the holding's exchange and both are as fresh: exchange id ascending, coinbase first.
        #expect(book.unitPrice(of: "BTC", in: .usd, preferring: "binance")?.source == "coinbase:BTC-USD")
    }

    @Test func fresherOldestLegWinsBeforeExchangeOrder() throws {
        let book = PriceBook(quotes: [
            F.quote("kraken", "XXBTZUSD", "BTC", "USD", "64000", age: 10),
            F.quote("coinbase", "BTC-USD", "BTC", "USD", "64010", age: 120),
        ])
        #expect(book.unitPrice(of: "BTC", in: .usd, preferring: "binance")?.source == "kraken:XXBTZUSD")
    }

    @Test func bridgeOrderBreaksTiesAmongPathsOfOneLength() throws {
        // SOL reaches USD through USDT, USDC and BTC, all on other exchanges than the holding's; the BTC path is
        // the freshest, but bridge order (USD, USDT, USDC, BTC) comes first: SOL→USDT→USD.
        let book = PriceBook(quotes: [
            F.quote("kucoin", "SOL-BTC", "SOL", "BTC", "0.0023", age: 1),
            F.quote("kraken", "XXBTZUSD", "BTC", "USD", "64000", age: 1),
            F.quote("kucoin", "SOL-USDC", "SOL", "USDC", "150", age: 300),
            F.quote("kraken", "USDCUSD", "USDC", "USD", "1", age: 300),
            F.quote("kucoin", "SOL-USDT", "SOL", "USDT", "149", age: 600),
            F.quote("kraken", "USDTZUSD", "USDT", "USD", "1.0002", age: 600),
        ])
        let price = try #require(book.unitPrice(of: "SOL", in: .usd, preferring: "okx"))
        #expect(price.path == ["SOL", "USDT", "USD"])
        // 149 × 1.0002 = 149.0298
        #expect(price.price == "149.0298")
        // A direct market, however old, beats every two-leg path.
        let direct = PriceBook(quotes: book.quotes + [F.quote("kraken", "SOLUSD", "SOL", "USD", "151", age: 3600)])
        #expect(direct.unitPrice(of: "SOL", in: .usd, preferring: "okx")?.path == ["SOL", "USD"])
    }

    @Test func onlyBridgesMayBeIntermediate() {
        // ABC→ETH→USD would be two legs, but ETH is not a bridge.
        let book = PriceBook(quotes: [
            F.quote("kraken", "ABCETH", "ABC", "ETH", "0.01"),
            F.quote("kraken", "XETHZUSD", "ETH", "USD", "3000"),
        ])
        #expect(book.unitPrice(of: "ABC", in: .usd, preferring: "kraken") == nil)
    }

    @Test func noPathLongerThanThreeLegs() {
        // DOGE→BTC→USDT→USD→EUR would need four legs.
        let book = PriceBook(quotes: [
            F.quote("binance", "DOGEBTC", "DOGE", "BTC", "0.000002"),
            F.quote("binance", "BTCUSDT", "BTC", "USDT", "64000"),
            F.quote("kraken", "USDTZUSD", "USDT", "USD", "1"),
            F.quote("kraken", "ZEURZUSD", "EUR", "USD", "1.08"),
        ])
        #expect(book.unitPrice(of: "DOGE", in: .eur, preferring: "binance") == nil)
        #expect(book.unitPrice(of: "DOGE", in: .usd, preferring: "binance")?.path == ["DOGE", "BTC", "USDT", "USD"])
    }

    @Test func unusableQuotesAreSkipped() {
        let book = PriceBook(quotes: [
            F.quote("kraken", "A", "AAA", "USD", "0"),
            F.quote("kraken", "B", "BBB", "USD", "-1"),
            F.quote("kraken", "C", "CCC", "USD", "abc"),
            F.quote("kraken", "D", "USD", "USD", "1"),
            F.quote("kraken", "E", "", "USD", "1"),
            F.quote("kraken", "F", "FFF", "USD", "2.50"),
        ])
        #expect(book.skipped == 5)
        #expect(book.count == 1)
        #expect(book.unitPrice(of: "AAA", in: .usd, preferring: nil) == nil)
        #expect(book.unitPrice(of: "FFF", in: .usd, preferring: nil)?.price == "2.5")
    }

    @Test func currencyCodes() {
        #expect(ValuationCurrency(code: "EUR") == .eur)
        #expect(ValuationCurrency(code: "BTC") == .btc)
        for bad in ["eur", " EUR", "XBT", "", "USDT", "EURO"] { #expect(ValuationCurrency(code: bad) == nil) }
        #expect(ValuationCurrency.default == .usd)
        #expect(ValuationCurrency.usd.displayFractionDigits == 2)
        #expect(ValuationCurrency.jpy.displayFractionDigits == 0)
        #expect(ValuationCurrency.btc.displayFractionDigits == 8)
    }

    @Test func aPortfolioOfTheServedSize() throws {
        // 3,000 markets: asset Ni against USDT on 5 exchanges plus filler pairs; 5 connections × 60 assets.
        let exchanges = ["binance", "kraken", "okx", "bybit", "kucoin"]
        var quotes: [PriceQuote] = [F.quote("kraken", "USDTZUSD", "USDT", "USD", "1.0002")]
        for asset in 0..<60 {
            for exchange in exchanges {
                quotes.append(F.quote(exchange, "N\(asset)USDT", "N\(asset)", "USDT", "\(asset + 1).5"))
            }
        }
        for filler in 0..<(3000 - quotes.count) {
            quotes.append(F.quote("binance", "X\(filler)Y\(filler)", "X\(filler)", "Y\(filler)", "1.1"))
        }
        #expect(quotes.count == 3000)
        let holdings = exchanges.flatMap { exchange in
            (0..<60).map { F.holding("c-\(exchange)", exchange, "N\($0)", "2") }
        }
        let result = Valuation.value(holdings: holdings, book: PriceBook(quotes: quotes), currency: .usd, now: F.now)
        #expect(result.pricedCount == 60)
        #expect(result.unpricedCount == 0)
        // Each connection holds 2 × Σ (k + 0.5) × 1.0002 for k = 1…60 = 2 × 1860 × 1.0002 = 3720.744;
        // five connections: 18603.72.
        #expect(result.connections.map(\.subtotal.value) == Array(repeating: "3720.744", count: 5))
        #expect(result.total == "18603.72")
        // Each row took its own exchange's market.
        #expect(result.holdings.allSatisfy { $0.price?.legs.first?.exchange == $0.holding.exchange })
    }

    @Test func inverseRatesKeepEighteenSignificantDigits() {
        #expect(PriceBook.inverseRate(of: "0.5") == "2")
        // 1/3 at 18 decimals; 1/90000 at 17 + 5 = 22 decimals: 18 significant digits either way.
        #expect(PriceBook.inverseRate(of: "3") == "0.333333333333333333")
        #expect(PriceBook.inverseRate(of: "90000") == "0.0000111111111111111111")
        // 1/0.0003 = 3333.33… at 18 decimals (more than 18 significant digits for a price below 1).
        #expect(PriceBook.inverseRate(of: "0.0003") == "3333.333333333333333333")
    }

    @Test func aLongProductIsRoundedAtThirtySixDecimals() throws {
        // JPY→USD is 1/151.234 at 17 + 3 = 20 decimals, USD→EUR is 1/1.08 at 18: their exact product has 38
        // decimals, so the price is that product rounded half-even at 36.
        let book = PriceBook(quotes: [
            F.quote("kraken", "USDJPY", "USD", "JPY", "151.234"),
            F.quote("kraken", "ZEURZUSD", "EUR", "USD", "1.08"),
        ])
        let price = try #require(book.unitPrice(of: "JPY", in: .eur, preferring: "kraken"))
        let first = try #require(PriceBook.inverseRate(of: "151.234"))
        let second = try #require(PriceBook.inverseRate(of: "1.08"))
        #expect(first.count == "0.".count + 20)
        let exact = try #require(DecimalString.multiply(first, second))
        #expect(exact.count > "0.".count + 36)
        #expect(price.price == DecimalString.rounded(exact, fractionDigits: 36))
        #expect(price.legs.map(\.inverse) == [true, true])
    }
}
