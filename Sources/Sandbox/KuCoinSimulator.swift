import Exchanges
import Foundation
import Primitives

/// KuCoin: KC-API-* headers, HMAC'd passphrase for key versions 2/3 (plaintext comparison otherwise, which is
/// why a missing version header fails with 400004), ±5 s timestamps, accounts of every type, the account mode,
/// the unified trading account and the classic margin wallets (`KuCoinAccountBodies`), and the keyless
/// `allTickers` market data (`KuCoinMarketBodies`).
struct KuCoinSimulator: ExchangeSimulator {
    var exchange: ExchangeID { .kucoin }

    /// Allowed distance between KC-API-TIMESTAMP and the server clock, in ms.
    static let window: Int64 = 5000

    func handle(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        switch (request.method, request.path) {
        case ("GET", KuCoinMarketBodies.allTickersPath):
            return .response(KuCoinMarketBodies.allTickers(now: Date(), serverMs: state.serverNowMs(.kucoin)))
        case ("GET", "/api/v1/timestamp"):
            return .response(.json(200, "{\"code\":\"200000\",\"msg\":\"success\",\"data\":\(state.serverNowMs(.kucoin))}"))
        case ("GET", "/api/v1/accounts"), ("GET", "/api/v1/user/api-key"):
            return signed(request, state: state)
        case ("GET", KuCoinAccountBodies.modePath), ("GET", KuCoinAccountBodies.unifiedPath),
             ("GET", KuCoinAccountBodies.crossMarginPath), ("GET", KuCoinAccountBodies.isolatedMarginPath):
            return signed(request, state: state)
        default:
            return notFound(request)
        }
    }

    private func error(_ status: Int, _ code: String, _ message: String) -> ServerResponse {
        .json(status, object: ["code": code, "msg": message])
    }

    private func signed(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        let h = request.headers
        guard let key = h["kc-api-key"], let sign = h["kc-api-sign"], let timestampText = h["kc-api-timestamp"],
              let passphrase = h["kc-api-passphrase"]
        else {
            return .response(error(401, "400001",
                "Please check the header of your request for KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP, KC-API-PASSPHRASE"))
        }
        guard let account = state.account(.kucoin, apiKey: key) else {
            return .response(error(401, "400003", "KC-API-KEY not exists"))
        }
        guard let timestamp = Int64(timestampText),
              abs(state.signedNowMs(.kucoin, account: account) - timestamp) <= KuCoinSimulator.window
        else { return .response(error(400, "400002", "Invalid KC-API-TIMESTAMP")) }
        guard KuCoinSignatureCheck.isValidPassphrase(passphrase, passphrase: account.passphrase ?? "", secret: account.apiSecret,
                                                     keyVersion: h["kc-api-key-version"])
        else {
            return .response(error(401, "400004", "Invalid KC-API-PASSPHRASE"))
        }
        guard KuCoinSignatureCheck.isValidSignature(sign, timestamp: timestampText, method: request.method,
                                                    endpoint: request.target, body: [UInt8](request.body),
                                                    secret: account.apiSecret)
        else {
            return .response(error(401, "400005", "Invalid KC-API-SIGN"))
        }
        if request.path == "/api/v1/user/api-key" {
            return .authenticated(account) {
                var permissions = ["General"]
                if account.canTrade == true { permissions.append("Spot") }
                if account.canWithdraw == true { permissions.append("Withdrawal") }
                return .json(200, object: ["code": "200000", "data": [
                    "remark": account.label ?? "holdfast", "apiKey": account.apiKey, "apiVersion": 2,
                    "permission": permissions.joined(separator: ","), "ipWhitelist": "", "createdAt": 1_700_000_000_000,
                    "uid": 165_111_215, "isMaster": true,
                ] as [String: Any]])
            }
        }
        if let body = KuCoinAccountBodies.body(for: request, account: account) {
            return .authenticated(account, body)
        }
        let filters = ServerRequest.parameters(request.query)
        return .authenticated(account) {
            // A unified account's coins are not in the classic listing (exchanges.md §9.2).
            if KuCoinAccountBodies.isUnified(account) { return .json(200, object: ["code": "200000", "data": [Any]()]) }
            let rows = SimulatorSupport.merged(account.balances, byWallet: true)
                .filter { filters["type"] == nil || KuCoinAccountBodies.accountType($0) == filters["type"] }
                .filter { filters["currency"] == nil || $0.asset == filters["currency"] }
                .map { row -> [String: Any] in
                    [
                        "id": String(SimulatorSupport.id(account.apiKey, row.asset, row.wallet ?? "").prefix(24)),
                        "currency": row.asset, "type": KuCoinAccountBodies.accountType(row), "balance": row.total,
                        "available": DecimalString.canonical(row.free) ?? row.free,
                        "holds": DecimalString.canonical(row.lockedAmount) ?? row.lockedAmount,
                    ]
                }
            return .json(200, object: ["code": "200000", "data": rows])
        }
    }

    /// The public all-tickers path (§11.4): the `marketDown` knob makes it answer 503.
    func isMarketData(_ path: String) -> Bool { path == KuCoinMarketBodies.allTickersPath }

    func rateLimited(retryAfter: Int) -> ServerResponse {
        .json(429, object: ["code": "429000", "msg": "Too many requests. System-level rate limit exceeded."],
              headers: [("Retry-After", String(retryAfter))])
    }

    func ipRestricted(_ request: ServerRequest) -> ServerResponse {
        error(403, "400006", "Invalid request ip, the current clientIp is:\(request.remoteAddress)")
    }

    func permissionDenied() -> ServerResponse { error(403, "400007", "Access Denied") }

    func serverError(_ status: Int) -> ServerResponse { error(status, "500000", "Internal Server Error") }
}
