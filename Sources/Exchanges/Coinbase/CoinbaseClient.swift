import Foundation

/// Coinbase Advanced Trade (v3) with a CDP key, authenticated by a fresh ES256/EdDSA JWT per request.
struct CoinbaseClient: ExchangeClient {
    let credentials: Credentials
    let configuration: ExchangeConfiguration
    private let key: CoinbaseKey

    var exchange: ExchangeID { .coinbase }
    private var baseURL: URL { configuration.baseURL(for: .coinbase) }

    /// Resolves the key name and private key first (`CoinbaseCredentials`): a key that cannot be read fails here
    /// with `invalid_key_format`, before any request.
    init(credentials: Credentials, configuration: ExchangeConfiguration) throws {
        let (keyName, key) = try CoinbaseCredentials.resolve(credentials)
        self.credentials = Credentials(apiKey: keyName, apiSecret: credentials.apiSecret, passphrase: nil)
        self.configuration = configuration
        self.key = key
    }

    /// One page of `GET /api/v3/brokerage/accounts` (exchanges.md §2a, §10.3). `accounts`, `has_next` and, per
    /// row, both amounts are required: a page without them cannot be shown to be the whole listing.
    private struct Page: Decodable {
        struct Account: Decodable {
            struct Amount: Decodable { let value: AmountText }
            let uuid: String?
            let currency: String
            let available_balance: Amount
            let hold: Amount
            let retail_portfolio_id: String?
        }
        let accounts: [Account]
        let has_next: Bool
        let cursor: String?
    }

    private struct Permissions: Decodable {
        let can_view: Bool?
        let can_trade: Bool?
        let can_transfer: Bool?
    }

    private struct Time: Decodable { let epochMillis: LenientInt64?; let epochSeconds: LenientInt64? }

    /// Every account over every cursor page. The listing must be provably complete (exchanges.md §10.3): a
    /// page that says `has_next` without a cursor, a cursor seen before (ccxt/ccxt#22780 saw the same one come
    /// back for ever) or more pages than `coinbaseMaxPages` fail with `bad_response`, because a partial list
    /// would replace the holdings and delete what the unread pages hold.
    func readBalances() async throws -> AccountBalances {
        var rows: [RawBalance] = []
        var seenAccounts = Set<String>()
        var seenCursors = Set<String>()
        var cursor: String?
        for _ in 0..<configuration.coinbasePageLimitBound {
            var query = "limit=\(configuration.coinbasePageLimit)"
            if let cursor { query += "&cursor=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor) }
            let page = try await get(Page.self, path: "/api/v3/brokerage/accounts", query: query)
            for account in page.accounts {
                // The same account on two pages (a listing that shifted while we read it) is counted once.
                if let id = account.uuid, !seenAccounts.insert(id).inserted { continue }
                rows.append(RawBalance(
                    wallet: account.retail_portfolio_id.map { "portfolio:" + $0 } ?? "spot", asset: account.currency,
                    free: account.available_balance.value.text, locked: account.hold.value.text))
            }
            guard page.has_next else { return AccountBalances(balances: try BalanceAggregator.aggregate(rows, exchange: .coinbase)) }
            guard let next = page.cursor, !next.isEmpty else {
                throw ExchangeError.incompleteListing(.coinbase, detail: "has_next without a cursor")
            }
            guard seenCursors.insert(next).inserted else {
                throw ExchangeError.incompleteListing(.coinbase, detail: "account cursor repeated")
            }
            cursor = next
        }
        throw ExchangeError.incompleteListing(.coinbase, detail: "more than \(configuration.coinbasePageLimitBound) pages of accounts")
    }

    func permissions() async throws -> KeyPermissions {
        let permissions = try await get(Permissions.self, path: "/api/v3/brokerage/key_permissions", query: "")
        return KeyPermissions(canRead: permissions.can_view ?? true, canTrade: permissions.can_trade,
                              canWithdraw: permissions.can_transfer)
    }

    func serverTime() async throws -> Date {
        let (serverMs, _) = try await readServerTime()
        return Date(timeIntervalSince1970: Double(serverMs) / 1000)
    }

    private func readServerTime() async throws -> (Int64, HTTPResult) {
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(baseURL, path: "/api/v3/brokerage/time"),
            cost: configuration.cost(.coinbasePublic, weight: RequestWeight.coinbaseRequest))
        if let error = CoinbaseErrors.classify(result) { throw error }
        let time = try ResponseSupport.decode(Time.self, from: result, exchange: .coinbase)
        if let ms = time.epochMillis?.value {
            return (try ServerClock.checkedServerTimeMs(ms, exchange: .coinbase), result)
        }
        guard let seconds = time.epochSeconds?.value else {
            throw ExchangeError(.badResponse, exchange: .coinbase, detail: "time without epoch")
        }
        return (try ServerClock.checkedServerTimeMs(seconds: seconds, exchange: .coinbase), result)
    }

    private func measureOffset() async throws -> Int64 {
        let (serverMs, result) = try await readServerTime()
        return ServerClock.offsetMs(serverTimeMs: serverMs, sentAt: result.sentAt, receivedAt: result.receivedAt)
    }

    /// One signed GET. A 401 may be clock skew (nbf/exp rejected), so it re-measures the offset and retries once
    /// with a fresh token; a second 401 is reported as invalid credentials with the measured offset.
    private func get<T: Decodable & Sendable>(_ type: T.Type, path: String, query: String) async throws -> T {
        let clockKey = configuration.clockKey(for: .coinbase)
        let measure: @Sendable () async throws -> Int64 = { try await measureOffset() }
        let offset = try await ServerClock.shared.offset(for: clockKey, measure: measure)
        do {
            return try await attempt(type, path: path, query: query, offset: offset)
        } catch let error as ExchangeError where error.code == .invalidCredentials && error.detail == "401" {
            let fresh = try await ServerClock.shared.refresh(for: clockKey, measure: measure)
            do {
                return try await attempt(type, path: path, query: query, offset: fresh)
            } catch var again as ExchangeError where again.code == .invalidCredentials {
                again.clockOffsetMs = fresh
                throw again
            }
        }
    }

    private func attempt<T: Decodable>(_ type: T.Type, path: String, query: String, offset: Int64) async throws -> T {
        let now = ServerClock.nowMs(offset: offset) / 1000
        let token = try CoinbaseJWT.token(keyName: credentials.apiKey, key: key, method: "GET", path: path, now: now)
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(baseURL, path: path, query: query),
            headers: ["Authorization": "Bearer " + token, "Content-Type": "application/json"],
            cost: configuration.cost(.coinbasePrivate, weight: RequestWeight.coinbaseRequest, apiKey: credentials.apiKey))
        if let error = CoinbaseErrors.classify(result) { throw error }
        return try ResponseSupport.decode(T.self, from: result, exchange: .coinbase)
    }
}

extension ExchangeConfiguration {
    /// Pages to follow: at least one.
    var coinbasePageLimitBound: Int { max(1, coinbaseMaxPages) }
}
