import Exchanges
import Foundation

/// Bitvavo v2 (exchanges-okx-bybit-bitvavo.md §C): public `GET /v2/time` and `GET /v2/ticker/price`
/// (`BitvavoMarketBodies`), signed `GET /v2/balance` and
/// `GET /v2/stakingBalance`, the access-window rule of §C.3, per-key weight counting with the
/// `bitvavo-ratelimit-*` headers (§C.6) and the `{"errorCode":…,"error":"…"}` bodies of §C.5.
///
/// Decisions where the facts are UNVERIFIED, each made so the client is tested at least as hard as by the real
/// exchange: every 3xx errorCode is sent with HTTP 403 (§C.5 "assume 403"); the checks run in the order below;
/// a timestamp more than the access window *ahead* of the server clock is refused with 304 like a late one
/// (§C.3 leaves the tolerance for early timestamps open); texts not quoted in §C.5 are our own wording.
struct BitvavoSimulator: ExchangeSimulator {
    var exchange: ExchangeID { .bitvavo }

    /// The sandbox's per-key and per-IP weight counts (§C.6).
    let counter = BitvavoWeightCounter()

    /// The published weight limit per minute (§C.6).
    static let publishedWeightLimit = 1_000

    /// Paths that need a signature, with their weight (§C.1, §C.6).
    static let signedWeights = ["/v2/balance": 5, "/v2/stakingBalance": 5]
    /// Public paths with their weight: `/time` (§C.6) and the price ticker (`BitvavoMarketData`), both 1.
    static let publicWeights = ["/v2/time": 1, BitvavoMarketBodies.tickerPricePath: 1]

    /// Routes `/v2/time` (public) and the two signed listings; any other path is the sandbox's 404.
    func handle(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        switch (request.method, request.path) {
        case ("GET", "/v2/time"):
            return .response(.json(200, "{\"time\":\(state.serverNowMs(.bitvavo))}"))
        case ("GET", BitvavoMarketBodies.tickerPricePath):
            return .response(BitvavoMarketBodies.tickerPrice(query: request.query, now: Date()))
        case ("GET", "/v2/balance"), ("GET", "/v2/stakingBalance"):
            return signed(request, state: state)
        default:
            return notFound(request)
        }
    }

    /// `{"errorCode":code,"error":text}` with `status`.
    static func error(_ status: Int, _ code: Int, _ text: String, headers: [(String, String)] = []) -> ServerResponse {
        .json(status, object: ["errorCode": code, "error": text], headers: headers)
    }

    private func refuse(_ code: Int, _ text: String) -> SimulatorOutcome {
        .response(Self.error(403, code, text))
    }

    /// Bitvavo's checks of a signed request, in this order: headers present (300), key length (301),
    /// timestamp in ms (302), window in range (303), key known (305), key confirmed (306), access window (304),
    /// signature shape (308), signature (309); then the account's own state (317, and 311 on staking).
    private func signed(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        let h = request.headers
        guard let key = h["bitvavo-access-key"], let signature = h["bitvavo-access-signature"],
              let timestampText = h["bitvavo-access-timestamp"] else {
            return refuse(300, "Authentication is required for this endpoint.")
        }
        guard key.utf8.count == 64 else { return refuse(301, "API Key must be of length 64.") }
        guard let timestamp = Int64(timestampText), timestamp > 0 else {
            return refuse(302, "Timestamp is invalid. This must be a timestamp in ms.")
        }
        var window: Int64 = 10_000
        if let windowText = h["bitvavo-access-window"] {
            guard let value = Int64(windowText), (100...60_000).contains(value) else {
                return refuse(303, "Window must be between 100 and 60000 ms.")
            }
            window = value
        }
        guard let account = state.account(.bitvavo, apiKey: key) else {
            return refuse(305, "No active API key found.")
        }
        let knobs = account.bitvavo ?? FixtureBitvavo()
        if knobs.unconfirmedKey == true {
            return refuse(306, "No active API key found. Confirm the key from the e-mail before using it.")
        }
        let now = state.signedNowMs(.bitvavo, account: account)
        let (late, overflow) = now.subtractingReportingOverflow(timestamp)
        guard !overflow, late <= window, late >= -window else {
            return refuse(304, "Request was not received within acceptable window (default 30s, or custom with " +
                "Bitvavo-Access-Window header) of Bitvavo-Access-Timestamp header.")
        }
        guard BitvavoSignatureCheck.hasValidShape(signature) else {
            return refuse(308, "The signature length is invalid (HMAC-SHA256 should return a 64 length hexadecimal string).")
        }
        guard BitvavoSignatureCheck.isValid(signature, timestamp: timestampText, method: request.method,
                                            target: request.target, body: [UInt8](request.body),
                                            secret: account.apiSecret) else {
            return refuse(309, "The signature is invalid.")
        }
        if knobs.accountLocked == true { return refuse(317, "This account is locked. Please contact support.") }
        if request.path == "/v2/stakingBalance" {
            if knobs.stakingRefused == true { return .response(permissionDenied()) }
            if let code = knobs.stakingErrorCode {
                return .response(code == 101 ? Self.unknownError(500) : Self.error(403, code, "Staking refused (sandbox knob)."))
            }
            return .authenticated(account) { .json(200, object: Self.stakingRows(knobs.staking ?? [])) }
        }
        return .authenticated(account) { .json(200, object: Self.balanceRows(account.balances)) }
    }

