import Foundation
import Primitives

/// Each kind of exchange allowance Holdfast spends from, with its published size (`publishedPolicy`).
///
/// A pool names the kind; a `BudgetScope` is one instance of it (one IP's Binance weight, one Kraken key's
/// counter). Every limit below leaves headroom (`BudgetPolicy.usablePerMille`, 85 % unless said otherwise).
public enum BudgetPool: String, Sendable, CaseIterable {
    /// Binance `/api/*`: REQUEST_WEIGHT 6,000 per minute per IP (exchanges.md §7.7, upgrading §1.5's "[A]").
    /// `/api/v3/account` costs 20, `/api/v3/time` 1.
    case binanceAPI = "binance-api"
    /// Binance `/sapi/*` IP-limited endpoints: each endpoint its own 12,000 per minute per IP (§7.7).
    case binanceSAPI = "binance-sapi"
    /// Kraken's private API counter per key (§3.5): Starter tier, max 15, decays 0.33 per second. The key's
    /// tier is not visible to Holdfast, so the smallest tier is assumed. `BalanceEx` and the Earn calls +1 each.
    case krakenPrivate = "kraken-private"
    /// Kraken public endpoints (`Time`, `Assets`): not in exchanges.md; Kraken's public limit is per IP and
    /// about one call per second [A], modelled as a counter of 15 (a burst, as the private counter allows)
    /// decaying 1 per second.
    case krakenPublic = "kraken-public"
    /// KuCoin's private (Spot) resource pool per account, per 30 s window (§4.4). The pool size depends on the
    /// VIP level and is not verified in §4.4: 2,000 is assumed, the smallest pool size KuCoin publishes for
    /// VIP 0 [A], so any real account has at least this. Private calls weigh 5 (§4.4 "weight 5").
    case kucoinPrivate = "kucoin-private"
    /// KuCoin's public pool per IP per 30 s window; size assumed as for `kucoinPrivate` [A]. `timestamp` weighs 3 [A].
    case kucoinPublic = "kucoin-public"
    /// Coinbase Advanced Trade private endpoints: about 30 requests per second per user (§2a, [A]), modelled
    /// as a leaky bucket of 30 draining 30 per second, per key.
    case coinbasePrivate = "coinbase-private"
    /// Coinbase Advanced Trade public endpoints: 10 requests per second per IP (§2a, [A]).
    case coinbasePublic = "coinbase-public"
    /// Coinbase Exchange private endpoints: 15 requests per second per profile, bursts to 30 (§2b). §10.4 gives
    /// `GET /accounts` its own 25/s (bursts 50); the smaller 15/s is used so one number covers every private call.
    /// Per key (one key belongs to one profile, §10.4).
    case coinbaseExchangePrivate = "coinbaseexchange-private"
    /// Coinbase Exchange public endpoints (`/time`): 10 requests per second per IP, bursts 15 (§10.4).
    case coinbaseExchangePublic = "coinbaseexchange-public"
    /// Bybit per IP: 600 requests per 5 s across every Bybit host (exchanges-okx-bybit-bitvavo.md §B.7). Every
    /// Bybit request, public or signed, counts.
    case bybitIP = "bybit-ip"
    /// Bybit per UID, per endpoint, per second (§B.7): each signed call also spends from a scope of its key and
    /// endpoint whose limit is the endpoint's own (`BybitEndpoint.uidCost`); the policy here is the smallest
    /// published one (5/s), used only where no endpoint policy is given.
    case bybitUID = "bybit-uid"
    /// OKX `GET /api/v5/account/balance`: 10 requests per 2 s per User ID (exchanges-okx-bybit-bitvavo.md §A.1,
    /// §A.7). Counted per key: the User ID is not known before the first call, and one user rarely connects two
    /// keys. The other OKX pools below are per key for the same reason.
    case okxBalance = "okx-balance"
    /// OKX `GET /api/v5/asset/balances` (funding): 6 requests per second per User ID (§A.1).
    case okxFunding = "okx-funding"
    /// OKX `GET /api/v5/finance/savings/balance` (Simple Earn flexible): 6 requests per second per User ID (§A.1).
    case okxSavings = "okx-savings"
    /// OKX `GET /api/v5/finance/staking-defi/orders-active` (On-chain Earn): 3 requests per second per User ID
    /// (§A.1).
    case okxOnchainOrders = "okx-onchain-orders"
    /// OKX `GET /api/v5/account/config`: 5 requests per 2 s per User ID (§A.5).
    case okxConfig = "okx-config"
    /// OKX `GET /api/v5/public/time`: 10 requests per 2 s per IP (§A.4).
    case okxPublic = "okx-public"
    /// Bitvavo signed calls: 1,000 weight points per minute per API key (exchanges-okx-bybit-bitvavo.md §C.6,
    /// verified). Exceeding it blocks the key for the rest of the minute plus the next one, so the 85 % headroom
    /// matters. `/balance` and `/stakingBalance` weigh 5 each.
    case bitvavoPrivate = "bitvavo-private"
    /// Bitvavo calls without a key (`/time`, weight 1): 1,000 weight points per minute per IP (§C.6); an IP
    /// over it is blocked for 15 minutes.
    case bitvavoPublic = "bitvavo-public"

