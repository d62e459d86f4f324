import Foundation

/// Every Bybit endpoint a read calls, with the per-UID limit that Bybit publishes for it (exchanges-okx-bybit-
/// bitvavo.md §B.7: per UID, per second, per endpoint; all of them also count against the 600-per-5-s IP limit).
struct BybitEndpoint: Sendable, Equatable {
    /// Production path, without query.
    let path: String
    /// Requests per second per UID for this endpoint (§B.7).
    let perSecond: Int

    /// `GET /v5/market/time` (public; only the IP limit applies, so its UID limit is not used).
    static let time = BybitEndpoint(path: "/v5/market/time", perSecond: 50)
    /// `GET /v5/account/info`: 50/s (§B.7).
    static let accountInfo = BybitEndpoint(path: "/v5/account/info", perSecond: 50)
    /// `GET /v5/account/wallet-balance`: 50/s (§B.2, §B.7).
    static let walletBalance = BybitEndpoint(path: "/v5/account/wallet-balance", perSecond: 50)
    /// `GET /v5/asset/transfer/query-account-coins-balance`: **5/s** (§B.2, §B.7).
    static let fundBalance = BybitEndpoint(path: "/v5/asset/transfer/query-account-coins-balance", perSecond: 5)
    /// `GET /v5/asset/asset-overview`: 50/s (§B.2, §B.7).
    static let assetOverview = BybitEndpoint(path: "/v5/asset/asset-overview", perSecond: 50)
    /// `GET /v5/user/query-api`: 10/s (§B.5, §B.7).
    static let keyInfo = BybitEndpoint(path: "/v5/user/query-api", perSecond: 10)
    /// `GET /v5/earn/position`: §B.7 states no limit for it (UNVERIFIED), so the smallest published per-UID limit,
    /// 5/s, is assumed: too low a guess only slows a sync, too high a guess earns 10006.
    static let earnPosition = BybitEndpoint(path: "/v5/earn/position", perSecond: 5)
}

extension BybitEndpoint {
    /// The per-UID budget one signed call to this endpoint spends from: a scope per key and endpoint with this
    /// endpoint's limit in a one-second window (§B.7). Counted per key: a key belongs to one UID.
    func uidCost(in configuration: ExchangeConfiguration, apiKey: String) -> RequestCost {
        let policy = BudgetPolicy(limit: perSecond, refill: .window(milliseconds: 1_000))
        return RequestCost(pool: .bybitUID, scope: BudgetScope(.bybitUID, baseURL: configuration.baseURL(for: .bybit),
                                                               apiKey: apiKey, endpoint: path, policy: policy),
                           weight: 1)
    }

    /// The IP budget every Bybit request spends from: 600 per 5 s per IP across every Bybit host (§B.7), so the
    /// scope is named after the default host whatever region the request goes to.
    static func ipCost(in configuration: ExchangeConfiguration) -> RequestCost {
        configuration.cost(.bybitIP, weight: 1)
    }
}
