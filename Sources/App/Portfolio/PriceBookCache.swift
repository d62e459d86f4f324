import Foundation

/// The price book built from the stored quotes, kept by the process until the quotes change: building it from
/// ~3,000 markets takes milliseconds, and the quotes change once a timer run (a minute) at most, while
/// `GET /portfolio` may be asked many times a second.
///
/// `@unchecked Sendable`: `current` is only touched under `lock` (an `NSLock`: see `ParsedTextCache`).
final class PriceBookCache: @unchecked Sendable {
    private let lock = NSLock()
    private var current: (version: String, book: PriceBook)?

    /// The book of `version` (`PortfolioInputs.quotesVersion`): the cached one when the version matches, else
    /// `load()`'s quotes made into a book and kept.
    func book(version: String, load: () throws -> [QuoteStore.StoredQuote]) rethrows -> PriceBook {
        if let cached = lock.withLock({ current }), cached.version == version { return cached.book }
        let book = PriceBook(quotes: try load().map(Self.priceQuote))
        lock.withLock { current = (version, book) }
        return book
    }

    /// A stored quote as the valuation reads it.
    static func priceQuote(_ stored: QuoteStore.StoredQuote) -> PriceQuote {
        PriceQuote(exchange: stored.exchange, market: stored.market, base: stored.base, quote: stored.quote,
                   price: stored.price, asOf: stored.asOf)
    }
}