    /// Whether the pool is counted per API key (else per IP, i.e. per host for every process together).
    public var isPerKey: Bool {
        switch self {
        case .krakenPrivate, .kucoinPrivate, .coinbasePrivate, .coinbaseExchangePrivate: return true
        case .okxBalance, .okxFunding, .okxSavings, .okxOnchainOrders, .okxConfig: return true
        case .bitvavoPrivate: return true
        case .bybitUID: return true
        default: return false
        }
    }

    /// The published size and refill of the pool, with Holdfast's headroom.
    public var publishedPolicy: BudgetPolicy {
        switch self {
        case .binanceAPI: return BudgetPolicy(limit: 6_000, refill: .window(milliseconds: 60_000))
        case .binanceSAPI: return BudgetPolicy(limit: 12_000, refill: .window(milliseconds: 60_000))
        // 12 of 15: a full counter takes 45 s to drain, and the count is shared with anything else using the key.
        case .krakenPrivate: return BudgetPolicy(limit: 15, refill: .decay(milliPerSecond: 330), usablePerMille: 800)
        case .krakenPublic: return BudgetPolicy(limit: 15, refill: .decay(milliPerSecond: 1_000), usablePerMille: 800)
        case .kucoinPrivate, .kucoinPublic: return BudgetPolicy(limit: 2_000, refill: .window(milliseconds: 30_000))
        case .coinbasePrivate: return BudgetPolicy(limit: 30, refill: .decay(milliPerSecond: 30_000))
        case .coinbasePublic: return BudgetPolicy(limit: 10, refill: .decay(milliPerSecond: 10_000))
        case .coinbaseExchangePrivate: return BudgetPolicy(limit: 15, refill: .decay(milliPerSecond: 15_000))
        case .coinbaseExchangePublic: return BudgetPolicy(limit: 10, refill: .decay(milliPerSecond: 10_000))
        case .bybitIP: return BudgetPolicy(limit: 600, refill: .window(milliseconds: 5_000))
        case .bybitUID: return BudgetPolicy(limit: 5, refill: .window(milliseconds: 1_000))
        case .okxBalance, .okxPublic: return BudgetPolicy(limit: 10, refill: .window(milliseconds: 2_000))
        case .okxFunding, .okxSavings: return BudgetPolicy(limit: 6, refill: .window(milliseconds: 1_000))
        case .okxOnchainOrders: return BudgetPolicy(limit: 3, refill: .window(milliseconds: 1_000))
        case .okxConfig: return BudgetPolicy(limit: 5, refill: .window(milliseconds: 2_000))
        case .bitvavoPrivate, .bitvavoPublic: return BudgetPolicy(limit: 1_000, refill: .window(milliseconds: 60_000))
        }
    }
}

/// Request weights of the calls the clients make, in their pool's units (sources as in `BudgetPool`).
public enum RequestWeight {
    /// Binance `GET /api/v3/account` (§7.7).
    public static let binanceAccount = 20
    /// Binance `GET /api/v3/time` (§7.7).
    public static let binanceTime = 1
    /// Kraken private calls other than ledger/trade history (§3.5).
    public static let krakenPrivateCall = 1
    /// KuCoin private balance and key-info calls (§4.4).
    public static let kucoinPrivateCall = 5
    /// KuCoin `GET /api/v1/timestamp` [A].
    public static let kucoinTimestamp = 3
    /// Coinbase (both APIs): one request is one unit.
    public static let coinbaseRequest = 1
    /// OKX: limits count requests, so one request is one unit (§A.7).
    public static let okxRequest = 1
    /// Bitvavo `GET /v2/balance` and `GET /v2/stakingBalance` (§C.1, §C.6).
    public static let bitvavoBalance = 5
    /// Bitvavo `GET /v2/time` (§C.6).
    public static let bitvavoTime = 1
}

/// One instance of a pool: its stable name (stored in the database) and its policy.
///
/// The name carries the pool, the exchange's host (a sandbox never shares a count with production) and, for
/// per-key pools, a SHA-256 prefix of the key: never the key itself.
public struct BudgetScope: Sendable, Equatable, Hashable {
    /// E.g. "binance-api api.binance.com" or "kraken-private api.kraken.com 3f2a…".
    public let name: String
    /// The allowance.
    public let policy: BudgetPolicy

    /// A scope with an explicit name and policy (tests).
    public init(name: String, policy: BudgetPolicy) {
        self.name = name
        self.policy = policy
    }

    /// The scope of `pool` at `baseURL`, for `apiKey` when the pool is per key, for `endpoint` when it is per
    /// endpoint (`/sapi`), and from `egress` (`ExchangeConfiguration.egressID`) when it is per IP: e.g.
    /// "binance-api api.binance.com from web-1".
    public init(_ pool: BudgetPool, baseURL: URL, apiKey: String? = nil, endpoint: String? = nil,
                egress: String? = nil, policy: BudgetPolicy? = nil) {
        var name = pool.rawValue + " " + (baseURL.host ?? "?") + (baseURL.port.map { ":\($0)" } ?? "")
        if pool.isPerKey, let apiKey { name += " " + String(Hex.encode(Digest.sha256(apiKey)).prefix(32)) }
        if let endpoint { name += " " + endpoint }
        if !pool.isPerKey, let egress { name += " from " + egress }
        self.init(name: name, policy: policy ?? pool.publishedPolicy)
    }

    /// Scopes are the same count when their names are: the name is what the database stores.
    public static func == (a: BudgetScope, b: BudgetScope) -> Bool { a.name == b.name }
    /// Hashes the name, as `==` compares it.
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
