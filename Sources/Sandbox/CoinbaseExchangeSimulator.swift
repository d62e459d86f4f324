import Exchanges
import Foundation
import Primitives

/// Coinbase Exchange: `CB-ACCESS-*` HMAC headers with a plaintext passphrase, ±30 s timestamps, `GET /accounts`;
/// the public products and tickers of `CoinbaseExchangeSimulator+Market.swift` (exchanges.md §11.3).
struct CoinbaseExchangeSimulator: ExchangeSimulator {
    var exchange: ExchangeID { .coinbaseexchange }

    /// Allowed distance between CB-ACCESS-TIMESTAMP and the server clock, in seconds.
    static let window: Double = 30

    func handle(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        switch (request.method, request.path) {
        case ("GET", "/time"):
            let now = state.serverNowMs(.coinbaseexchange)
            return .response(.json(200, "{\"iso\":\"\(SimulatorSupport.iso(now))\",\"epoch\":\(Double(now) / 1000)}"))
        case ("GET", "/accounts"):
            return accounts(request, state: state)
        case ("GET", let path) where isMarketData(path):
            return .response(market(request, state: state))
        default:
            return notFound(request)
        }
    }

    private func message(_ status: Int, _ text: String) -> SimulatorOutcome {
        .response(.json(status, object: ["message": text]))
    }

    private func accounts(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        guard let key = request.headers["cb-access-key"], !key.isEmpty else {
            return message(400, "CB-ACCESS-KEY header is required")
        }
        guard let account = state.account(.coinbaseexchange, apiKey: key) else { return message(401, "Invalid API Key") }
        guard let passphrase = request.headers["cb-access-passphrase"],
              SimulatorSupport.equal(passphrase, account.passphrase ?? "")
        else { return message(401, "Invalid Passphrase") }
        guard let timestampText = request.headers["cb-access-timestamp"], let timestamp = Double(timestampText) else {
            return message(400, "CB-ACCESS-TIMESTAMP header is required")
        }
        let now = Double(state.signedNowMs(.coinbaseexchange, account: account)) / 1000
        guard abs(now - timestamp) <= CoinbaseExchangeSimulator.window else {
            return message(401, "request timestamp expired")
        }
        guard let signature = request.headers["cb-access-sign"],
              CoinbaseExchangeSignatureCheck.isValid(signature, timestamp: timestampText, method: request.method,
                                                     requestPath: request.target, body: [UInt8](request.body),
                                                     secret: account.apiSecret)
        else {
            return message(401, "invalid signature")
        }
        return .authenticated(account) {
            let rows = SimulatorSupport.merged(account.balances, byWallet: true).map { row -> [String: Any] in
                [
                    "id": SimulatorSupport.uuid(account.apiKey, row.asset, row.wallet ?? ""), "currency": row.asset,
                    "balance": row.total, "hold": DecimalString.canonical(row.lockedAmount) ?? row.lockedAmount,
                    "available": DecimalString.canonical(row.free) ?? row.free,
                    "profile_id": row.wallet ?? SimulatorSupport.uuid(account.apiKey, "profile"),
                    "trading_enabled": true,
                ]
            }
            return .json(200, object: CoinbaseExchangeSimulator.repeating(rows, account.repeatedAccount))
        }
    }

    /// `rows` with the first one repeated at the end as the `repeatedAccount` knob says (exchanges.md §10.4,
    /// a key that sees several profiles): `identical`, or `conflicting` (one more unit in `balance` and
    /// `available`). Unchanged for nil, another value or no rows.
    static func repeating(_ rows: [[String: Any]], _ form: String?) -> [[String: Any]] {
        guard var repeated = rows.first, form == "identical" || form == "conflicting" else { return rows }
        if form == "conflicting" {
            for field in ["balance", "available"] {
                if let text = repeated[field] as? String { repeated[field] = DecimalString.add(text, "1") ?? text }
            }
        }
        return rows + [repeated]
    }

    func rateLimited(retryAfter: Int) -> ServerResponse {
        .json(429, object: ["message": "Private rate limit exceeded"], headers: [("Retry-After", String(retryAfter))])
    }

    /// Not confirmed (exchanges.md §2b marks IP/permission wording as [A]).
    func ipRestricted(_ request: ServerRequest) -> ServerResponse {
        .json(403, object: ["message": "IP address not allowed"])
    }

    /// Not confirmed (exchanges.md §2b marks IP/permission wording as [A]).
    func permissionDenied() -> ServerResponse { .json(403, object: ["message": "Forbidden"]) }

    func serverError(_ status: Int) -> ServerResponse { .json(status, object: ["message": "Internal server error"]) }
}
