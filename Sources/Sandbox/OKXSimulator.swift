import Exchanges
import Foundation

/// OKX v5 (exchanges-okx-bybit-bitvavo.md §A): OK-ACCESS-* headers, ISO 8601 timestamps within ±30 s, the
/// passphrase in clear, keys bound to the regional host that issued them, demo keys, and the balance, funding,
/// Simple Earn, On-chain Earn, ETH/SOL staking and account-config endpoints (`OKXAccountBodies`), and the keyless
/// ticker endpoints (`OKXMarketBodies`).
///
/// Every region is served on this one port: a non-default region's host is the path prefix `/<regionId>`
/// (`SandboxServer.baseURL(for:region:)`), stripped here; the signature is checked over the path without it.
/// Error bodies are `{"code":"…","msg":"…","data":[]}` with the codes and HTTP statuses of §A.6; where §A.6
/// quotes no live text, the text here is ours (clients classify by code only).
struct OKXSimulator: ExchangeSimulator {
    var exchange: ExchangeID { .okx }

    /// Allowed distance between OK-ACCESS-TIMESTAMP and the server clock, in ms (§A.4).
    static let window: Int64 = 30_000

    /// The signed endpoints.
    static let privatePaths: Set<String> = [
        OKXAccountBodies.balancePath, OKXAccountBodies.fundingPath, OKXAccountBodies.savingsPath,
        OKXAccountBodies.onchainPath, OKXAccountBodies.ethStakingPath, OKXAccountBodies.solStakingPath,
        OKXAccountBodies.configPath,
    ]

    /// The region whose host `path` addresses (nil: the default region) and the API path without its prefix.
    static func route(_ path: String) -> (region: String?, path: String) {
        for region in ExchangeID.okx.info.regions.dropFirst() where path.hasPrefix("/" + region.id + "/") {
            return (region.id, String(path.dropFirst(region.id.count + 1)))
        }
        return (nil, path)
    }

    func handle(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        let (region, path) = OKXSimulator.route(request.path)
        guard request.method == "GET" else { return notFound(request) }
        if path == "/api/v5/public/time" {
            return .response(.json(200, object: ["code": "0", "msg": "", "data": [["ts": String(state.serverNowMs(.okx))]]]))
        }
        if path == OKXMarketBodies.tickersPath || path == OKXMarketBodies.tickerPath {
            return .response(OKXMarketBodies.answer(path: path, query: request.query, now: Date(),
                                                    serverMs: state.serverNowMs(.okx)))
        }
        guard OKXSimulator.privatePaths.contains(path) else { return notFound(request) }
        return signed(request, path: path, region: region, state: state)
    }

    /// OKX's error body.
    static func error(_ status: Int, _ code: String, _ message: String, headers: [(String, String)] = []) -> ServerResponse {
        .json(status, object: ["code": code, "msg": message, "data": [Any]()], headers: headers)
    }

    /// Verifies a signed request in OKX's order as far as §A.6 lets us tell: the key (unknown 50111, of another
    /// region's host 50119), the timestamp's form (50112) and age (50102), demo/live (50101), the passphrase
    /// (50105), the signature (50113).
    private func signed(_ request: ServerRequest, path: String, region: String?, state: SandboxState) -> SimulatorOutcome {
        let h = request.headers
        guard let key = h["ok-access-key"], !key.isEmpty else {
            return .response(Self.error(401, "50103", "Request header OK-ACCESS-KEY cannot be empty."))
        }
        guard let account = state.account(.okx, apiKey: key) else {
            return .response(Self.error(401, "50111", "Invalid OK-ACCESS-KEY"))
        }
        // The key exists, but on another entity's host (observed as HTTP 401, §A.2).
        let home = account.region == ExchangeID.okx.info.defaultRegion?.id ? nil : account.region
        guard home == region else { return .response(Self.error(401, "50119", "API key doesn't exist")) }
        guard let timestampText = h["ok-access-timestamp"], let timestamp = OKXSignatureCheck.milliseconds(timestampText)
        else { return .response(Self.error(401, "50112", "Invalid OK-ACCESS-TIMESTAMP")) }
        guard abs(state.signedNowMs(.okx, account: account) - timestamp) <= OKXSimulator.window else {
            return .response(Self.error(401, "50102", "Timestamp request expired"))
        }
        let simulated = h["x-simulated-trading"] == "1"
        guard simulated == (account.okx?.demoKey == true) else {
            return .response(Self.error(401, "50101", "APIKey does not match current environment."))
        }
        guard let passphrase = h["ok-access-passphrase"],
              SimulatorSupport.equal(passphrase, account.passphrase ?? "") else {
            return .response(Self.error(401, "50105", "Request header OK-ACCESS-PASSPHRASE incorrect."))
        }
        let requestPath = request.query.isEmpty ? path : path + "?" + request.query
        guard let sign = h["ok-access-sign"],
              OKXSignatureCheck.isValidSignature(sign, timestamp: timestampText, method: request.method,
                                                 requestPath: requestPath, body: [UInt8](request.body),
                                                 secret: account.apiSecret) else {
            return .response(Self.error(401, "50113", "Invalid Sign"))
        }
        return .authenticated(account) { OKXAccountBodies.body(path: path, account: account) }
    }

    /// The public ticker paths on any regional host: the `marketDown` knob makes them answer 503.
    func isMarketData(_ path: String) -> Bool {
        let apiPath = OKXSimulator.route(path).path
        return apiPath == OKXMarketBodies.tickersPath || apiPath == OKXMarketBodies.tickerPath
    }

    /// 50011 with HTTP 429 (§A.6). The `Retry-After` header is the sandbox's (OKX sending one is UNVERIFIED):
    /// it lets tests see that a client reads one when present.
    func rateLimited(retryAfter: Int) -> ServerResponse {
        Self.error(429, "50011", "Too Many Requests", headers: [("Retry-After", String(retryAfter))])
    }

    /// 50110 with the docs' text naming the caller's address (§A.6).
    func ipRestricted(_ request: ServerRequest) -> ServerResponse {
        Self.error(401, "50110", "Your IP \(request.remoteAddress) is not included in your API key's IP whitelist.")
    }

    /// 50120 with HTTP 200 (§A.6 "key lacks permission").
    func permissionDenied() -> ServerResponse {
        Self.error(200, "50120", "API key doesn't have permission to access this endpoint.")
    }

    /// 50001 (§A.6 maintenance), the one documented server-side body, with `status`.
    func serverError(_ status: Int) -> ServerResponse {
        Self.error(status, "50001", "Service temporarily unavailable. Please try again later.")
    }
}
