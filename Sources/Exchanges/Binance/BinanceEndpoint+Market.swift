extension BinanceEndpoint {
    /// `GET /api/v3/exchangeInfo` without a symbol: every symbol with its base and quote asset, weight 20, `/api`
    /// IP budget (exchanges.md §11.1 "Exchange information").
    public static let exchangeInfo = BinanceEndpoint(method: "GET", path: "/api/v3/exchangeInfo", weight: 20,
                                                     budget: .apiIP)
    /// `GET /api/v3/ticker/price` without `symbol`: the last price of every symbol, weight 4 (2 for one symbol,
    /// 4 for all or a list), `/api` IP budget (exchanges.md §11 table, §11.1 "Symbol price ticker").
    public static let tickerPrice = BinanceEndpoint(method: "GET", path: "/api/v3/ticker/price", weight: 4,
                                                    budget: .apiIP)
}
