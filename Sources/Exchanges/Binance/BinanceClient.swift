import Foundation

/// Binance spot with an HMAC, Ed25519 or RSA key (exchanges.md §1.2, §7.6): `GET /api/v3/account` signed in the
/// query string.
struct BinanceClient: ExchangeClient {
    let credentials: Credentials
    let configuration: ExchangeConfiguration

    var exchange: ExchangeID { .binance }
    private var baseURL: URL { configuration.baseURL(for: .binance) }

    private struct Account: Decodable {
        struct Row: Decodable {
            let asset: String
            let free: AmountText
            let locked: AmountText
        }
        let canTrade: Bool?
        let canWithdraw: Bool?
        let balances: [Row]
    }

    private struct Time: Decodable { let serverTime: LenientInt64 }

    func readBalances() async throws -> AccountBalances {
        let account = try await fetchAccount()
        let rows = account.balances.map {
            RawBalance(wallet: "spot", asset: $0.asset, free: $0.free.text, locked: $0.locked.text)
        }
        return AccountBalances(balances: try BalanceAggregator.aggregate(rows, exchange: .binance))
    }

    func permissions() async throws -> KeyPermissions {
        let account = try await fetchAccount()
        return KeyPermissions(canRead: true, canTrade: account.canTrade, canWithdraw: account.canWithdraw)
    }

    func serverTime() async throws -> Date {
        let (serverMs, _) = try await readServerTime()
        return Date(timeIntervalSince1970: Double(serverMs) / 1000)
    }

    private func readServerTime() async throws -> (Int64, HTTPResult) {
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(baseURL, path: "/api/v3/time"),
            cost: configuration.cost(.binanceAPI, weight: RequestWeight.binanceTime))
        if let error = BinanceErrors.classify(result) { throw error }
        let serverMs = try ResponseSupport.decode(Time.self, from: result, exchange: .binance).serverTime.value
        return (try ServerClock.checkedServerTimeMs(serverMs, exchange: .binance), result)
    }

    private func measureOffset() async throws -> Int64 {
        let (serverMs, result) = try await readServerTime()
        return ServerClock.offsetMs(serverTimeMs: serverMs, sentAt: result.sentAt, receivedAt: result.receivedAt)
    }

    private func fetchAccount() async throws -> Account {
        // Read the key type first: a secret Holdfast cannot sign with fails here, before any request.
        let key = try BinanceKey(secret: credentials.apiSecret)
        return try await ServerClock.withClockRetry(key: configuration.clockKey(for: .binance), measure: { try await measureOffset() }) { offset in
            let result = try await configuration.send(
                "GET", cost: configuration.cost(.binanceAPI, weight: RequestWeight.binanceAccount)) {
                let parameters = BinanceSigner.accountParameters(timestampMs: ServerClock.nowMs(offset: offset))
                let query = try BinanceSigner.signedQuery(parameters, key: key)
                return OutgoingRequest(url: try ResponseSupport.url(baseURL, path: "/api/v3/account", query: query),
                                       headers: ["X-MBX-APIKEY": credentials.apiKey])
            }
            if let error = BinanceErrors.classify(result) { throw key.explaining(error) }
            return try ResponseSupport.decode(Account.self, from: result, exchange: .binance)
        }
    }
}
