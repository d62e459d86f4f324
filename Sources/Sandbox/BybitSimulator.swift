import Exchanges
import Foundation

/// Bybit v5 (exchanges-okx-bybit-bitvavo.md §B): X-BAPI-* headers checked by `BybitSignatureCheck`, the
/// recvWindow rule, every regional host on one port (`/<region>` prefix), and the real error bodies
/// `{"retCode":…,"retMsg":"…","result":{},"retExtInfo":{},"time":…}`. Account bodies: `BybitAccountBodies`; keyless
/// market list and tickers: `BybitMarketBodies`.
struct BybitSimulator: ExchangeSimulator {
    var exchange: ExchangeID { .bybit }

    /// Signed paths; anything else on the port (but the time) is 404.
    static let signedPaths: Set<String> = [
        BybitAccountBodies.accountInfoPath, BybitAccountBodies.walletBalancePath, BybitAccountBodies.fundPath,
        BybitAccountBodies.earnPath, BybitAccountBodies.overviewPath, BybitAccountBodies.keyInfoPath,
    ]

    /// The host a request was sent to (nil: the default, global host) and its API path: a first path segment
    /// naming a non-default Bybit region is that region's host (`SandboxServer.baseURL(for:region:)`).
    static func host(of path: String) -> (region: String?, path: String) {
        let parts = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        // "/nl/v5/…" splits into "", "nl/v5/…".
        guard parts.count == 2, parts[0].isEmpty else { return (nil, path) }
        let rest = parts[1]
        guard let slash = rest.firstIndex(of: "/") else { return (nil, path) }
        let first = String(rest[..<slash])
        guard ExchangeID.bybit.info.regions.dropFirst().contains(where: { $0.id == first }) else { return (nil, path) }
        return (first, String(rest[slash...]))
    }

    func handle(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        let (region, path) = Self.host(of: request.path)
        if request.method == "GET" && path == "/v5/market/time" {
            let now = state.serverNowMs(.bybit)
            // Seconds and nanoseconds as strings, floor division so a negative skew stays consistent.
            let seconds = now >= 0 ? now / 1000 : (now - 999) / 1000
            let nano = now.multipliedReportingOverflow(by: 1_000_000)
            let nanoText = nano.overflow ? "\(now)000000" : String(nano.partialValue)
            return .response(Self.body(["timeSecond": String(seconds), "timeNano": nanoText], time: now))
        }
        if request.method == "GET" && (path == BybitMarketBodies.tickersPath || path == BybitMarketBodies.instrumentsPath) {
            return .response(BybitMarketBodies.answer(path: path, query: request.query, now: Date(),
                                                      serverMs: state.serverNowMs(.bybit)))
        }
        guard request.method == "GET", Self.signedPaths.contains(path) else { return notFound(request) }
        return signed(request, path: path, region: region, state: state)
    }

