import Exchanges
import Foundation

/// Everything the sandbox's connection threads share: the fixture, Kraken's nonce memory, request statistics.
public final class SandboxState: @unchecked Sendable {
    // @unchecked: every stored var is read and written only while holding `lock`.
    private let lock = NSLock()
    private var fixture: Fixture
    private var krakenNonces: [String: UInt64] = [:]
    private var stats: [ExchangeID: Stats] = [:]
    private var counters = RateCounters()

    /// Request counters for one port.
    public struct Stats: Sendable, Codable, Equatable {
        /// Requests handled (admin requests excluded).
        public var requests = 0
        /// Requests being handled right now.
        public var inFlight = 0
        /// Highest `inFlight` seen.
        public var maxInFlight = 0
        /// Requests per path.
        public var paths: [String: Int] = [:]
        /// Authenticated requests per account, by the fixture account's `apiKey` (an identifier, not a secret):
        /// the signed requests a balance read makes, so a test can tell how often each key was fetched. Public
        /// calls (the clock) and requests refused before the signature was checked carry no account.
        public var keys: [String: Int] = [:]
    }

    /// State over `fixture`.
    public init(fixture: Fixture) { self.fixture = fixture }

    /// A copy of the current fixture.
    public var currentFixture: Fixture { locked { fixture } }

    /// The account with `apiKey` on `exchange`.
    func account(_ exchange: ExchangeID, apiKey: String) -> FixtureAccount? {
        locked { fixture.account(exchange, apiKey: apiKey) }
    }

    /// Any account on `exchange` satisfying `predicate` (Coinbase looks keys up by JWT `kid`).
    func accounts(_ exchange: ExchangeID) -> [FixtureAccount] {
        locked { fixture.accounts.filter { $0.exchange == exchange } }
    }

    /// Exchange-level knobs for `exchange`.
    func exchangeFaults(_ exchange: ExchangeID) -> Faults {
        locked { fixture.exchangeFaults?[exchange.rawValue] ?? Faults() }
    }

    /// The exchange's clock in ms: real time plus exchange-level skew.
    func serverNowMs(_ exchange: ExchangeID) -> Int64 {
        // Saturating: a skew knob far out of range (to show a client refusing such a time) must not trap here.
        let (now, overflow) = Int64(Date().timeIntervalSince1970 * 1000)
            .addingReportingOverflow(exchangeFaults(exchange).clockSkewMs ?? 0)
        return overflow ? ((exchangeFaults(exchange).clockSkewMs ?? 0) < 0 ? .min : .max) : now
    }

    /// The clock a signed request of `account` is checked against: exchange clock plus account-level skew.
    func signedNowMs(_ exchange: ExchangeID, account: FixtureAccount) -> Int64 {
        let (now, overflow) = serverNowMs(exchange).addingReportingOverflow(account.faults?.clockSkewMs ?? 0)
        return overflow ? ((account.faults?.clockSkewMs ?? 0) < 0 ? .min : .max) : now
    }

    /// Accepts `nonce` for a Kraken key only if it is greater than every nonce accepted before.
    func acceptKrakenNonce(_ nonce: UInt64, apiKey: String) -> Bool {
        locked {
            if let last = krakenNonces[apiKey], nonce <= last { return false }
            krakenNonces[apiKey] = nonce
            return true
        }
    }

    /// Applies an admin update: replaces balances/faults/permissions of one account, adds an account, or sets
    /// exchange-level faults. Returns false when the named account does not exist.
    public func apply(_ update: FixtureUpdate, exchange: ExchangeID) -> Bool {
        locked {
            if let faults = update.exchangeFaults {
                var all = fixture.exchangeFaults ?? [:]
                all[exchange.rawValue] = faults
                fixture.exchangeFaults = all
            }
            if let account = update.account {
                fixture.accounts.removeAll { $0.exchange == account.exchange && $0.apiKey == account.apiKey }
                fixture.accounts.append(account)
            }
            guard let apiKey = update.apiKey else { return true }
            guard let index = fixture.accounts.firstIndex(where: { $0.exchange == exchange && $0.apiKey == apiKey })
            else { return false }
            if let balances = update.balances { fixture.accounts[index].balances = balances }
            if update.clearFaults == true { fixture.accounts[index].faults = nil }
            if let faults = update.faults { fixture.accounts[index].faults = faults }
            if let canTrade = update.canTrade { fixture.accounts[index].canTrade = canTrade }
            if let canWithdraw = update.canWithdraw { fixture.accounts[index].canWithdraw = canWithdraw }
            return true
        }
    }