    /// `/v2/balance` rows: one per symbol, assets above zero only (§C.1); amounts canonical when they parse,
    /// as given otherwise (hostile fixtures).
    static func balanceRows(_ balances: [FixtureBalance]) -> [[String: Any]] {
        SimulatorSupport.merged(balances, byWallet: false).compactMap { row in
            if let total = DecimalString.add(row.free, row.lockedAmount), DecimalString.isZero(total) { return nil }
            return ["symbol": row.asset, "available": DecimalString.canonical(row.free) ?? row.free,
                    "inOrder": DecimalString.canonical(row.lockedAmount) ?? row.lockedAmount]
        }
    }

    /// `/v2/stakingBalance` rows, amounts served like `balanceRows`.
    static func stakingRows(_ positions: [FixtureBitvavoStaking]) -> [[String: Any]] {
        positions.map { ["symbol": $0.symbol, "amount": DecimalString.canonical($0.amount) ?? $0.amount] }
    }

    /// Every request is charged: signed paths to the key named in `Bitvavo-Access-Key` (limit from its
    /// `weightLimit` knob), anything else to the caller's IP. Each answer carries the three
    /// `bitvavo-ratelimit-*` headers; past the limit the answer is 429 errorCode 110 (§C.6).
    func rateCharge(_ request: ServerRequest, state: SandboxState) -> RateCharge {
        guard request.path.hasPrefix("/v2/") else { return RateCharge() }
        let weight = Self.signedWeights[request.path] ?? Self.publicWeights[request.path] ?? 1
        var scope = "ip " + request.remoteAddress
        var limit = Self.publishedWeightLimit
        if let key = request.headers["bitvavo-access-key"], !key.isEmpty {
            scope = "key " + key
            limit = max(1, state.account(.bitvavo, apiKey: key)?.bitvavo?.weightLimit ?? limit)
        }
        let charge = counter.charge(weight, scope: scope, limit: limit,
                                    nowMs: Int64(Date().timeIntervalSince1970 * 1000))
        var result = RateCharge(headers: [
            ("bitvavo-ratelimit-limit", String(limit)), ("bitvavo-ratelimit-remaining", String(charge.remaining)),
            ("bitvavo-ratelimit-resetat", String(charge.resetAtMs)),
        ])
        if !charge.allowed {
            result.refusal = Self.error(429, 110, Self.banText(until: charge.resetAtMs))
        }
        return result
    }

    /// The public price ticker: the `marketDown` knob makes it answer 503.
    func isMarketData(_ path: String) -> Bool { path == BitvavoMarketBodies.tickerPricePath }

    /// The ban text (observed in public Bitvavo clients; §C.5 quotes only its end, "The ban expires at <ms>.").
    static func banText(until: Int64) -> String {
        "Your IP or API key has been banned for not respecting the rate limit. The ban expires at \(until)."
    }

    /// The `rateLimited` knob: the older ban form, 429 errorCode 105 whose text names the ban's end
    /// `retryAfter` seconds from now (§C.5); Bitvavo sends no `Retry-After` header.
    func rateLimited(retryAfter: Int) -> ServerResponse {
        let until = Int64(Date().timeIntervalSince1970 * 1000) + Int64(retryAfter) * 1000
        return Self.error(429, 105, Self.banText(until: until))
    }

    /// errorCode 307 (bitvavo/python-bitvavo-api#7, #30).
    func ipRestricted(_ request: ServerRequest) -> ServerResponse {
        Self.error(403, 307, "This key does not allow access from this IP.")
    }

    /// errorCode 311, the key lacks View (ccxt's error table).
    func permissionDenied() -> ServerResponse {
        Self.error(403, 311, "This key does not allow showing account information.")
    }

    /// errorCode 101 under `status`.
    func serverError(_ status: Int) -> ServerResponse { Self.unknownError(status) }

    /// errorCode 101 with `status` (observed under HTTP 500, §C.5).
    static func unknownError(_ status: Int) -> ServerResponse {
        error(status, 101, "Unknown error. Operation may or may not have succeeded.")
    }
}
