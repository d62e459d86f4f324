import Foundation
import Synchronization

/// The price book built from the stored quotes, kept by the process until the quotes change: building it from
/// ~3,000 markets takes milliseconds, and the quotes change once a timer run (a minute) at most, while
/// `GET /portfolio` may be asked many times a second.
final class PriceBookCache: Sendable {
    private let current = Mutex<(version: String, book: PriceBook)?>(nil)

    /// The book of `version` (`PortfolioInputs.quotesVersion`): the cached one when the version matches, else
    /// `load()`'s quotes made into a book and kept.
    func book(version: String, load: () throws -> [QuoteStore.StoredQuote]) rethrows -> PriceBook {
        if let cached = current.withLock({ $0 }), cached.version == version { return cached.book }
        let book = PriceBook(quotes: try load().map(Self.priceQuote))
        current.withLock { $0 = (version, book) }
        return book
    }

    /// A stored quote as the valuation reads it.
    static func priceQuote(_ stored: QuoteStore.StoredQuote) -> PriceQuote {
        PriceQuote(exchange: stored.exchange, market: stored.market, base: stored.base, quote: stored.quote,
                   price: stored.price, asOf: stored.asOf)
    }
}
