import Foundation

/// Server-side settings shared by every exchange client: where each exchange lives, timeouts, the nonce store,
/// the request budget.
///
/// Base URLs default to production and change only through server configuration (environment variables),
/// never through user input, so a user cannot point the server at an arbitrary host.
public struct ExchangeConfiguration: Sendable {
    /// The exchanges' production API roots.
    public static let productionBaseURLs: [ExchangeID: URL] = [
        .binance: URL(string: "https://api.binance.com")!,
        .coinbase: URL(string: "https://api.coinbase.com")!,
        .coinbaseexchange: URL(string: "https://api.exchange.coinbase.com")!,
        .kraken: URL(string: "https://api.kraken.com")!,
        .kucoin: URL(string: "https://api.kucoin.com")!,
        .okx: URL(string: "https://www.okx.com")!,
        .bybit: URL(string: "https://api.bybit.com")!,
        .bitvavo: URL(string: "https://api.bitvavo.com")!,
    ]

    /// Base URL per exchange (missing entries fall back to production). For an exchange with regions this is
    /// the default region's.
    public var baseURLs: [ExchangeID: URL]
    /// Base URL per exchange and non-default region id (missing entries fall back to the region's production
    /// URL).
    public var regionBaseURLs: [ExchangeID: [String: URL]] = [:]
    /// Seconds before a request is abandoned as `timeout`.
    public let timeout: TimeInterval
    /// Sent on every request (Kraken requires one).
    public let userAgent: String
    /// Where Kraken nonces are persisted.
    public var nonceStore: any NonceStore
    /// Where the exchanges' request allowances are counted (`RequestBudget`); every client of this
    /// configuration sends through it.
    public var budget: any RequestBudget
    /// The limit per budget pool (the published ones unless server configuration lowers one).
    public var budgetLimits = BudgetLimits()
    /// The name of the address this host's requests leave from (`HOLDFAST_EGRESS_ID`, default the host name).
    /// Exchanges count per-IP limits per source address, so the per-IP budget scopes carry this name: each host
    /// spends its own, and adding hosts adds capacity; per-key scopes stay shared by every host. Hosts behind one
    /// NAT address must set the same name.
    public var egressID: String = ExchangeConfiguration.hostName
    /// Seconds a request may wait for its budget before failing with `rate_limited` (0: never wait). A person
    /// waiting on test/connect/sync-now gets a short wait; the timer uses 0 and defers the connection instead.
    public var budgetWait: TimeInterval = ExchangeConfiguration.interactiveBudgetWait
    /// The default `budgetWait`: short enough for an interactive request (well inside the sync deadline).
    public static let interactiveBudgetWait: TimeInterval = 5
    /// Coinbase accounts per page (1...250).
    public var coinbasePageLimit: Int = 250
    /// Upper bound on Coinbase pages followed before giving up with `bad_response`.
    public var coinbaseMaxPages: Int = 200
    /// The shared HTTP session for clients made from this configuration.
    let transport: HTTPTransport
    /// Clock offsets are remembered per configuration and base URL, so separate configurations never share one.
    let clockScope = UUID().uuidString

    /// A configuration; `nonceStore` defaults to a `FileNonceStore` in `defaultNonceDirectory`, `budget` to a
    /// fresh `InProcessRequestBudget` (its count is this configuration's alone).
    public init(
        baseURLs: [ExchangeID: URL] = [:], timeout: TimeInterval = 30, maximumConnectionsPerHost: Int = 64,
        userAgent: String = "Holdfast/0.1", nonceStore: (any NonceStore)? = nil, budget: (any RequestBudget)? = nil
    ) {
        self.budget = budget ?? InProcessRequestBudget()
        self.baseURLs = baseURLs
        self.timeout = timeout
        self.userAgent = userAgent
        self.nonceStore = nonceStore ?? FileNonceStore(directory: ExchangeConfiguration.defaultNonceDirectory)
        self.transport = HTTPTransport(
            timeout: timeout, maximumConnectionsPerHost: maximumConnectionsPerHost, userAgent: userAgent)
    }

    /// The base URL used for `exchange`.
    public func baseURL(for exchange: ExchangeID) -> URL {
        baseURLs[exchange] ?? ExchangeConfiguration.productionBaseURLs[exchange]!
    }

