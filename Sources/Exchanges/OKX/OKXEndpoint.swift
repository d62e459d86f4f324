/// Every OKX v5 endpoint Holdfast calls, with the request budget it spends from (exchanges-okx-bybit-bitvavo.md
/// §A.1, §A.4, §A.5, §A.7). All are `GET` without a query: a comma in a query must be signed exactly as sent
/// (§A.3), and reading whole lists needs none.
struct OKXEndpoint: Sendable, Equatable {
    /// The API path, signed as the request path (§A.3).
    let path: String
    /// The pool one call spends one unit of.
    let pool: BudgetPool

    /// Trading account balance, `data[0].details[]` (§A.1); 10 per 2 s per User ID.
    static let balance = OKXEndpoint(path: "/api/v5/account/balance", pool: .okxBalance)
    /// Funding account balance, `data[]` (§A.1); 6 per second per User ID.
    static let funding = OKXEndpoint(path: "/api/v5/asset/balances", pool: .okxFunding)
    /// Simple Earn flexible balance, `data[]` (§A.1); 6 per second per User ID.
    static let savings = OKXEndpoint(path: "/api/v5/finance/savings/balance", pool: .okxSavings)
    /// On-chain Earn active orders, `data[].investData[]` (§A.1); 3 per second per User ID.
    static let onchainOrders = OKXEndpoint(path: "/api/v5/finance/staking-defi/orders-active", pool: .okxOnchainOrders)
    /// Account configuration with the key's `perm` (§A.5); 5 per 2 s per User ID.
    static let config = OKXEndpoint(path: "/api/v5/account/config", pool: .okxConfig)
    /// Public system time, `data[0].ts` in ms as a string (§A.4); 10 per 2 s per IP.
    static let time = OKXEndpoint(path: "/api/v5/public/time", pool: .okxPublic)

    /// One call's cost in `configuration`'s budget: per key for private pools, per host for the public one.
    func cost(in configuration: ExchangeConfiguration, apiKey: String) -> RequestCost {
        configuration.cost(pool, weight: RequestWeight.okxRequest, apiKey: pool.isPerKey ? apiKey : nil)
    }
}
