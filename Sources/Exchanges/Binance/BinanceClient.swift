import Foundation

/// Binance with an HMAC, Ed25519 or RSA key (exchanges.md §1.2, §7.6): spot (`GET /api/v3/account`), then the
/// funding wallet, Simple Earn flexible and locked positions, BFUSD and RWUSD (§7.1–§7.4), every call signed in
/// the query string (§7.5). Endpoints and weights: `BinanceEndpoint`; how the wallets combine: `BinanceWallets`.
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

    /// Reads spot first (it proves the key and the IP), then every other wallet. A wallet Binance refuses for
    /// lack of permission (`BinanceErrors.isPermissionRefusal`) is left out and listed in `unreadWallets`; any
    /// other failure of any wallet fails the whole read with its own code.
    func readBalances() async throws -> AccountBalances {
        let key = try BinanceKey(secret: credentials.apiSecret)
        let account = try await fetchAccount(key: key)
        var read = BinanceWallets.Read(spot: account.balances.map {
            RawBalance(wallet: BinanceWallets.spot, asset: $0.asset, free: $0.free.text, locked: $0.locked.text)
        })
        var unread: [UnreadWallet] = []
        func readable<T>(_ wallet: String, _ body: () async throws -> T?) async throws -> T? {
            do {
                return try await body()
            } catch let refusal as WalletRefusal {
                unread.append(UnreadWallet(wallet: wallet, message: Self.unreadMessage(wallet, code: refusal.code)))
                return nil
            }
        }
        read.funding = try await readable(BinanceWallets.funding) {
            try await signedCall([BinanceWallets.FundingRow].self, .fundingAsset,
                                 [("needBtcValuation", "false")], key: key)
        }
        read.flexible = try await readable(BinanceWallets.earnFlexible) {
            try await BinanceEarnPaging.readAll(listing: "flexible", identity: { row in
                row.productId.map { row.asset.uppercased() + "|" + $0.text }
            }) { current in
                try await signedCall(BinanceEarnPaging.Page<BinanceWallets.FlexibleRow>.self, .flexiblePosition,
                                     Self.pageParameters(current), key: key)
            }
        }
        read.locked = try await readable(BinanceWallets.earnLocked) {
            try await BinanceEarnPaging.readAll(listing: "locked", identity: { $0.positionId?.text }) { current in
                try await signedCall(BinanceEarnPaging.Page<BinanceWallets.LockedRow>.self, .lockedPosition,
                                     Self.pageParameters(current), key: key)
            }
        }
        read.bfusd = try await readable(BinanceWallets.bfusd) {
            try await signedCall(BinanceWallets.BFUSDAccount.self, .bfusdAccount, [], key: key).bfusdAmount.text
        }
        read.rwusd = try await readable(BinanceWallets.rwusd) {
            try await signedCall(BinanceWallets.RWUSDAccount.self, .rwusdAccount, [], key: key).rwusdAmount.text
        }
        let (rows, notes) = try BinanceWallets.rows(read)
        return AccountBalances(balances: try BalanceAggregator.aggregate(rows, exchange: .binance),
                               unreadWallets: unread, notes: notes)
    }

    /// Thrown inside `readBalances` for a wallet Binance refused to this key; never leaves it.
    private struct WalletRefusal: Error { let code: String }

    /// `current` and the largest `size` for a Simple Earn page (exchanges.md §7.2).
    private static func pageParameters(_ current: Int) -> [(String, String)] {
        [("current", String(current)), ("size", String(BinanceEndpoint.earnPageSize))]
    }

    /// What a person does about a wallet Binance would not let the key read.
    static func unreadMessage(_ wallet: String, code: String) -> String {
        let name: String
        switch wallet {
        case BinanceWallets.funding: name = "Funding wallet"
        case BinanceWallets.earnFlexible: name = "Simple Earn flexible positions"
        case BinanceWallets.earnLocked: name = "Simple Earn locked positions"
        case BinanceWallets.bfusd: name = "BFUSD balance"
        case BinanceWallets.rwusd: name = "RWUSD balance"
        default: name = wallet
        }
        // Flexible positions are still counted from the LD… rows Binance mirrors in the spot wallet (§7.3).
        let consequence = wallet == BinanceWallets.earnFlexible
            ? "so they are counted from the LD… rows Binance mirrors in the spot wallet, which may miss some positions."
            : "so it is left out of the balances."
        return "Binance did not let this API key read the \(name) (\(code)), \(consequence) " +
            "Edit the key on Binance and make sure 'Enable Reading' is on, then sync again (Holdfast never needs " +
            "trading or withdrawal permissions)."
    }

    func permissions() async throws -> KeyPermissions {
        let account = try await fetchAccount(key: try BinanceKey(secret: credentials.apiSecret))
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

    /// `GET /api/v3/account`. The key type is read by the caller first, so a secret Holdfast cannot sign with
    /// fails before any request.
    private func fetchAccount(key: BinanceKey) async throws -> Account {
        try await ServerClock.withClockRetry(key: configuration.clockKey(for: .binance), measure: { try await measureOffset() }) { offset in
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

    /// One signed SAPI call to `endpoint` with `parameters` (then `recvWindow`, `timestamp`) in the query and an
    /// empty body for POST, as Binance's SDK sends them (exchanges.md §7.1, §7.5), decoded as `T`. Throws
    /// `WalletRefusal` for a permission refusal, the classified `ExchangeError` for any other failure (a clock
    /// error re-measures and retries once), `bad_response` for a body that is not a `T`.
    private func signedCall<T: Decodable & Sendable>(
        _ type: T.Type, _ endpoint: BinanceEndpoint, _ parameters: [(String, String)], key: BinanceKey
    ) async throws -> T {
        let result = try await ServerClock.withClockRetry(key: configuration.clockKey(for: .binance), measure: { try await measureOffset() }) { offset in
            let result = try await configuration.send(endpoint.method, cost: endpoint.cost(in: configuration)) {
                let signed = parameters + [("recvWindow", "5000"), ("timestamp", String(ServerClock.nowMs(offset: offset)))]
                let query = try BinanceSigner.signedQuery(signed, key: key)
                return OutgoingRequest(url: try ResponseSupport.url(baseURL, path: endpoint.path, query: query),
                                       headers: ["X-MBX-APIKEY": credentials.apiKey],
                                       body: endpoint.method == "POST" ? Data() : nil)
            }
            // Only a clock error is thrown here, so that withClockRetry can retry it.
            if let error = BinanceErrors.classify(result), error.code == .clockSkew { throw error }
            return result
        }
        if BinanceErrors.isPermissionRefusal(result) {
            throw WalletRefusal(code: BinanceErrors.classify(result)?.detail ?? "HTTP \(result.status)")
        }
        if let error = BinanceErrors.classify(result) { throw key.explaining(error) }
        return try ResponseSupport.decode(T.self, from: result, exchange: .binance)
    }
}
