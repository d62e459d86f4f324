import Foundation

/// KuCoin with key + secret + passphrase (key version 2). A read first asks the account mode (exchanges.md §9.1,
/// `KuCoinAccountMode`): a unified trading account is read from the UTA balance alone (§9.2, `KuCoinUnified`); a
/// classic one from `GET /api/v1/accounts` over every account type, with margin wallets re-read net of borrowed
/// coins (§9.3, `KuCoinMargin`).
struct KuCoinClient: ExchangeClient {
    let credentials: Credentials
    let configuration: ExchangeConfiguration

    var exchange: ExchangeID { .kucoin }
    private var baseURL: URL { configuration.baseURL(for: .kucoin) }

    /// `{"code":"200000","data":…}` (exchanges.md §4.3): without the success code or `data` an answer proves nothing.
    struct Envelope<Payload: Decodable>: Decodable {
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
        switch try await KuCoinAccountMode.read(using: self) {
        case .unified:
            return AccountBalances(balances: try BalanceAggregator.aggregate(
                try await KuCoinUnified.rows(using: self), exchange: .kucoin))
        case .classic:
            return try await readClassic()
        }
    }

    /// A classic account: every `/api/v1/accounts` row, except that margin wallets (which hold borrowed coins,
    /// §9.3) are replaced by their own net read, or listed as unread when the key may not read them.
    private func readClassic() async throws -> AccountBalances {
        // No `type` filter: main (funding), trade (spot), trade_hf and any future type are all summed.
        let accounts = try await get([Account].self, endpoint: "/api/v1/accounts")
        var rows: [RawBalance] = []
        var marginWallets: [KuCoinMargin.Wallet] = []
        for account in accounts {
            // `balance` is not summed (available + holds is), but an unreadable one means an unreadable answer.
            if let balance = account.balance, DecimalString.canonical(balance.text) == nil {
                throw ExchangeError(.badResponse, exchange: .kucoin,
                                    detail: "non-decimal balance for \(account.currency)")
            }
            let row = RawBalance(wallet: account.type ?? "unknown", asset: account.currency,
                                 free: account.available.text, locked: account.holds.text)
            if let wallet = KuCoinMargin.Wallet(accountType: account.type) {
                // Amounts are still checked, so a hostile margin row fails the read like any other row.
                guard let gross = DecimalString.add(row.free, row.locked) else {
                    throw ExchangeError(.badResponse, exchange: .kucoin,
                                        detail: "non-decimal amount for \(account.currency)")
                }
                // An empty margin row costs no request: its net holding (gross − liability, at least 0) is 0.
                if !DecimalString.isZero(gross) && !marginWallets.contains(wallet) { marginWallets.append(wallet) }
            } else {
                rows.append(row)
            }
        }
        var unread: [UnreadWallet] = []
        for wallet in marginWallets {
            switch try await KuCoinMargin.read(wallet, using: self) {
            case .rows(let netRows): rows += netRows
            case .refused(let unreadWallet): unread.append(unreadWallet)
            }
        }
        return AccountBalances(balances: try BalanceAggregator.aggregate(rows, exchange: .kucoin),
                               unreadWallets: unread)
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

    /// The `data` of a signed `GET endpoint` (path plus `?query`, signed as sent, §4.2), after the one KuCoin
    /// classifier (`KuCoinErrors`: outages such as `503000` are `exchange_unavailable`, `400007` is
    /// `permission_denied`, …). Throws `bad_response` for an answer without `code` or `data`.
    func get<T: Decodable & Sendable>(_ type: T.Type, endpoint: String) async throws -> T {
        guard let data = try await signedGet(type, endpoint: endpoint, notFoundIsAbsent: false) else {
            throw ExchangeError(.badResponse, exchange: .kucoin, detail: "response without data")
        }
        return data
    }

    /// Like `get`, but nil when `notFoundIsAbsent` and KuCoin answers HTTP 404 (whatever the body): the endpoint
    /// does not exist for this account.
    func signedGet<T: Decodable & Sendable>(
        _ type: T.Type, endpoint: String, notFoundIsAbsent: Bool
    ) async throws -> T? {
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
            if notFoundIsAbsent && result.status == 404 { return nil }
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
