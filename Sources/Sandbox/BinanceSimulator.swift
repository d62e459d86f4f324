import Exchanges
import Foundation
import Primitives

/// Binance spot: `/api/v3/time`, `/api/v3/ping`, signed `GET /api/v3/account` with the documented
/// timestamp/recvWindow rule and the `{"code","msg"}` error bodies of exchanges.md §1.4.
struct BinanceSimulator: ExchangeSimulator {
    var exchange: ExchangeID { .binance }

    func handle(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        switch (request.method, request.path) {
        case ("GET", "/api/v3/time"):
            return .response(.json(200, "{\"serverTime\":\(state.serverNowMs(.binance))}"))
        case ("GET", "/api/v3/ping"):
            return .response(.json(200, "{}"))
        case ("GET", "/api/v3/account"):
            return account(request, state: state)
        default:
            return notFound(request)
        }
    }

    private func error(_ status: Int, _ code: Int, _ message: String, headers: [(String, String)] = []) -> SimulatorOutcome {
        .response(body(status, code, message, headers: headers))
    }

    private func body(_ status: Int, _ code: Int, _ message: String, headers: [(String, String)] = []) -> ServerResponse {
        .json(status, object: ["code": code, "msg": message], headers: headers)
    }

    private func account(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        guard let key = request.headers["x-mbx-apikey"], !key.isEmpty,
              key.allSatisfy({ $0.isLetter || $0.isNumber })
        else { return error(401, -2014, "API-key format invalid.") }
        guard let account = state.account(.binance, apiKey: key) else {
            return error(401, -2015, "Invalid API-key, IP, or permissions for action.")
        }
        // totalParams is the query without the trailing signature parameter; the signature must come last.
        guard let range = request.query.range(of: "&signature=", options: .backwards) ?? request.query.range(of: "signature=")
        else { return error(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.") }
        let signed = String(request.query[..<range.lowerBound])
        let signature = String(request.query[range.upperBound...])
        let parameters = ServerRequest.parameters(signed)
        guard let timestampText = parameters["timestamp"], var timestamp = Int64(timestampText) else {
            return error(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.")
        }
        if timestamp > 100_000_000_000_000 { timestamp /= 1000 }  // microseconds are accepted too
        let recvWindow = parameters["recvWindow"].flatMap(Double.init) ?? 5000
        guard recvWindow <= 60000 else { return error(400, -1131, "recvWindow must be less than 60000") }
        let expected = Hex.encode(HMAC.authenticationCode(.sha256, for: signed, using: account.apiSecret))
        guard SimulatorSupport.equal(expected, signature.lowercased()) else {
            return error(400, -1022, "Signature for this request is not valid.")
        }
        let now = state.signedNowMs(.binance, account: account)
        if timestamp >= now + 1000 {
            return error(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.")
        }
        if Double(now - timestamp) > recvWindow {
            return error(400, -1021, "Timestamp for this request is outside of the recvWindow.")
        }
        let omitZero = parameters["omitZeroBalances"] == "true"
        return .authenticated(account) {
            let rows = SimulatorSupport.merged(account.balances, byWallet: false)
                .filter { !omitZero || !DecimalString.isZero($0.total) }
                .map { ["asset": $0.asset, "free": DecimalString.canonical($0.free) ?? $0.free,
                        "locked": DecimalString.canonical($0.lockedAmount) ?? $0.lockedAmount] }
            return .json(200, object: [
                "makerCommission": 10, "takerCommission": 10, "buyerCommission": 0, "sellerCommission": 0,
                "canTrade": account.canTrade ?? false, "canWithdraw": account.canWithdraw ?? false, "canDeposit": true,
                "brokered": false, "requireSelfTradePrevention": false, "updateTime": now, "accountType": "SPOT",
                "balances": rows, "permissions": ["SPOT"], "uid": 354937868,
            ])
        }
    }

    func rateLimited(retryAfter: Int) -> ServerResponse {
        body(429, -1003, "Too much request weight used; current limit is 6000 request weight per 1 MINUTE. " +
             "Please use WebSocket Streams for live updates to avoid polling the API.",
             headers: [("Retry-After", String(retryAfter))])
    }

    func ipRestricted(_ request: ServerRequest) -> ServerResponse {
        body(401, -2015, "Invalid API-key, IP, or permissions for action, request ip: \(request.remoteAddress)")
    }

    func permissionDenied() -> ServerResponse {
        body(401, -2015, "Invalid API-key, IP, or permissions for action.")
    }

    func serverError(_ status: Int) -> ServerResponse {
        body(status, -1001, "Internal error; unable to process your request. Please try again.")
    }
}
