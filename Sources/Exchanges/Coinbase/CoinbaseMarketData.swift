import Foundation

/// Coinbase Advanced Trade's keyless market data (exchanges.md §11.3): `GET /api/v3/brokerage/market/products`
/// with `product_type=SPOT`, no JWT, each page one request of the per-IP public allowance
/// (`BudgetPool.coinbasePublic`). Every product row names its assets (`base_currency_id`, `quote_currency_id`)
/// and carries its `price`, so no market list is needed.
///
/// Paging: `limit` = `pageSize` (250) and `offset`, until `offset` reaches `num_products`, a page comes back empty or
/// short, or `maxPages` pages were read. The largest `limit` Coinbase accepts is not documented in a source we
/// could read (coinbase-advanced-py `rest/public.py` `get_public_products` only names the parameters), so the
/// 250 of the accounts listing (`ExchangeConfiguration.coinbasePageLimit`) is used: Coinbase lists under a
/// thousand spot products, a few requests per timer run.
struct CoinbaseMarketData: MarketDataClient {
    let configuration: ExchangeConfiguration
    /// Products asked for per page (`defaultPageSize`; smaller in tests of the paging).
    var pageSize = CoinbaseMarketData.defaultPageSize

    /// Products asked for per page by default.
    static let defaultPageSize = 250
    /// Most pages read per call (`defaultMaxPages`; smaller in tests of the bound).
    var maxPages = CoinbaseMarketData.defaultMaxPages

    /// Most pages read per call by default (20 × 250 = 5,000 products): an answer that never ends cannot loop
    /// for ever. The products of the pages read are used; the rest of a longer listing is not priced.
    static let defaultMaxPages = 20

    var exchange: ExchangeID { .coinbase }
    var needsMarketList: Bool { false }

    /// One page: its product rows and `num_products` when the answer has it.
    struct Page {
        let rows: [[String: Any]]
        let total: Int?
        let receivedAt: Date
    }

    /// Every tradable spot product as a market (the same pages as `quotes`).
    func pairs() async throws -> [MarketPair] {
        MarketAnswer.unique(try await pages().flatMap { page in page.rows.compactMap { Self.pair($0) } })
    }

    /// The price of every tradable spot product whose assets are both in `assets`; `marketList` is not used.
    /// `asOf` is when the product's page arrived: the rows carry no time.
    func quotes(for assets: Set<String>, marketList: [String: MarketPair]) async throws -> [MarketQuote] {
        MarketAnswer.filtered(try await pages().flatMap(Self.quotes(in:)), assets: assets)
    }

    private func pages() async throws -> [Page] {
        var pages: [Page] = []
        var offset = 0
        while pages.count < maxPages {
            let query = "product_type=SPOT&limit=\(pageSize)&offset=\(offset)"
            let result = try await configuration.send(
                "GET", try ResponseSupport.url(configuration.baseURL(for: .coinbase),
                                               path: "/api/v3/brokerage/market/products", query: query),
                cost: configuration.cost(.coinbasePublic, weight: RequestWeight.coinbaseRequest))
            if let error = CoinbaseErrors.classify(result) { throw error }
            let page = try Self.page(from: result)
            pages.append(page)
            offset += page.rows.count
            if page.rows.count < pageSize || offset >= (page.total ?? Int.max) { break }
        }
        return pages
    }

    /// A page of `{products:[…], num_products}`; `bad_response` when `products` is not an array. Rows that are
    /// not objects are dropped here.
    static func page(from result: HTTPResult) throws -> Page {
        guard let body = try MarketAnswer.json(result, exchange: .coinbase) as? [String: Any],
              let products = body["products"] as? [Any] else {
            throw ExchangeError(.badResponse, exchange: .coinbase, detail: "products listing without products")
        }
        // `num_products` arrives as a number; anything else (or out of range) reads as unknown.
        let total = (body["num_products"] as? NSNumber).flatMap { Int(exactly: $0.doubleValue) }
        return Page(rows: products.compactMap { $0 as? [String: Any] }, total: total, receivedAt: result.receivedAt)
    }

    /// The market of a product row that can be traded now: `status` `online` and `trading_disabled` not true.
    static func pair(_ row: [String: Any]) -> MarketPair? {
        guard row["status"] as? String == "online", row["trading_disabled"] as? Bool != true,
              let id = MarketAnswer.identifier(row["product_id"]),
              let base = MarketAnswer.identifier(row["base_currency_id"]),
              let quote = MarketAnswer.identifier(row["quote_currency_id"]) else { return nil }
        return MarketPair(market: id, base: AssetNormalizer.normalize(base, on: .coinbase).asset,
                          quote: AssetNormalizer.normalize(quote, on: .coinbase).asset)
    }

    /// The quotes of one page, in answer order; rows that are not tradable or have no decimal price above zero
    /// are skipped.
    static func quotes(in page: Page) -> [MarketQuote] {
        page.rows.compactMap { row in
            guard let pair = pair(row), let price = MarketAnswer.price(row["price"]) else { return nil }
            return MarketQuote(market: pair.market, base: pair.base, quote: pair.quote, price: price,
                               asOf: page.receivedAt, raw: MarketAnswer.raw(row))
        }
    }
}