    /// The base URL for `exchange` in `region` (an `ExchangeRegion` id; nil, the default region's id or an id
    /// the exchange does not have: the exchange's base URL). Callers validate the region first
    /// (`ExchangeClients.validate`).
    public func baseURL(for exchange: ExchangeID, region: String?) -> URL {
        guard let region, region != exchange.info.defaultRegion?.id, let known = exchange.info.region(region) else {
            return baseURL(for: exchange)
        }
        return regionBaseURLs[exchange]?[region] ?? known.productionURL
    }

    /// The key under which `exchange`'s server-time offset is remembered.
    func clockKey(for exchange: ExchangeID) -> String { clockScope + " " + baseURL(for: exchange).absoluteString }

    /// The key under which the server-time offset of `exchange`'s host for `region` is remembered.
    func clockKey(for exchange: ExchangeID, region: String?) -> String {
        clockScope + " " + baseURL(for: exchange, region: region).absoluteString
    }

    /// The environment variable that overrides `exchange`'s base URL, e.g. `HOLDFAST_KRAKEN_BASE_URL`.
    public static func environmentVariable(for exchange: ExchangeID) -> String {
        "HOLDFAST_\(exchange.rawValue.uppercased())_BASE_URL"
    }

    /// The environment variable that overrides the base URL of `exchange`'s non-default `region`, e.g.
    /// `HOLDFAST_OKX_EEA_BASE_URL`.
    public static func environmentVariable(for exchange: ExchangeID, region: String) -> String {
        "HOLDFAST_\(exchange.rawValue.uppercased())_\(region.uppercased())_BASE_URL"
    }

    /// Every (variable, exchange, region) a server may set: one per exchange, one per non-default region.
    static var environmentVariables: [(name: String, exchange: ExchangeID, region: String?)] {
        ExchangeID.allCases.flatMap { exchange in
            [(environmentVariable(for: exchange), exchange, nil)]
                + exchange.info.regions.dropFirst().map { (environmentVariable(for: exchange, region: $0.id), exchange, $0.id) }
        }
    }

    /// Production URLs overridden by `HOLDFAST_<EXCHANGE>_BASE_URL` and `HOLDFAST_<EXCHANGE>_<REGION>_BASE_URL`
    /// variables; the nonce directory by
    /// `HOLDFAST_NONCE_DIRECTORY`; the egress name by `HOLDFAST_EGRESS_ID`; budget limits by the variables of `BudgetLimits.fromEnvironment`. Throws on a
    /// variable that is not an http(s) URL with a host, or not a usable limit.
    public static func fromEnvironment(
        _ environment: [String: String], timeout: TimeInterval = 30
    ) throws -> ExchangeConfiguration {
        var overrides: [ExchangeID: URL] = [:]
        var regionOverrides: [ExchangeID: [String: URL]] = [:]
        for (name, exchange, region) in environmentVariables {
            guard let text = environment[name], !text.isEmpty else { continue }
            guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text),
                  let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil
            else { throw ExchangeConfigurationError(variable: name) }
            if let region { regionOverrides[exchange, default: [:]][region] = url } else { overrides[exchange] = url }
        }
        let nonceStore = environment["HOLDFAST_NONCE_DIRECTORY"].map { FileNonceStore(directory: URL(fileURLWithPath: $0)) }
        var configuration = ExchangeConfiguration(baseURLs: overrides, timeout: timeout, nonceStore: nonceStore)
        configuration.regionBaseURLs = regionOverrides
        configuration.budgetLimits = try BudgetLimits.fromEnvironment(environment)
        if let egress = environment["HOLDFAST_EGRESS_ID"], !egress.isEmpty {
            guard egress.count <= 64, egress.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
            else {
                throw ExchangeConfigurationError(variable: "HOLDFAST_EGRESS_ID",
                                                 expectation: "1 to 64 letters, digits, dots, dashes or underscores")
            }
            configuration.egressID = egress
        }
        return configuration
    }

    /// This machine's host name (`gethostname`), or "localhost" when it has none.
    public static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }()

    /// `$TMPDIR/holdfast-nonces`: nonces are millisecond timestamps, so losing the directory on reboot is safe.
    public static var defaultNonceDirectory: URL {
        URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("holdfast-nonces")
    }
}

/// A server configuration variable holds something that is not a usable base URL.
public struct ExchangeConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The offending environment variable.
    public let variable: String
    /// What the variable must hold.
    public var expectation: String = "an http(s) URL with a host"
    /// Names the variable, not its value.
    public var description: String { "\(variable) must be \(expectation)" }
}
