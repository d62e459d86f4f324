import Exchanges
import Foundation
import Primitives

/// Kraken spot: `POST /0/private/Balance(Ex)` with API-Key/API-Sign and a nonce that must grow strictly per key;
/// errors in the `error` array with HTTP 200, as Kraken answers. Public `Time` and `Assets` (`KrakenAssetList`).
struct KrakenSimulator: ExchangeSimulator {
    var exchange: ExchangeID { .kraken }

    func handle(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        switch (request.method, request.path) {
        case ("GET", "/0/public/Time"):
            let now = state.serverNowMs(.kraken)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yy HH:mm:ss Z"
            let rfc = formatter.string(from: Date(timeIntervalSince1970: Double(now) / 1000))
            return .response(.json(200, object: ["error": [String](), "result": ["unixtime": now / 1000, "rfc1123": rfc]]))
        case ("GET", "/0/public/Assets"):
            let held = state.currentFixture.accounts.filter { $0.exchange == .kraken }
                .flatMap { $0.balances.map(\.asset) }
            return .response(KrakenAssetList.response(query: request.query, heldIDs: held))
        case ("POST", "/0/private/Balance"), ("POST", "/0/private/BalanceEx"):
            return balance(request, state: state)
        default:
            return notFound(request)
        }
    }

    private func error(_ text: String) -> ServerResponse { .json(200, object: ["error": [text]]) }

    private func balance(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        guard let key = request.headers["api-key"], let account = state.account(.kraken, apiKey: key) else {
            return .response(error("EAPI:Invalid key"))
        }
        let body = String(decoding: request.body, as: UTF8.self)
        guard let nonceText = ServerRequest.parameters(body)["nonce"], let nonce = UInt64(nonceText) else {
            return .response(error("EAPI:Invalid nonce"))
        }
        let expected = KrakenSigner.signature(path: request.path, nonce: nonceText, body: body, secret: account.apiSecret) ?? ""
        guard let signature = request.headers["api-sign"], SimulatorSupport.equal(signature, expected) else {
            return .response(error("EAPI:Invalid signature"))
        }
        guard state.acceptKrakenNonce(nonce, apiKey: key) else { return .response(error("EAPI:Invalid nonce")) }
        let extended = request.path.hasSuffix("BalanceEx")
        return .authenticated(account) {
            var result: [String: Any] = [:]
            for row in SimulatorSupport.merged(account.balances, byWallet: false) {
                result[row.asset] = extended
                    ? ["balance": row.total, "hold_trade": DecimalString.canonical(row.lockedAmount) ?? row.lockedAmount]
                    : row.total
            }
            return .json(200, object: ["error": [String](), "result": result])
        }
    }

    func rateLimited(retryAfter: Int) -> ServerResponse { error("EAPI:Rate limit exceeded") }

    /// Not confirmed (exchanges.md §3.4 marks the IP case [A]); Kraken's permission error is the likely answer.
    func ipRestricted(_ request: ServerRequest) -> ServerResponse { error("EGeneral:Permission denied") }

    func permissionDenied() -> ServerResponse { error("EGeneral:Permission denied") }

    func serverError(_ status: Int) -> ServerResponse { .json(status, object: ["error": ["EService:Unavailable"]]) }
}
