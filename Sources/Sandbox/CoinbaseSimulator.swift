import Exchanges
import Foundation
import Primitives

/// Coinbase Advanced Trade v3: JWT bearer auth (ES256 or EdDSA), cursor-paged accounts, key permissions, time,
/// and the public products listing of `CoinbaseSimulator+Market.swift` (exchanges.md §11.3).
/// Every authentication failure is a plain-text 401 "Unauthorized", as the real API answers.
struct CoinbaseSimulator: ExchangeSimulator {
    var exchange: ExchangeID { .coinbase }

    func handle(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        switch (request.method, request.path) {
        case ("GET", "/api/v3/brokerage/time"):
            let now = state.serverNowMs(.coinbase)
            return .response(.json(200, object: [
                "iso": SimulatorSupport.iso(now), "epochSeconds": String(now / 1000), "epochMillis": String(now),
            ]))
        case ("GET", "/api/v3/brokerage/market/products"):
            return .response(products(request, state: state))
        case ("GET", "/api/v3/brokerage/accounts"), ("GET", "/api/v3/brokerage/key_permissions"):
            guard let account = authenticate(request, state: state) else { return .response(unauthorized) }
            if request.path.hasSuffix("key_permissions") {
                return .authenticated(account) {
                    .json(200, object: [
                        "can_view": true, "can_trade": account.canTrade ?? false,
                        "can_transfer": account.canWithdraw ?? false,
                        "portfolio_uuid": SimulatorSupport.uuid(account.apiKey, "portfolio"),
                        "portfolio_type": "DEFAULT",
                    ])
                }
            }
            let paging = state.exchangeFaults(.coinbase).overridden(by: account.faults).pagingFault
            return .authenticated(account) { accountsPage(request, account: account, paging: paging) }
        default:
            return notFound(request)
        }
    }

    private var unauthorized: ServerResponse { .text(401, "Unauthorized") }

    /// Verifies the bearer JWT the way Coinbase does (`CoinbaseSignatureCheck`): known `kid`, valid signature,
    /// `nonce`, `sub`, `iss`, time window, and a `uri` claim naming this method and path on the production host.
    private func authenticate(_ request: ServerRequest, state: SandboxState) -> FixtureAccount? {
        guard let token = CoinbaseSignatureCheck.token(authorization: request.headers["authorization"]),
              let kid = token.keyID, let account = state.account(.coinbase, apiKey: kid)
        else { return nil }
        let now = state.signedNowMs(.coinbase, account: account) / 1000
        do {
            try CoinbaseSignatureCheck.verify(token, keyName: kid, secret: account.apiSecret, method: request.method,
                                              path: request.path, now: now)
            return account
        } catch {
            return nil
        }
    }

    /// One page of accounts: `limit` (default 49, max 250) capped by the fixture's `pageSize`; the cursor is
    /// an opaque offset. `paging` makes the listing unprovable in one of the ways of `PagingFault`.
    private func accountsPage(_ request: ServerRequest, account: FixtureAccount, paging: PagingFault?) -> ServerResponse {
        let parameters = ServerRequest.parameters(request.query)
        let limit = min(max(Int(parameters["limit"] ?? "") ?? 49, 1), 250, account.pageSize ?? 250)
        var offset = parameters["cursor"].flatMap { Base64.urlDecode($0) }
            .flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
        // repeatCursor serves the first page again whatever cursor comes back.
        if paging == .repeatCursor { offset = 0 }
        let rows = SimulatorSupport.merged(account.balances, byWallet: true)
        let page = rows.dropFirst(offset).prefix(limit)
        let hasNext = paging == nil ? offset + page.count < rows.count : true
        let accounts = page.map { row -> [String: Any] in
            let portfolio = row.wallet ?? SimulatorSupport.uuid(account.apiKey, "portfolio")
            let fiat = ["USD", "EUR", "GBP"].contains(row.asset)
            return [
                "uuid": SimulatorSupport.uuid(account.apiKey, row.asset, row.wallet ?? ""),
                "name": "\(row.asset) Wallet", "currency": row.asset,
                "available_balance": ["value": DecimalString.canonical(row.free) ?? row.free, "currency": row.asset],
                "hold": ["value": DecimalString.canonical(row.lockedAmount) ?? row.lockedAmount, "currency": row.asset],
                "default": true, "active": true, "created_at": "2023-05-01T10:00:00.000Z",
                "updated_at": "2024-01-01T10:00:00.000Z", "deleted_at": NSNull(),
                "type": fiat ? "ACCOUNT_TYPE_FIAT" : "ACCOUNT_TYPE_CRYPTO", "ready": true,
                "retail_portfolio_id": portfolio, "platform": "ACCOUNT_PLATFORM_CONSUMER",
            ]
        }
        var nextOffset = offset + page.count
        switch paging {
        case .repeatCursor: nextOffset = limit
        case .cycleCursor, .endless: nextOffset = paging == .cycleCursor && offset >= 2 * limit ? limit : offset + limit
        default: break
        }
        var cursor = hasNext ? Base64.urlEncode(Array(String(nextOffset).utf8)) : ""
        var object: [String: Any] = ["accounts": accounts, "has_next": hasNext, "size": accounts.count]
        if paging == .emptyCursor { cursor = "" }
        if paging != .missingCursor { object["cursor"] = cursor }
        if paging == .missingHasNext { object["has_next"] = nil }
        return .json(200, object: object)
    }

    /// Coinbase has been seen answering 429 with an HTML page rather than JSON.
    func rateLimited(retryAfter: Int) -> ServerResponse {
        .html(429, title: "Too Many Requests", headers: [("Retry-After", String(retryAfter))])
    }

    func ipRestricted(_ request: ServerRequest) -> ServerResponse { unauthorized }

    func permissionDenied() -> ServerResponse {
        .json(403, object: [
            "error": "PERMISSION_DENIED", "error_details": "Missing required scopes", "message": "Missing required scopes",
        ])
    }

    func serverError(_ status: Int) -> ServerResponse {
        .json(status, object: ["error": "INTERNAL", "error_details": "internal error", "message": "internal error"])
    }
}
