import Foundation

/// Coinbase Exchange (institutional) with key + secret + passphrase: `GET /accounts`, one wallet per profile
/// (`profile:<profile_id>`), repeated rows de-duplicated (`CoinbaseExchangeAccountList`, exchanges.md §10.4).
struct CoinbaseExchangeClient: ExchangeClient {
    let credentials: Credentials
    let configuration: ExchangeConfiguration

    var exchange: ExchangeID { .coinbaseexchange }
    private var baseURL: URL { configuration.baseURL(for: .coinbaseexchange) }

    /// One row of `GET /accounts` (exchanges.md §2b): `balance = available + hold`. `hold` is required and one of
    /// `balance`/`available` must be there, or the row's amount is unknown. `id` is the account's id (one per
    /// profile and currency).
    struct Account: Decodable {
        let id: String?
        let currency: String
        let available: AmountText?
        let hold: AmountText
        let balance: AmountText?
        let profile_id: String?
    }

    private struct Time: Decodable { let epoch: Double }

    func readBalances() async throws -> AccountBalances {
        let accounts = try CoinbaseExchangeAccountList.deduplicated(try await fetchAccounts())
        let rows = try accounts.map { account -> RawBalance in
            let hold = account.hold.text
            // Prefer balance − hold over `available`, so free + locked always equals the reported balance. An
            // unreadable balance is a bad answer, not a reason to fall back to `available`.
            let free: String
            if let balance = account.balance {
                guard let difference = DecimalString.subtract(balance.text, hold) else {
                    throw ExchangeError(.badResponse, exchange: .coinbaseexchange,
                                        detail: "non-decimal amount for \(account.currency)")
                }
                free = difference
            } else if let available = account.available {
                free = available.text
            } else {
                throw ExchangeError.incompleteListing(.coinbaseexchange,
                                                      detail: "account without balance for \(account.currency)")
            }
            return RawBalance(wallet: account.profile_id.map { "profile:" + $0 } ?? "spot", asset: account.currency,
                              free: free, locked: hold)
        }
        return AccountBalances(balances: try BalanceAggregator.aggregate(rows, exchange: .coinbaseexchange))
    }

    /// Coinbase Exchange has no key-permission endpoint: a successful read is all that can be said.
    func permissions() async throws -> KeyPermissions {
        _ = try await fetchAccounts()
        return KeyPermissions(canRead: true, canTrade: nil, canWithdraw: nil)
    }

    func serverTime() async throws -> Date {
        let (serverMs, _) = try await readServerTime()
        return Date(timeIntervalSince1970: Double(serverMs) / 1000)
    }

    private func readServerTime() async throws -> (Int64, HTTPResult) {
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(baseURL, path: "/time"),
            cost: configuration.cost(.coinbaseExchangePublic, weight: RequestWeight.coinbaseRequest))
        if let error = CoinbaseExchangeErrors.classify(result) { throw error }
        let time = try ResponseSupport.decode(Time.self, from: result, exchange: .coinbaseexchange)
        return (try ServerClock.checkedServerTimeMs(fractionalSeconds: time.epoch, exchange: .coinbaseexchange), result)
    }

    private func measureOffset() async throws -> Int64 {
        let (serverMs, result) = try await readServerTime()
        return ServerClock.offsetMs(serverTimeMs: serverMs, sentAt: result.sentAt, receivedAt: result.receivedAt)
    }

    private func fetchAccounts() async throws -> [Account] {
        try await ServerClock.withClockRetry(key: configuration.clockKey(for: .coinbaseexchange), measure: { try await measureOffset() }) { offset in
            let timestamp = String(ServerClock.nowMs(offset: offset) / 1000)
            guard let signature = CoinbaseExchangeSigner.signature(
                timestamp: timestamp, method: "GET", requestPath: "/accounts", secret: credentials.apiSecret)
            else {
                throw ExchangeError(.invalidSignature, exchange: .coinbaseexchange, detail: "secret is not base64")
            }
            let headers = [
                "CB-ACCESS-KEY": credentials.apiKey, "CB-ACCESS-SIGN": signature, "CB-ACCESS-TIMESTAMP": timestamp,
                "CB-ACCESS-PASSPHRASE": credentials.passphrase ?? "", "Content-Type": "application/json",
            ]
            let result = try await configuration.send(
                "GET", try ResponseSupport.url(baseURL, path: "/accounts"), headers: headers,
                cost: configuration.cost(.coinbaseExchangePrivate, weight: RequestWeight.coinbaseRequest,
                                         apiKey: credentials.apiKey))
            if let error = CoinbaseExchangeErrors.classify(result) { throw error }
            return try ResponseSupport.decode([Account].self, from: result, exchange: .coinbaseexchange)
        }
    }
}
