import Foundation

/// OKX v5 with key + secret + passphrase (exchanges-okx-bybit-bitvavo.md §A). A read sums the trading account,
/// the funding account, Simple Earn flexible and On-chain Earn (`OKXWallets`, §A.1); a place the key may not read
/// (50120/50030) is reported as an `UnreadWallet`, except trading, whose failure fails the read.
///
/// The host is the one of the connection's region (`Credentials.region`: global www.okx.com, EEA eea.okx.com,
/// US us.okx.com; §A.2), whose clock offset is remembered separately. Signed requests carry an ISO 8601
/// timestamp shifted by the measured offset; a 50102/50112 re-measures and retries once (`ServerClock`).
struct OKXClient: ExchangeClient {
    let credentials: Credentials
    let configuration: ExchangeConfiguration

    var exchange: ExchangeID { .okx }

    /// The region whose host is called (the default region when the connection names none).
    private var region: ExchangeRegion? {
        credentials.region.flatMap { ExchangeID.okx.info.region($0) } ?? ExchangeID.okx.info.defaultRegion
    }
    private var baseURL: URL { configuration.baseURL(for: .okx, region: credentials.region) }
    private var clockKey: String { configuration.clockKey(for: .okx, region: credentials.region) }

    /// `{"code":"0","msg":"","data":…}` after classification: without `data` an answer proves nothing.
    private struct Envelope<Payload: Decodable>: Decodable {
        let data: Payload?
    }

    /// `data[]` of the account configuration (§A.5): `perm` is a comma list of read_only, trade, withdraw.
    private struct Configuration: Decodable {
        let perm: String?
    }

    /// `data[]` of the public time: `ts` in ms, as a string.
    private struct Time: Decodable {
        let ts: LenientInt64
    }

    func readBalances() async throws -> AccountBalances {
        let accounts = try await get([OKXWallets.TradingAccount].self, .balance)
        guard !accounts.isEmpty else { throw ExchangeError.incompleteListing(.okx, detail: "trading balance without account") }
        var read = OKXWallets.Read(trading: [])
        for account in accounts {
            guard let details = account.details else {
                throw ExchangeError.incompleteListing(.okx, detail: "trading balance without details")
            }
            read.trading += details
        }
        var unread: [UnreadWallet] = []
        read.funding = try await wallet([OKXWallets.FundingRow].self, .funding, unread: &unread, message:
            "OKX refused this key access to the funding account, so its coins are not counted. Give the key the " +
            "Read permission on OKX to include them.")
        read.savings = try await wallet([OKXWallets.SavingsRow].self, .savings, unread: &unread, message:
            "OKX refused this key access to Simple Earn (savings), so coins in it are not counted. Give the key " +
            "the Read permission on OKX to include them.")
        read.onchain = try await wallet([OKXWallets.OnchainOrder].self, .onchainOrders, unread: &unread, message:
            "OKX refused this key access to On-chain Earn, so coins staked there are not counted. Give the key " +
            "the Read permission on OKX to include them.")
        let (rows, notes) = try OKXWallets.rows(read)
        return AccountBalances(balances: try BalanceAggregator.aggregate(rows, exchange: .okx),
                               unreadWallets: unread, notes: notes)
    }

    /// The `data` of `endpoint`, or nil with an `UnreadWallet` (named after the endpoint's wallet) when OKX says
    /// the key lacks the permission (§A.6 50120/50030). Any other failure fails the read.
    private func wallet<T: Decodable & Sendable>(
        _ type: T.Type, _ endpoint: OKXEndpoint, unread: inout [UnreadWallet], message: String
    ) async throws -> T? {
        do {
            return try await get(type, endpoint)
        } catch let error as ExchangeError where error.code == .permissionDenied {
            let name: String
            switch endpoint {
            case .funding: name = OKXWallets.funding
            case .savings: name = OKXWallets.earnFlexible
            default: name = OKXWallets.earnOnchain
            }
            unread.append(UnreadWallet(wallet: name, message: message))
            return nil
        }
    }

    /// Reads `GET /api/v5/account/config` (§A.5). A key is read-only when `perm` is exactly `read_only`; an
    /// answer without `perm` is `bad_response` (unknown rights are never reported as none).
    func permissions() async throws -> KeyPermissions {
        guard let perm = try await get([Configuration].self, .config).first?.perm else {
            throw ExchangeError(.badResponse, exchange: .okx, detail: "account config without perm")
        }
        let granted = Set(perm.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        return KeyPermissions(canRead: true, canTrade: granted.contains("trade"),
                              canWithdraw: granted.contains("withdraw"))
    }

    func serverTime() async throws -> Date {
        let (serverMs, _) = try await readServerTime()
        return Date(timeIntervalSince1970: Double(serverMs) / 1000)
    }

    /// `GET /api/v5/public/time` on the region's host: `data[0].ts`, checked to be a believable time.
    private func readServerTime() async throws -> (Int64, HTTPResult) {
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(baseURL, path: OKXEndpoint.time.path),
            cost: OKXEndpoint.time.cost(in: configuration, apiKey: credentials.apiKey))
        if let error = OKXErrors.classify(result, region: region) { throw error }
        guard let ms = try ResponseSupport.decode(Envelope<[Time]>.self, from: result, exchange: .okx).data?.first?.ts
        else { throw ExchangeError(.badResponse, exchange: .okx, detail: "time without data") }
        return (try ServerClock.checkedServerTimeMs(ms.value, exchange: .okx), result)
    }

    private func measureOffset() async throws -> Int64 {
        let (serverMs, result) = try await readServerTime()
        return ServerClock.offsetMs(serverTimeMs: serverMs, sentAt: result.sentAt, receivedAt: result.receivedAt)
    }

    /// The `data` of a signed `GET endpoint`, classified by `OKXErrors`. The request path is signed without the
    /// base URL's path (§A.3), so the signature is the same on every regional host. Throws `bad_response` for a
    /// success without `data`.
    func get<T: Decodable & Sendable>(_ type: T.Type, _ endpoint: OKXEndpoint) async throws -> T {
        try await ServerClock.withClockRetry(key: clockKey, measure: { try await measureOffset() }) { offset in
            let result = try await configuration.send(
                "GET", cost: endpoint.cost(in: configuration, apiKey: credentials.apiKey)
            ) {
                let timestamp = OKXSigner.timestamp(milliseconds: ServerClock.nowMs(offset: offset))
                var headers = OKXSigner.headers(
                    apiKey: credentials.apiKey, secret: credentials.apiSecret, passphrase: credentials.passphrase ?? "",
                    timestamp: timestamp, method: "GET", requestPath: endpoint.path)
                headers["Content-Type"] = "application/json"
                return OutgoingRequest(url: try ResponseSupport.url(baseURL, path: endpoint.path), headers: headers)
            }
            if let error = OKXErrors.classify(result, region: region) { throw error }
            guard let data = try ResponseSupport.decode(Envelope<T>.self, from: result, exchange: .okx).data else {
                throw ExchangeError.incompleteListing(.okx, detail: "response without data")
            }
            return data
        }
    }
}