    /// Counts a request as started.
    func begin(_ exchange: ExchangeID, path: String) {
        locked {
            var entry = stats[exchange] ?? Stats()
            entry.requests += 1
            entry.inFlight += 1
            entry.maxInFlight = max(entry.maxInFlight, entry.inFlight)
            entry.paths[path, default: 0] += 1
            stats[exchange] = entry
        }
    }

    /// Counts a request that authenticated as the account with `apiKey` (`Stats.keys`).
    func countAuthenticated(_ exchange: ExchangeID, apiKey: String) {
        locked { stats[exchange, default: Stats()].keys[apiKey, default: 0] += 1 }
    }

    /// Counts a request as finished.
    func end(_ exchange: ExchangeID) {
        locked { stats[exchange]?.inFlight -= 1 }
    }

    /// Binance: charges `weight` to this minute against `limit` (`RateCounters.chargeWeight`).
    func chargeBinanceWeight(_ weight: Int, limit: Int) -> (used: Int, allowed: Bool, retryAfter: Int) {
        locked { counters.chargeWeight(weight, limit: limit, nowMs: Int64(Date().timeIntervalSince1970 * 1000)) }
    }

    /// Kraken: charges one call to `apiKey`'s counter with `maximum` (`RateCounters.chargeCounter`).
    func chargeKrakenCounter(apiKey: String, maximum: Int) -> Bool {
        locked { counters.chargeCounter(key: apiKey, maximum: maximum, nowMs: Int64(Date().timeIntervalSince1970 * 1000)) }
    }

    /// The exchanges' own counters' statistics: highest Binance weight in a minute, refusals by weight and
    /// by the Kraken counter.
    func rateStatistics() -> (maxWeightPerMinute: Int, weightRefusals: Int, counterRefusals: Int) {
        locked { (counters.maxWeightPerMinute, counters.weightRefusals, counters.counterRefusals) }
    }

    /// Counters for `exchange`.
    public func stats(_ exchange: ExchangeID) -> Stats { locked { stats[exchange] ?? Stats() } }

    /// Zeroes the counters of `exchange` (in-flight requests keep counting down correctly).
    func resetStats(_ exchange: ExchangeID) {
        locked {
            let inFlight = stats[exchange]?.inFlight ?? 0
            stats[exchange] = Stats(requests: 0, inFlight: inFlight, maxInFlight: inFlight, paths: [:])
            counters.resetStatistics()
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock(); defer { lock.unlock() }
        return body()
    }
}

/// Body of `POST /__sandbox/fixture`.
public struct FixtureUpdate: Codable, Sendable {
    /// The account to change (on the port's exchange).
    public var apiKey: String?
    /// New balance rows for that account.
    public var balances: [FixtureBalance]?
    /// New account-level faults (replacing the old ones).
    public var faults: Faults?
    /// Remove the account's faults.
    public var clearFaults: Bool?
    /// New permissions.
    public var canTrade: Bool?
    /// New permissions.
    public var canWithdraw: Bool?
    /// New exchange-level faults for this port (replacing the old ones).
    public var exchangeFaults: Faults?
    /// An account to add or replace.
    public var account: FixtureAccount?

    /// An update with the given parts.
    public init(
        apiKey: String? = nil, balances: [FixtureBalance]? = nil, faults: Faults? = nil, clearFaults: Bool? = nil,
        canTrade: Bool? = nil, canWithdraw: Bool? = nil, exchangeFaults: Faults? = nil, account: FixtureAccount? = nil
    ) {
        self.apiKey = apiKey
        self.balances = balances
        self.faults = faults
        self.clearFaults = clearFaults
        self.canTrade = canTrade
        self.canWithdraw = canWithdraw
        self.exchangeFaults = exchangeFaults
        self.account = account
    }
}
