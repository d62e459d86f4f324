import Foundation

extension BinanceEndpoint {
    /// One call's cost in `configuration`'s request budget: `/api` endpoints share the IP's `binanceAPI` scope,
    /// each `/sapi` endpoint has a `binanceSAPI` scope of its own (exchanges.md §7.7).
    func cost(in configuration: ExchangeConfiguration) -> RequestCost {
        switch budget {
        case .apiIP: return configuration.cost(.binanceAPI, weight: weight)
        case .sapiIP: return configuration.cost(.binanceSAPI, weight: weight, endpoint: path)
        }
    }
}