    /// Authentication in Bybit's order: headers and key (10003, HTTP 401), timestamp (10002), signature (10004),
    /// then what the key may do: EU keys (10010), expiry (33004).
    private func signed(_ request: ServerRequest, path: String, region: String?, state: SandboxState) -> SimulatorOutcome {
        let h = request.headers
        let now = state.serverNowMs(.bybit)
        guard let key = h["x-bapi-api-key"], let sign = h["x-bapi-sign"], let timestampText = h["x-bapi-timestamp"]
        else { return .response(Self.error(401, 10003, "API key is invalid.", time: now)) }
        // A key exists only on the host of the entity that issued it (§B.1, §B.6).
        guard let account = state.account(.bybit, apiKey: key),
              (account.region ?? "global") == (region ?? "global") else {
            return .response(Self.error(401, 10003, "API key is invalid.", time: now))
        }
        let knobs = account.bybit ?? FixtureBybit()
        if knobs.usIP == true { return .response(usBlock()) }
        if knobs.ipRateLimited == true { return .response(.text(403, "access too frequent")) }
        let recvWindow = h["x-bapi-recv-window"] ?? "5000"
        let server = state.signedNowMs(.bybit, account: account)
        guard let timestamp = Int64(timestampText), let window = Int64(recvWindow), window > 0,
              server.subtractingReportingOverflow(window).partialValue <= timestamp,
              timestamp < server.addingReportingOverflow(1000).partialValue else {
            return .response(Self.error(200, 10002,
                "invalid request, please check your server timestamp or recv_window param. " +
                "req_timestamp[\(timestampText.prefix(20))],server_timestamp[\(server)],recv_window[\(recvWindow.prefix(10))]",
                time: server))
        }
        let prehash = BybitSignatureCheck.prehash(timestamp: timestampText, apiKey: key, recvWindow: recvWindow,
                                                 query: request.query)
        guard BybitSignatureCheck.isValid(sign, prehash: prehash, secret: account.apiSecret) else {
            return .response(Self.error(200, 10004,
                "Error sign, please check your signature generation algorithm: origin_string[\(prehash)]", time: now))
        }
        if region == "eu" && knobs.brokerKey != true {
            return .response(Self.error(200, 10010, "Unmatched IP, please check your API key's bound IP addresses.",
                                        time: now))
        }
        if knobs.expired == true {
            return .response(Self.error(200, 33004, "(Derivatives) Your api key has expired", time: now))
        }
        return .authenticated(account) {
            BybitAccountBodies.answer(path: path, query: request.query, region: region, account: account,
                                      now: state.serverNowMs(.bybit))
        }
    }

    /// The public market paths on any regional host: the `marketDown` knob makes them answer 503.
    func isMarketData(_ path: String) -> Bool {
        let apiPath = Self.host(of: path).path
        return apiPath == BybitMarketBodies.tickersPath || apiPath == BybitMarketBodies.instrumentsPath
    }

    /// What a US or mainland-China IP gets on every request: HTTP 403 (§B.1). The page's text is not documented
    /// (UNVERIFIED); a plain 403 page without a retCode stands in for it.
    func usBlock() -> ServerResponse { .html(403, title: "Forbidden") }

    /// Every `regionBlock` form is Bybit's 403 location block (§B.1): Bybit documents one form only.
    func regionRestricted(_ form: String) -> ServerResponse? { usBlock() }

    /// 10006 "Too many visits!" with the limit headers of §B.7; the reset time is `retryAfter` seconds ahead.
    func rateLimited(retryAfter: Int) -> ServerResponse {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var response = Self.error(200, 10006, "Too many visits!", time: now)
        response.headers += [("X-Bapi-Limit", "50"), ("X-Bapi-Limit-Status", "0"),
                             ("X-Bapi-Limit-Reset-Timestamp", String(now + Int64(retryAfter) * 1000))]
        return response
    }

    func ipRestricted(_ request: ServerRequest) -> ServerResponse {
        Self.error(200, 10010, "Unmatched IP, please check your API key's bound IP addresses.",
                   time: Int64(Date().timeIntervalSince1970 * 1000))
    }

    func permissionDenied() -> ServerResponse {
        Self.error(200, 10005, "Permission denied, please check your API key permissions.",
                   time: Int64(Date().timeIntervalSince1970 * 1000))
    }

    func serverError(_ status: Int) -> ServerResponse {
        Self.error(status, 10016, "Server error.", time: Int64(Date().timeIntervalSince1970 * 1000))
    }

    /// A success envelope around `result`.
    static func body(_ result: Any, time: Int64) -> ServerResponse {
        .json(200, object: ["retCode": 0, "retMsg": "OK", "result": result, "retExtInfo": [String: Any](),
                            "time": time] as [String: Any])
    }

    /// An error envelope (§B.6).
    static func error(_ status: Int, _ code: Int, _ message: String, time: Int64) -> ServerResponse {
        .json(status, object: ["retCode": code, "retMsg": message, "result": [String: Any](),
                               "retExtInfo": [String: Any](), "time": time] as [String: Any])
    }
}
