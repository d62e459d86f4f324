import Foundation

/// Bybit v5 with an HMAC key, on the host of the key's region (exchanges-okx-bybit-bitvavo.md §B).
///
/// A read asks the account mode first (`BybitAccountMode`, §B.1), then reads each place assets live exactly once
/// (`BybitWallets`, §B.2): the Unified Trading Account net of borrowed coins, the inverse `CONTRACT` wallet of a
/// UTA 1.0 account, the Funding account, and Earn (Flexible Saving, On-chain). The asset overview is only a
/// completeness check (`BybitOverview`), never added. Signing: `BybitSigner`; errors: `BybitErrors`; budgets:
/// `BybitEndpoint`.
struct BybitClient: ExchangeClient {
    let credentials: Credentials
    let configuration: ExchangeConfiguration

    var exchange: ExchangeID { .bybit }
    /// The host of the entity that issued the key (§B.1, §E.5).
    var baseURL: URL { configuration.baseURL(for: .bybit, region: credentials.region) }
    /// True on the default (global) host: the asset overview exists only there (§B.2).
    var isGlobalHost: Bool { credentials.region == nil || credentials.region == ExchangeID.bybit.info.defaultRegion?.id }

    /// `{"retCode":0,"retMsg":"OK","result":{…},"retExtInfo":{},"time":…}` (§B.6): without `retCode` or
    /// `result` an answer proves nothing.
    private struct Envelope<Result: Decodable>: Decodable {
        let retCode: Int?
        let result: Result?
    }

    /// `GET /v5/market/time` `result` (§B.4): `timeSecond` and `timeNano`, both strings.
    private struct Time: Decodable {
        let timeSecond: LenientInt64?
        let timeNano: LenientInt64?
    }

    func readBalances() async throws -> AccountBalances {
        try BybitSigner.checkSecret(credentials.apiSecret)
        let mode = try await BybitAccountMode.read(using: self)
        return try await BybitWallets.read(mode: mode, using: self)
    }

    func permissions() async throws -> KeyPermissions {
        try BybitSigner.checkSecret(credentials.apiSecret)
        return try await BybitKeyInfo.read(using: self)
    }

    func serverTime() async throws -> Date {
        let (serverMs, _) = try await readServerTime()
        return Date(timeIntervalSince1970: Double(serverMs) / 1000)
    }

    /// The public time call: `timeNano` (ms precision) when present, else `timeSecond`; `bad_response` when
    /// neither is a believable time.
    private func readServerTime() async throws -> (Int64, HTTPResult) {
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(baseURL, path: BybitEndpoint.time.path),
            cost: BybitEndpoint.ipCost(in: configuration))
        if let error = BybitErrors.classify(result, region: credentials.region) { throw error }
        let envelope = try ResponseSupport.decode(Envelope<Time>.self, from: result, exchange: .bybit)
        guard let time = envelope.result else {
            throw ExchangeError(.badResponse, exchange: .bybit, detail: "time without result")
        }
        if let nano = time.timeNano {
            return (try ServerClock.checkedServerTimeMs(nano.value / 1_000_000, exchange: .bybit), result)
        }
        guard let seconds = time.timeSecond else {
            throw ExchangeError(.badResponse, exchange: .bybit, detail: "time without timeSecond")
        }
        return (try ServerClock.checkedServerTimeMs(seconds: seconds.value, exchange: .bybit), result)
    }

    private func measureOffset() async throws -> Int64 {
        let (serverMs, result) = try await readServerTime()
        return ServerClock.offsetMs(serverTimeMs: serverMs, sentAt: result.sentAt, receivedAt: result.receivedAt)
    }

    /// The `result` of a signed `GET endpoint?query` (query exactly as signed and sent; "" sends no `?`), after
    /// `BybitErrors`. The first offset of a host is measured from the time endpoint; a 10002 answer carries the
    /// server clock (§B.4), which becomes the offset for one retry without another call, and a second 10002
    /// is `clock_skew` with that offset. Throws `bad_response` for an answer without `retCode` or `result`.
    func get<T: Decodable & Sendable>(_ type: T.Type, _ endpoint: BybitEndpoint, query: String = "") async throws -> T {
        let key = configuration.clockKey(for: .bybit, region: credentials.region)
        var offset = try await ServerClock.shared.offset(for: key, measure: { try await measureOffset() })
        var retried = false
        while true {
            let result = try await send(endpoint, query: query, offset: offset)
            guard let error = BybitErrors.classify(result, region: credentials.region) else {
                let envelope = try ResponseSupport.decode(Envelope<T>.self, from: result, exchange: .bybit)
                guard envelope.retCode != nil else {
                    throw ExchangeError(.badResponse, exchange: .bybit, detail: "response without retCode")
                }
                guard let payload = envelope.result else {
                    throw ExchangeError(.badResponse, exchange: .bybit, detail: "response without result")
                }
                return payload
            }
            guard error.code == .clockSkew else {
                await noteRefusal(error, endpoint: endpoint)
                throw error
            }
            // The server's own clock from the refusal; without it (an unexpected text) the time endpoint is asked.
            let measured: Int64
            if let serverMs = BybitErrors.serverTimestamp(in: result) {
                measured = ServerClock.offsetMs(serverTimeMs: serverMs, sentAt: result.sentAt, receivedAt: result.receivedAt)
            } else {
                measured = try await measureOffset()
            }
            if retried { throw error.withClockOffset(measured) }
            retried = true
            offset = try await ServerClock.shared.refresh(for: key, measure: { measured })
        }
    }

    /// Sends one signed GET through both budgets it counts against: the IP's, then the key's for `endpoint`
    /// (§B.7). The timestamp is taken after the budget wait, so it is fresh when the request leaves.
    private func send(_ endpoint: BybitEndpoint, query: String, offset: Int64) async throws -> HTTPResult {
        try await configuration.waitForBudget(BybitEndpoint.ipCost(in: configuration))
        return try await configuration.send("GET", cost: endpoint.uidCost(in: configuration, apiKey: credentials.apiKey)) {
            let timestamp = String(ServerClock.nowMs(offset: offset))
            return OutgoingRequest(url: try ResponseSupport.url(baseURL, path: endpoint.path, query: query),
                                   headers: BybitSigner.headers(timestamp: timestamp, query: query,
                                                                credentials: credentials))
        }
    }

    /// Tells the budget what a rate-limit refusal said, so the next sync waits instead of asking again: 10006
    /// pauses the key's scope for the endpoint until Bybit's reset time, the IP 403 pauses the IP for 10 min.
    private func noteRefusal(_ error: ExchangeError, endpoint: BybitEndpoint) async {
        guard error.code == .rateLimited, !error.isLocalBudgetRefusal, let seconds = error.retryAfter else { return }
        let scope = error.detail == "10006"
            ? endpoint.uidCost(in: configuration, apiKey: credentials.apiKey).scope
            : BybitEndpoint.ipCost(in: configuration).scope
        try? await configuration.budget.record(BudgetFeedback(blockedForSeconds: seconds), in: scope, at: Date())
    }
}
