import Foundation

/// Bitvavo v2 with key + secret (exchanges-okx-bybit-bitvavo.md §C). A read is `GET /v2/balance` (spot, must
/// succeed) plus `GET /v2/stakingBalance` (fixed staking; a key refused with errorCode 311 there while `/balance`
/// worked leaves the wallet unread), summed per asset (`BitvavoWallets`: the two are disjoint, §C.1).
///
/// Every signed call runs under `ServerClock.withClockRetry`: errorCode 304/302 (late or malformed timestamp,
/// §C.3) carries no server time, so the client reads `GET /v2/time`, stores the offset and retries once.
struct BitvavoClient: ExchangeClient {
    let credentials: Credentials
    let configuration: ExchangeConfiguration

    var exchange: ExchangeID { .bitvavo }
    private var baseURL: URL { configuration.baseURL(for: .bitvavo) }

    /// `GET /v2/balance` (weight 5, §C.1).
    static let balancePath = "/v2/balance"
    /// `GET /v2/stakingBalance` (weight 5, §C.1).
    static let stakingBalancePath = "/v2/stakingBalance"
    /// `GET /v2/time` → `{"time": <ms>}` (public, weight 1, §C.3).
    static let timePath = "/v2/time"

    private struct ServerTime: Decodable { let time: LenientInt64 }

    /// Spot and fixed-staking rows summed per asset, with `staking` listed as unread when the key is refused it
    /// (311). Throws when `/v2/balance` fails, when staking fails for any other reason, or `bad_response` for a
    /// row that cannot be a holding (`BitvavoWallets`).
    func readBalances() async throws -> AccountBalances {
        // The spot wallet first: if it fails the whole read fails, before spending weight on staking.
        var rows = try BitvavoWallets.spotRows(try await get([BitvavoWallets.SpotRow].self, path: Self.balancePath))
        var unread: [UnreadWallet] = []
        do {
            rows += try BitvavoWallets.stakingRows(
                try await get([BitvavoWallets.StakingRow].self, path: Self.stakingBalancePath))
        } catch let error as ExchangeError where error.code == .permissionDenied && error.detail == BitvavoErrors.noViewRight {
            // Only 311 ("does not allow showing account information") makes the wallet unread; a locked account
            // (317) or anything else fails the read.
            unread.append(UnreadWallet(wallet: BitvavoWallets.staking, message:
                "Bitvavo did not let this key read fixed-staking balances (errorCode 311), so staked coins are not " +
                "included. Tick \"View\" on the key in Bitvavo's API settings to include them."))
        }
        return AccountBalances(balances: try BalanceAggregator.aggregate(rows, exchange: .bitvavo), unreadWallets: unread)
    }

    /// Bitvavo has no endpoint that reports a key's rights (§C.4), so this proves only what a successful signed
    /// `GET /v2/balance` proves: the key is active, signs correctly and has View. Decided: `/v2/balance` rather
    /// than `/v2/account`, because its answer shape and weight are verified and it needs exactly the View right
    /// a read needs (`/v2/account`'s fields are UNVERIFIED). Trade and Withdraw stay unknown (nil): Holdfast never
    /// claims a Bitvavo key is read-only.
    func permissions() async throws -> KeyPermissions {
        _ = try BitvavoWallets.spotRows(try await get([BitvavoWallets.SpotRow].self, path: Self.balancePath))
        return KeyPermissions(canRead: true, canTrade: nil, canWithdraw: nil)
    }

    /// Bitvavo's clock from `GET /v2/time` (`{"time": <ms>}`); `bad_response` for a time outside 2015…2200.
    func serverTime() async throws -> Date {
        let (serverMs, _) = try await readServerTime()
        return Date(timeIntervalSince1970: Double(serverMs) / 1000)
    }

    /// `GET /v2/time`, unsigned, charged to the per-IP public pool.
    private func readServerTime() async throws -> (Int64, HTTPResult) {
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(baseURL, path: Self.timePath),
            cost: configuration.cost(.bitvavoPublic, weight: RequestWeight.bitvavoTime))
        if let error = BitvavoErrors.classify(result) { throw error }
        let time = try ResponseSupport.decode(ServerTime.self, from: result, exchange: .bitvavo).time
        return (try ServerClock.checkedServerTimeMs(time.value, exchange: .bitvavo), result)
    }

    private func measureOffset() async throws -> Int64 {
        let (serverMs, result) = try await readServerTime()
        return ServerClock.offsetMs(serverTimeMs: serverMs, sentAt: result.sentAt, receivedAt: result.receivedAt)
    }

    /// The decoded answer of a signed `GET path` (no query, no body), charged to the key's pool with weight 5,
    /// signed after the budget wait so the timestamp is fresh. Throws the `BitvavoErrors` classification, or
    /// `bad_response` for an answer that is not `T`.
    func get<T: Decodable & Sendable>(_ type: T.Type, path: String) async throws -> T {
        try await ServerClock.withClockRetry(key: configuration.clockKey(for: .bitvavo),
                                             measure: { try await measureOffset() }) { offset in
            let cost = configuration.cost(.bitvavoPrivate, weight: RequestWeight.bitvavoBalance,
                                          apiKey: credentials.apiKey)
            let result = try await configuration.send("GET", cost: cost) {
                var headers = BitvavoSigner.headers(
                    apiKey: credentials.apiKey, secret: credentials.apiSecret,
                    timestampMs: ServerClock.nowMs(offset: offset), method: "GET", path: path)
                // Documented for every request (§C.2); one user fixed a 301 by adding it.
                headers["Content-Type"] = "application/json"
                return OutgoingRequest(url: try ResponseSupport.url(baseURL, path: path), headers: headers)
            }
            if let error = BitvavoErrors.classify(result) { throw error }
            return try ResponseSupport.decode(T.self, from: result, exchange: .bitvavo)
        }
    }
}
