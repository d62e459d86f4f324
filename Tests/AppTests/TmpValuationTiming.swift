import Foundation
import Testing
@testable import App

@Suite struct TmpValuationTiming {
    @Test func timing() {
        typealias F = ValuationFixtures
        let exchanges = ["binance", "kraken", "okx", "bybit", "kucoin"]
        var quotes: [PriceQuote] = [F.quote("kraken", "USDTZUSD", "USDT", "USD", "1.0002"), F.quote("kraken", "ZEURZUSD", "EUR", "USD", "1.08")]
        for asset in 0..<60 { for exchange in exchanges { quotes.append(F.quote(exchange, "N\(asset)USDT", "N\(asset)", "USDT", "\(asset + 1).5")) } }
        for filler in 0..<(3000 - quotes.count) { quotes.append(F.quote("binance", "X\(filler)USDT", "X\(filler)", "USDT", "1.1")) }
        let holdings = exchanges.flatMap { exchange in (0..<60).map { F.holding("c-\(exchange)", exchange, "N\($0)", "2.123456") } }
        var t = Date()
        let book = PriceBook(quotes: quotes)
        print("book", Date().timeIntervalSince(t) * 1000, "ms")
        for currency in [ValuationCurrency.usd, .eur] {
            t = Date()
            for _ in 0..<10 { _ = Valuation.value(holdings: holdings, book: book, currency: currency, now: F.now) }
            print("value", currency, Date().timeIntervalSince(t) * 100, "ms each")
        }
    }
}
