import Foundation

/// KuCoin with key + secret + passphrase (key version 2): `GET /api/v1/accounts` over every account type.
struct KuCoinClient: ExchangeClient {
    let credentials: Credentials
    let configuration: ExchangeConfiguration

    var exchange: ExchangeID { .kucoin }
    private var baseURL: URL { configuration.baseURL(for: .kucoin) }

    /// `{"code":"200000","data":…}` (exchanges.md §4.3): without the success code or `data` an answer proves nothing.
    private struct Envelope<Payload: Decodable>: Decodable {
        let code: String?
        let data: Payload?
    }

    /// One row of `GET /api/v1/accounts` (§4.1): `balance = available + holds`; both parts are required.
    private struct Account: Decodable {
        let currency: String
        let type: String?
        let balance: AmountText?
        let available: AmountText
        let holds: AmountText
    }

    private struct KeyInfo: Decodable { let permission: String? }

    func readBalances() async throws -> AccountBalances {
        // No `type` filter: main (funding), trade (spot), margin and any future type are all summed.
        let accounts = try await get([Account].self, endpoint: "/api/v1/accounts")
        let rows = try accounts.map { account -> RawBalance in
            // `balance` is not summed (available + holds is), but an unreadable one means an unreadable answer.
            if let balance = account.balance, DecimalString.canonical(balance.text) == nil {
                throw ExchangeError(.badResponse, exchange: .kucoin,
                                    detail: "non-decimal balance for \(account.currency)")
            }
            return RawBalance(wallet: account.type ?? "unknown", asset: account.currency,
                              free: account.available.text, locked: account.holds.text)
        }
        return AccountBalances(balances: try BalanceAggregator.aggregate(rows, exchange: .kucoin))
    }

    /// Reads `GET /api/v1/user/api-key`; its `permission` is a comma list such as "General,Spot,Withdrawal".
    func permissions() async throws -> KeyPermissions {
        let info = try await get(KeyInfo.self, endpoint: "/api/v1/user/api-key")
        let granted = Set((info.permission ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        })
        let trading: Set<String> = ["spot", "margin", "futures", "trade", "leveragedtoken"]
        return KeyPermissions(
            canRead: true, canTrade: !granted.isDisjoint(with: trading),
            canWithdraw: granted.contains { $0.hasPrefix("withdraw") || $0 == "transfer" })
    }

    func serverTime() async throws -> Date {
        let (serverMs, _) = try await readServerTime()
        return Date(timeIntervalSince1970: Double(serverMs) / 1000)
    }

    private func readServerTime() async throws -> (Int64, HTTPResult) {
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(baseURL, path: "/api/v1/timestamp"),
            cost: configuration.cost(.kucoinPublic, weight: RequestWeight.kucoinTimestamp))
        if let error = KuCoinErrors.classify(result) { throw error }
        guard let ms = try ResponseSupport.decode(Envelope<LenientInt64>.self, from: result, exchange: .kucoin).data
        else { throw ExchangeError(.badResponse, exchange: .kucoin, detail: "timestamp without data") }
        return (try ServerClock.checkedServerTimeMs(ms.value, exchange: .kucoin), result)
    }

    private func measureOffset() async throws -> Int64 {
        let (serverMs, result) = try await readServerTime()
        return ServerClock.offsetMs(serverTimeMs: serverMs, sentAt: result.sentAt, receivedAt: result.receivedAt)
    }

    private func get<T: Decodable & Sendable>(_ type: T.Type, endpoint: String) async throws -> T {
        try await ServerClock.withClockRetry(key: configuration.clockKey(for: .kucoin), measure: { try await measureOffset() }) { offset in
            let cost = configuration.cost(.kucoinPrivate, weight: RequestWeight.kucoinPrivateCall, apiKey: credentials.apiKey)
            let result = try await configuration.send("GET", cost: cost) {
                let timestamp = String(ServerClock.nowMs(offset: offset))
                let secret = credentials.apiSecret
                let headers = [
                    "KC-API-KEY": credentials.apiKey,
                    "KC-API-SIGN": KuCoinSigner.signature(timestamp: timestamp, method: "GET", endpoint: endpoint, secret: secret),
                    "KC-API-TIMESTAMP": timestamp,
                    "KC-API-PASSPHRASE": KuCoinSigner.passphrase(credentials.passphrase ?? "", secret: secret),
                    "KC-API-KEY-VERSION": KuCoinSigner.keyVersion,
                    "Content-Type": "application/json",
                ]
                return OutgoingRequest(url: try ResponseSupport.url(baseURL, path: endpoint), headers: headers)
            }
            if let error = KuCoinErrors.classify(result) { throw error }
            let envelope = try ResponseSupport.decode(Envelope<T>.self, from: result, exchange: .kucoin)
            guard envelope.code != nil else {
                throw ExchangeError(.badResponse, exchange: .kucoin, detail: "response without code")
            }
            guard let data = envelope.data else {
                throw ExchangeError(.badResponse, exchange: .kucoin, detail: "response without data")
            }
            return data
        }
    }
}
