import Foundation

/// Kraken spot: `POST /0/private/BalanceEx` and `POST /0/private/Earn/Allocations` (plus `Earn/Strategies` when
/// there are allocations) with a persisted, strictly increasing nonce per key; `GET /0/public/Assets` when a
/// balance id needs it.
///
/// Every private call for a key runs through `KeyedSerialExecutor`, so nonces reach Kraken in order.
struct KrakenClient: ExchangeClient {
    let credentials: Credentials
    let configuration: ExchangeConfiguration

    var exchange: ExchangeID { .kraken }
    private var baseURL: URL { configuration.baseURL(for: .kraken) }

    /// `{"error":[],"result":{…}}` (exchanges.md §3.1). `error` must be there. A missing `result` is what a
    /// never-funded account really answers, so it reads as no balances; a `result` that is null or not an
    /// object is not a listing and fails the read (`bad_response`).
    private struct BalanceEnvelope: Decodable {
        struct Entry: Decodable {
            let balance: AmountText
            let hold_trade: AmountText?
        }
        let result: [String: Entry]

        private enum CodingKeys: String, CodingKey { case error, result }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            _ = try container.decode([String].self, forKey: .error)
            result = container.contains(.result) ? try container.decode([String: Entry].self, forKey: .result) : [:]
        }
    }

    private struct TimeEnvelope: Decodable {
        struct Time: Decodable { let unixtime: LenientInt64 }
        let result: Time?
    }

    /// Every `BalanceEx` row, resolved per exchanges.md §8.1: suffixed and lock-up ids fold into their base asset
    /// under the wallet the suffix names, `.T` ids stay their own assets, fee credits are left out. Kraken's
    /// asset list is read only when a suffixed id's stem is not settled by the rename table or by a plain id
    /// in the same answer.
    func readBalances() async throws -> AccountBalances {
        let entries = try await privateCall(BalanceEnvelope.self, path: "/0/private/BalanceEx").result
        var known = Set(entries.keys.map { $0.uppercased() }.filter { !$0.contains(".") })
        if entries.keys.contains(where: { KrakenAssetID.needsCatalog($0, locallyKnown: known) }) {
            known.formUnion(
                try await KrakenAssetCache.shared.knownCodes(configuration: configuration))
        }
        let rows = try entries.sorted { $0.key < $1.key }.map { asset, entry -> RawBalance in
            let hold = entry.hold_trade?.text ?? "0"
            guard let free = DecimalString.subtract(entry.balance.text, hold) else {
                throw ExchangeError(.badResponse, exchange: .kraken, detail: "non-decimal amount for \(asset)")
            }
            let normalized = AssetNormalizer.normalized(KrakenAssetID.resolve(asset, isKnown: known.contains),
                                                        rawAsset: asset)
            // Staked, bonded, earn and held balances cannot be traded: all of it is locked (§3.6, §8.1).
            if let wallet = normalized.wallet, Self.heldWallets.contains(wallet) {
                return RawBalance(wallet: "spot", asset: asset, free: "0", locked: entry.balance.text, normalized: normalized)
            }
            return RawBalance(wallet: "spot", asset: asset, free: free, locked: hold, normalized: normalized)
        }
        let (allocations, unread) = try await earnAllocations()
        // Strategies are read only when there is an allocation to classify (no permission needed for them).
        let counted = allocations.isEmpty ? [] : KrakenEarn.countedStrategies(
            try await privateCall(KrakenEarn.StrategiesEnvelope.self, path: "/0/private/Earn/Strategies").result?.items ?? [])
        return AccountBalances(balances: try BalanceAggregator.aggregate(
            KrakenEarn.reconcile(rows, allocations: allocations, counted: counted), exchange: .kraken),
            unreadWallets: unread.map { [$0] } ?? [])
    }

    /// Wallets of suffixed ids whose whole balance is held, not available to trade (`.S`, lock-up ids, `.P`, `.B`,
    /// `.HOLD`); `.M` rewards, `.F` auto-earn and `.T` tokenized balances keep their free part.
    static let heldWallets: Set<String> = ["staked", "bonded", "earn", "hold"]

    /// The key's Earn allocations (§8.3). A key refused the Earn call (`EGeneral:Permission denied`) still reads
    /// its balances: the allocations mirrored in `BalanceEx` are counted from there, and the wallet
    /// `earn-allocations` is reported unread (allocations Kraken does not mirror would be missing). An answer
    /// without `result` or `items` reads as no allocations, as `BalanceEx` does for a never-funded account.
    private func earnAllocations() async throws -> ([KrakenEarn.Envelope.Item], UnreadWallet?) {
        do {
            return (try await privateCall(KrakenEarn.Envelope.self, path: "/0/private/Earn/Allocations",
                                          parameters: "hide_zero_allocations=true").result?.items ?? [], nil)
        } catch let error as ExchangeError where error.code == .permissionDenied {
            return ([], UnreadWallet(wallet: "earn-allocations", message:
                "Kraken refused this key its Earn allocations; give the key the Query Funds permission so Earn positions "
                + "that Kraken does not list in the balance are counted."))
        }
    }

    /// Kraken offers no endpoint describing a key's permissions: a successful balance read is all we know.
    func permissions() async throws -> KeyPermissions {
        _ = try await privateCall(BalanceEnvelope.self, path: "/0/private/BalanceEx")
        return KeyPermissions(canRead: true, canTrade: nil, canWithdraw: nil)
    }

    func serverTime() async throws -> Date {
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(baseURL, path: "/0/public/Time"),
            cost: configuration.cost(.krakenPublic, weight: 1))
        if let error = KrakenErrors.classify(result) { throw error }
        guard let seconds = try ResponseSupport.decode(TimeEnvelope.self, from: result, exchange: .kraken).result?.unixtime
        else { throw ExchangeError(.badResponse, exchange: .kraken, detail: "time without result") }
        let ms = try ServerClock.checkedServerTimeMs(seconds: seconds.value, exchange: .kraken)
        return Date(timeIntervalSince1970: Double(ms) / 1000)
    }

    /// One private call, serialized per key; an invalid nonce (another client raced us) is retried once with a
    /// fresh, larger nonce. `parameters` (form-encoded, may be empty) follow the nonce in the signed body.
    private func privateCall<T: Decodable & Sendable>(
        _ type: T.Type, path: String, parameters: String = ""
    ) async throws -> T {
        try await KeyedSerialExecutor.shared.run(key: "kraken:" + credentials.apiKey) {
            do {
                return try await attempt(type, path: path, parameters: parameters)
            } catch let error as ExchangeError where error.code == .nonceConflict {
                return try await attempt(type, path: path, parameters: parameters)
            }
        }
    }

    private func attempt<T: Decodable>(_ type: T.Type, path: String, parameters: String) async throws -> T {
        let nowMs = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        let nonce: UInt64
        do {
            nonce = try await configuration.nonceStore.nextNonce(forKey: credentials.apiKey, atLeast: nowMs)
        } catch {
            throw ExchangeError(.nonceConflict, message:
                "Holdfast could not record the Kraken nonce on this server (\(error)). Check that the nonce " +
                "directory is writable.", exchange: .kraken, detail: "nonce store")
        }
        let body = "nonce=\(nonce)" + (parameters.isEmpty ? "" : "&" + parameters)
        guard let signature = KrakenSigner.signature(path: path, nonce: String(nonce), body: body,
                                                     secret: credentials.apiSecret)
        else { throw ExchangeError(.invalidSignature, exchange: .kraken, detail: "secret is not base64") }
        let result = try await configuration.send(
            "POST", try ResponseSupport.url(baseURL, path: path),
            headers: ["API-Key": credentials.apiKey, "API-Sign": signature,
                      "Content-Type": "application/x-www-form-urlencoded"],
            body: Data(body.utf8),
            cost: configuration.cost(.krakenPrivate, weight: RequestWeight.krakenPrivateCall, apiKey: credentials.apiKey))
        if let error = KrakenErrors.classify(result) { throw error }
        return try ResponseSupport.decode(T.self, from: result, exchange: .kraken)
    }
}
