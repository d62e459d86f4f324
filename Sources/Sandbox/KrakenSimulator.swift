import Exchanges
import Foundation
import Primitives

/// Kraken spot: `POST /0/private/Balance(Ex)` with API-Key/API-Sign and a nonce that must grow strictly per key;
/// errors in the `error` array with HTTP 200, as Kraken answers. Public `Time` and `Assets` (`KrakenAssetList`),
/// and the market data of `KrakenSimulator+Market.swift` (§11.2).
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
        case ("GET", let path) where KrakenSimulator.marketPaths.contains(path):
            return .response(market(request, state: state))
        case ("POST", "/0/private/Balance"), ("POST", "/0/private/BalanceEx"):
            return balance(request, state: state)
        case ("POST", "/0/private/Earn/Allocations"), ("POST", "/0/private/Earn/Strategies"):
            return earn(request, state: state)
        default:
            return notFound(request)
        }
    }

    private func error(_ text: String) -> ServerResponse { .json(200, object: ["error": [text]]) }

    /// With the `counterMax` knob set, each private call adds 1 to its key's counter (decaying 0.33/s, the
    /// Starter tier); a call past the maximum is answered `EAPI:Rate limit exceeded` (exchanges.md §3.4, §3.5).
    func rateCharge(_ request: ServerRequest, state: SandboxState) -> RateCharge {
        guard request.path.hasPrefix("/0/private/"), let key = request.headers["api-key"] else { return RateCharge() }
        let faults = state.exchangeFaults(.kraken).overridden(by: state.account(.kraken, apiKey: key)?.faults)
        guard let maximum = faults.counterMax,
              !state.chargeKrakenCounter(apiKey: key, maximum: max(1, maximum)) else { return RateCharge() }
        return RateCharge(refusal: error("EAPI:Rate limit exceeded"))
    }

    /// A private request's account, or Kraken's answer refusing it.
    private enum Authentication {
        case account(FixtureAccount)
        case rejected(ServerResponse)
    }

    /// The account of a signed private request, or Kraken's error for its key, nonce or signature.
    private func authenticate(_ request: ServerRequest, state: SandboxState) -> Authentication {
        guard let key = request.headers["api-key"], let account = state.account(.kraken, apiKey: key) else {
            return .rejected(error("EAPI:Invalid key"))
        }
        let body = String(decoding: request.body, as: UTF8.self)
        guard let nonceText = ServerRequest.parameters(body)["nonce"], let nonce = UInt64(nonceText) else {
            return .rejected(error("EAPI:Invalid nonce"))
        }
        guard let signature = request.headers["api-sign"],
              KrakenSignatureCheck.isValid(signature, path: request.path, nonce: nonceText, body: [UInt8](request.body),
                                           secret: account.apiSecret)
        else {
            return .rejected(error("EAPI:Invalid signature"))
        }
        guard state.acceptKrakenNonce(nonce, apiKey: key) else { return .rejected(error("EAPI:Invalid nonce")) }
        return .account(account)
    }

    private func balance(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        let account: FixtureAccount
        switch authenticate(request, state: state) {
        case .account(let found): account = found
        case .rejected(let response): return .response(response)
        }
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

    /// `Earn/Allocations` in the spec's shape (§8.3): one item per allocation, `amount_allocated.total.native`;
    /// `Earn/Strategies`: one strategy per allocation with its `lock_type` (needs no permission).
    private func earn(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        let account: FixtureAccount
        switch authenticate(request, state: state) {
        case .account(let found): account = found
        case .rejected(let response): return .response(response)
        }
        if request.path.hasSuffix("Strategies") {
            return .authenticated(account) {
                let items: [[String: Any]] = (account.earnAllocations ?? []).map {
                    ["id": $0.strategyId, "asset": $0.asset, "lock_type": ["type": $0.lockType ?? "bonded"],
                     "can_allocate": true, "can_deallocate": true]
                }
                return .json(200, object: ["error": [String](), "result": ["items": items]])
            }
        }
        if account.earnPermissionDenied == true { return .response(permissionDenied()) }
        return .authenticated(account) {
            let items: [[String: Any]] = (account.earnAllocations ?? []).map {
                ["strategy_id": $0.strategyId, "native_asset": $0.asset,
                 "amount_allocated": ["total": ["native": $0.amount, "converted": "0"]],
                 "total_rewarded": ["native": "0", "converted": "0"]]
            }
            return .json(200, object: ["error": [String](), "result": [
                "converted_asset": "USD", "total_allocated": "0", "total_rewarded": "0", "items": items,
            ]])
        }
    }

    func rateLimited(retryAfter: Int) -> ServerResponse { error("EAPI:Rate limit exceeded") }

    /// Not confirmed (exchanges.md §3.4 marks the IP case [A]); Kraken's permission error is the likely answer.
    func ipRestricted(_ request: ServerRequest) -> ServerResponse { error("EGeneral:Permission denied") }

    func permissionDenied() -> ServerResponse { error("EGeneral:Permission denied") }

    func serverError(_ status: Int) -> ServerResponse { .json(status, object: ["error": ["EService:Unavailable"]]) }
}
