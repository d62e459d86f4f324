import Exchanges
import Foundation

/// Binance's keyless market data (exchanges.md §11.1): `GET /api/v3/exchangeInfo` and `GET /api/v3/ticker/price`
/// over the markets of `MarketPrices`, with the `symbol` / `symbols` forms and their error bodies, and
/// `exchangeInfo`'s `symbolStatus` / `showPermissionSets` (developers.binance.com Spot API "General endpoints").
/// No key, no signature; both count against REQUEST_WEIGHT like every `/api` call (`BinanceSimulator.weight`).
extension BinanceSimulator {
    /// The market data paths (the `marketDown` knob turns exactly these into a 503).
    static let marketPaths: Set<String> = ["/api/v3/exchangeInfo", "/api/v3/ticker/price"]

    func isMarketData(_ path: String) -> Bool { Self.marketPaths.contains(path) }

    /// Documented weights (§7.7, §11): account and exchangeInfo 20; the price ticker 2 for one `symbol`, 4 for
    /// all or a `symbols` list; everything else 1.
    static func weight(_ request: ServerRequest) -> Int {
        switch request.path {
        case "/api/v3/account", "/api/v3/exchangeInfo": return 20
        case "/api/v3/ticker/price": return ServerRequest.parameters(request.query)["symbol"] != nil ? 2 : 4
        default: return 1
        }
    }

    /// The answer to a market data request.
    func market(_ request: ServerRequest, state: SandboxState) -> ServerResponse {
        let now = state.serverNowMs(.binance)
        let chosen: ([MarketPrices.Market], Bool)
        switch Self.selection(ServerRequest.parameters(request.query)) {
        case .failure(let refusal): return refusal.response
        case .success(let selection): chosen = selection
        }
        let (markets, single) = chosen
        if request.path == "/api/v3/exchangeInfo" {
            let parameters = ServerRequest.parameters(request.query)
            // Every sandbox market trades: a `symbolStatus` of HALT or BREAK lists none.
            switch parameters["symbolStatus"] {
            case nil, "TRADING": break
            case "HALT", "BREAK": return Self.exchangeInfo([], now: now)
            default: return body(400, -1100, "Illegal characters found in parameter 'symbolStatus'; legal range is " +
                                 "'TRADING, HALT, BREAK'.")
            }
            let sets = parameters["showPermissionSets"] != "false"
            return Self.exchangeInfo(markets.map { Self.symbolInfo($0, permissionSets: sets) }, now: now)
        }
        let date = Date(timeIntervalSince1970: Double(now) / 1000)
        let rows = markets.map { ["symbol": $0.id, "price": MarketPrices.price(of: $0, on: .binance, at: date)] }
        return single ? .json(200, object: rows[0]) : .json(200, object: rows)
    }

    /// An `exchangeInfo` answer listing `symbols`.
    private static func exchangeInfo(_ symbols: [[String: Any]], now: Int64) -> ServerResponse {
        .json(200, object: [
            "timezone": "UTC", "serverTime": now, "exchangeFilters": [Any](), "symbols": symbols,
            "rateLimits": [["rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1,
                            "limit": publishedWeightLimit]],
        ])
    }

    /// The markets a request names: all of them, one `symbol` (answered as one object), or a `symbols` JSON
    /// array; Binance's error for an unknown symbol (`-1121`, §11.1), a malformed list or both parameters at once
    /// (`-1100`, `-1128`: codes of Binance's error list, not verified in exchanges.md [A]).
    static func selection(_ parameters: [String: String]) -> Result<([MarketPrices.Market], Bool), Refusal> {
        let all = MarketPrices.markets(on: .binance)
        let simulator = BinanceSimulator()
        let invalid = Refusal(simulator.body(400, -1121, "Invalid symbol."))
        switch (parameters["symbol"], parameters["symbols"]) {
        case (nil, nil):
            return .success((all, false))
        case (.some, .some):
            return .failure(Refusal(simulator.body(400, -1128, "Combination of optional parameters invalid.")))
        case (.some(let symbol), nil):
            guard let market = all.first(where: { $0.id == symbol }) else { return .failure(invalid) }
            return .success(([market], true))
        case (nil, .some(let list)):
            guard let names = (try? JSONSerialization.jsonObject(with: Data(list.utf8))) as? [String], !names.isEmpty
            else {
                return .failure(Refusal(simulator.body(400, -1100, "Illegal characters found in parameter 'symbols'; " +
                    "legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.")))
            }
            var chosen: [MarketPrices.Market] = []
            for name in names {
                guard let market = all.first(where: { $0.id == name }) else { return .failure(invalid) }
                chosen.append(market)
            }
            return .success((chosen, false))
        }
    }

    /// One `symbols[]` row of `exchangeInfo`, with the fields a client reads and a few it does not;
    /// `permissionSets` empty when the request said `showPermissionSets=false`.
    private static func symbolInfo(_ market: MarketPrices.Market, permissionSets: Bool) -> [String: Any] {
        [
            "symbol": market.id, "status": "TRADING", "baseAsset": market.base, "baseAssetPrecision": 8,
            "quoteAsset": market.quote, "quotePrecision": 8, "quoteAssetPrecision": 8,
            "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET"], "icebergAllowed": true, "ocoAllowed": true,
            "isSpotTradingAllowed": true, "isMarginTradingAllowed": false, "filters": [Any](),
            "permissions": [String](), "permissionSets": permissionSets ? [["SPOT"]] : [[String]](),
            "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        ]
    }
}
