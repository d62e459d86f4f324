import Exchanges
import Foundation

/// OKX's public market data as the sandbox serves it, on every regional host: `GET /api/v5/market/tickers` and
/// `GET /api/v5/market/ticker`, rows in the docs' shape (`{instType, instId, last, …, ts}`, all strings), prices
/// from `MarketPrices` for the current minute (OKXMarketData.swift names the docs read).
///
/// The sandbox lists spot markets only: `instType=SPOT` gives every one of them, the other documented types an
/// empty `data`, a missing or unknown type OKX's parameter error 51000 (HTTP 400, "Parameter {param0} error" in
/// the OKX error table); an `instId` the sandbox does not list gets 51001 "Instrument ID doesn't exist" (HTTP 200,
/// same table).
enum OKXMarketBodies {
    /// All tickers of one instrument type.
    static let tickersPath = "/api/v5/market/tickers"
    /// One instrument's ticker.
    static let tickerPath = "/api/v5/market/ticker"
    /// The instrument types `tickers` accepts (OKX docs, get tickers).
    static let instrumentTypes: Set<String> = ["SPOT", "SWAP", "FUTURES", "OPTION"]

    /// The answer to `path` (one of the two above) with `query`, at `now`, `ts` being the exchange's clock.
    static func answer(path: String, query: String, now: Date, serverMs: Int64) -> ServerResponse {
        let parameters = ServerRequest.parameters(query)
        let markets = MarketPrices.markets(on: .okx)
        if path == tickerPath {
            guard let id = parameters["instId"], !id.isEmpty else { return parameterError("instId") }
            guard let market = markets.first(where: { $0.id == id }) else {
                return OKXSimulator.error(200, "51001", "Instrument ID doesn't exist.")
            }
            return success([row(market, now: now, serverMs: serverMs)])
        }
        guard let type = parameters["instType"], instrumentTypes.contains(type) else {
            return parameterError("instType")
        }
        return success(type == "SPOT" ? markets.map { row($0, now: now, serverMs: serverMs) } : [])
    }

    /// 51000 naming `parameter`.
    private static func parameterError(_ parameter: String) -> ServerResponse {
        OKXSimulator.error(400, "51000", "Parameter \(parameter) error")
    }

    /// `{"code":"0","msg":"","data":rows}`.
    private static func success(_ rows: [[String: Any]]) -> ServerResponse {
        .json(200, object: ["code": "0", "msg": "", "data": rows])
    }

    /// One spot ticker row.
    private static func row(_ market: MarketPrices.Market, now: Date, serverMs: Int64) -> [String: Any] {
        let price = MarketPrices.price(of: market, on: .okx, at: now)
        return [
            "instType": "SPOT", "instId": market.id, "last": price, "lastSz": "0.01", "askPx": price, "askSz": "1",
            "bidPx": price, "bidSz": "1", "open24h": price, "high24h": price, "low24h": price, "volCcy24h": "1000",
            "vol24h": "10", "sodUtc0": price, "sodUtc8": price, "ts": String(serverMs),
        ]
    }
}
