import Foundation

/// One request's place in the budget: the scope it spends from and its weight.
struct RequestCost: Sendable {
    /// The pool (for reading the answer's feedback).
    let pool: BudgetPool
    /// The scope instance.
    let scope: BudgetScope
    /// Units the request costs.
    let weight: Int
}

/// A request ready to send: signed after its budget was granted.
struct OutgoingRequest {
    let url: URL
    var headers: [String: String] = [:]
    var body: Data? = nil
}

extension ExchangeConfiguration {
    /// The cost of one request to `pool` for `apiKey` (per-key pools) or `endpoint` (per-endpoint pools),
    /// with this configuration's limit for the pool (`budgetLimits`), per-IP pools counted for this host's
    /// `egressID`.
    func cost(_ pool: BudgetPool, weight: Int, apiKey: String? = nil, endpoint: String? = nil) -> RequestCost {
        RequestCost(pool: pool, scope: BudgetScope(pool, baseURL: baseURL(for: pool.exchange), apiKey: apiKey,
                                                   endpoint: endpoint, egress: egressID, policy: budgetLimits[pool]),
                    weight: weight)
    }

    /// Sends one request through the budget: waits for `cost` to be affordable (up to `budgetWait`), sends
    /// with `HTTPTransport.send`, and records what the answer said about the exchange's count. The one place
    /// clients send from, so each request's budget is one argument.
    ///
    /// Throws `rate_limited` with `retryAfter` (whole seconds, at least 1) and `detail` "local request budget"
    /// when the budget cannot afford the request in time, without sending it; `exchange_unavailable` when the
    /// budget's storage fails.
    func send(
        _ method: String, _ url: URL, headers: [String: String] = [:], body: Data? = nil, cost: RequestCost
    ) async throws -> HTTPResult {
        try await send(method, cost: cost) { OutgoingRequest(url: url, headers: headers, body: body) }
    }

    /// `send(_:_:headers:body:cost:)` for a signed request: `sign` runs after the budget wait, so a timestamp
    /// in the signature is fresh when the request leaves (KuCoin allows ±5 s, Binance's recvWindow 5 s).
    func send(_ method: String, cost: RequestCost, signing sign: () throws -> OutgoingRequest) async throws -> HTTPResult {
        let exchange = cost.pool.exchange
        try await waitForBudget(cost)
        let request = try sign()
        let result = try await transport.send(method, request.url, headers: request.headers, body: request.body,
                                              exchange: exchange)
        let feedback = BudgetFeedback.read(result, pool: cost.pool, policy: cost.scope.policy)
        if !feedback.isEmpty {
            // The answer is in hand: failing to note the count must not lose it. The next reservation's own
            // storage error will stop further requests if the store is really broken.
            try? await budget.record(feedback, in: cost.scope, at: Date())
        }
        return result
    }

    /// Reserves `cost`, sleeping until the scope can afford it when that is within `budgetWait`. Internal so a
    /// client whose requests count against two limits (Bybit: IP and UID, §B.7) can reserve the second first.
    func waitForBudget(_ cost: RequestCost) async throws {
        let giveUpAt = Date().addingTimeInterval(max(0, budgetWait))
        while true {
            let answer: Reservation
            do {
                answer = try await budget.reserve(cost.weight, in: cost.scope, at: Date())
            } catch {
                throw ExchangeError(.exchangeUnavailable, message:
                    "Holdfast could not check its request budget for \(cost.pool.exchange.info.displayName) on this " +
                    "server; try again.", exchange: cost.pool.exchange, detail: "request budget unavailable")
            }
            guard case .notBefore(let time) = answer else { return }
            if time > giveUpAt {
                throw ExchangeError.budgetRefusal(cost.pool.exchange, until: time)
            }
            // Awaiting the time the budget named; a cancelled task (deadline) stops waiting at once.
            try await Task.sleep(nanoseconds: UInt64(max(0.001, time.timeIntervalSinceNow) * 1_000_000_000))
        }
    }
}

extension ExchangeError {
    /// The `detail` of a request Holdfast refused to send because its own budget was spent.
    public static let localBudgetDetail = "local request budget"

    /// True when Holdfast did not send the request at all (its budget was spent), as opposed to the exchange
    /// answering 429: the timer defers such a connection instead of recording a failure.
    public var isLocalBudgetRefusal: Bool { code == .rateLimited && detail == ExchangeError.localBudgetDetail }

    /// `rate_limited` for a request the budget cannot afford before `until`.
    static func budgetRefusal(_ exchange: ExchangeID, until: Date) -> ExchangeError {
        let seconds = ResponseSupport.clampedSeconds(max(1, until.timeIntervalSinceNow))
        return ExchangeError(.rateLimited, exchange: exchange, detail: localBudgetDetail, retryAfter: max(1, seconds))
    }
}

extension BudgetPool {
    /// The exchange the pool belongs to.
    public var exchange: ExchangeID {
        switch self {
        case .binanceAPI, .binanceSAPI: return .binance
        case .krakenPrivate, .krakenPublic: return .kraken
        case .kucoinPrivate, .kucoinPublic: return .kucoin
        case .coinbasePrivate, .coinbasePublic: return .coinbase
        case .coinbaseExchangePrivate, .coinbaseExchangePublic: return .coinbaseexchange
        case .bybitIP, .bybitUID: return .bybit
        case .okxBalance, .okxFunding, .okxSavings, .okxOnchainOrders, .okxConfig, .okxPublic: return .okx
        case .bitvavoPrivate, .bitvavoPublic: return .bitvavo
        }
    }
}

/// The limit in force per pool: the published ones (`BudgetPool.publishedPolicy`) unless server configuration
/// lowers one (a sandbox with a smaller limit, a host that shares its IP with other Binance software).
public struct BudgetLimits: Sendable, Equatable {
    private var overrides: [BudgetPool: BudgetPolicy] = [:]

    /// The published limits.
    public init() {}

    /// The policy for `pool`.
    public subscript(pool: BudgetPool) -> BudgetPolicy {
        get { overrides[pool] ?? pool.publishedPolicy }
        set { overrides[pool] = newValue }
    }

    /// The published limits with these environment variables applied (positive integers; anything else throws
    /// `ExchangeConfigurationError` naming the variable):
    /// - `HOLDFAST_BINANCE_WEIGHT_PER_MINUTE`: Binance `/api` weight per minute per IP (published 6,000).
    /// - `HOLDFAST_BINANCE_SAPI_WEIGHT_PER_MINUTE`: Binance `/sapi` weight per minute per IP, for each endpoint
    ///   (published 12,000); a host with a raised limit, or a benchmark whose sandbox must not bind.
    /// - `HOLDFAST_KRAKEN_COUNTER_MAX`: Kraken's per-key counter maximum (Starter 15; Intermediate/Pro 20).
    public static func fromEnvironment(_ environment: [String: String]) throws -> BudgetLimits {
        var limits = BudgetLimits()
        let variables: [(String, BudgetPool)] = [
            ("HOLDFAST_BINANCE_WEIGHT_PER_MINUTE", .binanceAPI), ("HOLDFAST_KRAKEN_COUNTER_MAX", .krakenPrivate),
            ("HOLDFAST_BINANCE_SAPI_WEIGHT_PER_MINUTE", .binanceSAPI),
        ]
        for (name, pool) in variables {
            guard let text = environment[name], !text.isEmpty else { continue }
            guard let value = Int(text), value > 0, value <= 1_000_000 else {
                throw ExchangeConfigurationError(variable: name, expectation: "a positive integer")
            }
            limits[pool].limit = value
        }
        return limits
    }
}
