import Exchanges
import Foundation
import Primitives

/// Binance: `/api/v3/time`, `/api/v3/ping`, signed `GET /api/v3/account`, the signed wallet endpoints of
/// `BinanceSimulator+Wallets.swift` (exchanges.md §7.1–§7.4), the public market data of
/// `BinanceSimulator+Market.swift` (§11.1), with the documented timestamp/recvWindow rule and
/// the `{"code","msg"}` error bodies of §1.4. Signatures are checked over the payload bytes exactly as sent
/// (§7.5), against the account's HMAC secret or registered public key.
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
        case ("GET", let path) where BinanceSimulator.marketPaths.contains(path):
            return .response(market(request, state: state))
        case let (method, path) where BinanceSimulator.walletPaths[path] != nil:
            // Another method on a wallet path is no endpoint at Binance: the sandbox's 404.
            guard method == BinanceSimulator.walletPaths[path]?.method else { return notFound(request) }
            return wallet(request, state: state)
        default:
            return notFound(request)
        }
    }

    /// The published REQUEST_WEIGHT per minute (exchanges.md §7.7).
    static let publishedWeightLimit = 6_000

    /// The limit in force: the `weightLimit` knob or the published one.
    static func weightLimit(_ state: SandboxState) -> Int {
        max(1, state.exchangeFaults(.binance).weightLimit ?? publishedWeightLimit)
    }

    /// Every `/api` request is charged to the minute; each answer carries `X-MBX-USED-WEIGHT-1M`, and past the
    /// limit the answer is 429 `-1003` with `Retry-After` until the next minute (§1.4, §7.7).
    func rateCharge(_ request: ServerRequest, state: SandboxState) -> RateCharge {
        guard request.path.hasPrefix("/api/") else { return RateCharge() }
        let limit = Self.weightLimit(state)
        let charge = state.chargeBinanceWeight(Self.weight(request), limit: limit)
        var result = RateCharge(headers: [("X-MBX-USED-WEIGHT-1M", String(charge.used))])
        if !charge.allowed {
            result.refusal = body(429, -1003, "Too much request weight used; current limit is \(limit) request weight " +
                                  "per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.",
                                  headers: [("Retry-After", String(charge.retryAfter))])
        }
        return result
    }

    func error(_ status: Int, _ code: Int, _ message: String, headers: [(String, String)] = []) -> SimulatorOutcome {
        .response(body(status, code, message, headers: headers))
    }

    func body(_ status: Int, _ code: Int, _ message: String, headers: [(String, String)] = []) -> ServerResponse {
        .json(status, object: ["code": code, "msg": message], headers: headers)
    }

    /// A signed request that passed Binance's checks: the account, the signed parameters, the server's now.
    struct Verified {
        let account: FixtureAccount
        let parameters: [String: String]
        let now: Int64
    }

    /// Binance's checks of a signed request, in its order: key header, known key, signature present, timestamp,
    /// recvWindow, signature, clock (exchanges.md §1.3, §1.4). The signed payload is the query before
    /// `&signature=` followed by the body, no separator (§1.2 "totalParams"). `.failure` carries the answer.
    func verify(_ request: ServerRequest, state: SandboxState) -> Result<Verified, Refusal> {
        guard let key = request.headers["x-mbx-apikey"], !key.isEmpty,
              key.allSatisfy({ $0.isLetter || $0.isNumber })
        else { return .failure(Refusal(body(401, -2014, "API-key format invalid."))) }
        guard let account = state.account(.binance, apiKey: key) else {
            return .failure(Refusal(body(401, -2015, "Invalid API-key, IP, or permissions for action.")))
        }
        // totalParams is the query without the trailing signature parameter; the signature must come last.
        guard let range = request.query.range(of: "&signature=", options: .backwards) ?? request.query.range(of: "signature=")
        else { return .failure(Refusal(body(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed."))) }
        let signed = String(request.query[..<range.lowerBound]) + String(decoding: request.body, as: UTF8.self)
        let signature = String(request.query[range.upperBound...])
        let parameters = ServerRequest.parameters(signed)
        guard let timestampText = parameters["timestamp"], var timestamp = Int64(timestampText) else {
            return .failure(Refusal(body(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.")))
        }
        if timestamp > 100_000_000_000_000 { timestamp /= 1000 }  // microseconds are accepted too
        let recvWindow = parameters["recvWindow"].flatMap(Double.init) ?? 5000
        guard recvWindow <= 60000 else { return .failure(Refusal(body(400, -1131, "recvWindow must be less than 60000"))) }
        guard BinanceSignatureCheck.isValid(signature, payload: signed, account: account) else {
            return .failure(Refusal(body(400, -1022, "Signature for this request is not valid.")))
        }
        let now = state.signedNowMs(.binance, account: account)
        if timestamp >= now + 1000 {
            return .failure(Refusal(body(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.")))
        }
        if Double(now - timestamp) > recvWindow {
            return .failure(Refusal(body(400, -1021, "Timestamp for this request is outside of the recvWindow.")))
        }
        return .success(Verified(account: account, parameters: parameters, now: now))
    }

    /// The answer to a request that failed `verify`.
    struct Refusal: Error {
        let response: ServerResponse
        init(_ response: ServerResponse) { self.response = response }
    }

    private func account(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        let verified: Verified
        switch verify(request, state: state) {
        case .success(let result): verified = result
        case .failure(let refusal): return .response(refusal.response)
        }
        let (account, parameters, now) = (verified.account, verified.parameters, verified.now)
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

    /// `"451"`: Binance's own answer to restricted countries and cloud regions, `code` 0 (exchanges.md §7.8).
    /// `"cdn403"`: the CloudFront country-block page seen in front of Binance hosts (python-binance#1413).
    func regionRestricted(_ form: String) -> ServerResponse? {
        switch form {
        case "451":
            return body(451, 0, "Service unavailable from a restricted location according to 'b. Eligibility' in " +
                        "https://www.binance.com/en/terms. Please contact customer service if you believe you " +
                        "received this message in error.")
        case "cdn403":
            return ServerResponse(
                status: 403,
                headers: [("Content-Type", "text/html"), ("Server", "CloudFront"), ("X-Cache", "Error from cloudfront")],
                body: Data(BinanceSimulator.cloudFrontCountryBlock.utf8))
        default:
            return nil
        }
    }

    /// CloudFront's geo-restriction page, as quoted in the reports above.
    static let cloudFrontCountryBlock = """
        <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
        <HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">
        <TITLE>ERROR: The request could not be satisfied</TITLE>
        </HEAD><BODY>
        <H1>403 ERROR</H1>
        <H2>The request could not be satisfied.</H2>
        <HR noshade size="1px">
        The Amazon CloudFront distribution is configured to block access from your country.
        We can't connect to the server for this app or website at this time. There might be too much traffic or \
        a configuration error. Try again later, or contact the app or website owner.
        <BR clear="all">
        <HR noshade size="1px">
        <PRE>
        Generated by cloudfront (CloudFront)
        Request ID: sandbox-region-block
        </PRE>
        <ADDRESS>
        </ADDRESS>
        </BODY></HTML>

        """
}
