import Exchanges
import Foundation

/// The sandbox's world: accounts with keys and balances, plus fault knobs per exchange.
///
/// JSON shape:
/// ```json
/// {"exchangeFaults": {"binance": {"latencyMs": 50}},
///  "accounts": [{"exchange": "kucoin", "label": "demo", "apiKey": "…", "apiSecret": "…", "passphrase": "…",
///                "canTrade": false, "canWithdraw": false, "pageSize": 2,
///                "balances": [{"asset": "BTC", "free": "0.5", "locked": "0.1", "wallet": "main"}],
///                "faults": {"rateLimited": true, "retryAfterSeconds": 7},
///                "publicKey": "-----BEGIN PUBLIC KEY-----\n…"}]}
/// ```
public struct Fixture: Codable, Sendable {
    /// Knobs that apply to every request on an exchange's port.
    public var exchangeFaults: [String: Faults]?
    /// Every account the sandbox knows.
    public var accounts: [FixtureAccount]

    /// A fixture with the given parts.
    public init(accounts: [FixtureAccount], exchangeFaults: [String: Faults]? = nil) {
        self.accounts = accounts
        self.exchangeFaults = exchangeFaults
    }

    /// Decodes a fixture from JSON.
    public static func decode(_ data: Data) throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: data)
    }

    /// Reads a fixture file.
    public static func load(path: String) throws -> Fixture {
        try decode(Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The built-in demo fixture (`DemoFixture.json`).
    public static var demo: Fixture { try! decode(Data(DemoFixture.json.utf8)) }

    /// The account with `apiKey` on `exchange`.
    public func account(_ exchange: ExchangeID, apiKey: String) -> FixtureAccount? {
        accounts.first { $0.exchange == exchange && $0.apiKey == apiKey }
    }
}

/// One exchange account: its credentials, what the key may do, its holdings and its faults.
public struct FixtureAccount: Codable, Sendable {
    /// Which exchange.
    public var exchange: ExchangeID
    /// A human name for logs and docs.
    public var label: String?
    /// Key id (Coinbase: key name or Ed25519 key id).
    public var apiKey: String
    /// Secret (Coinbase: EC PEM or base64 Ed25519 seed‖public key).
    public var apiSecret: String
    /// Passphrase (Coinbase Exchange, KuCoin).
    public var passphrase: String?
    /// Reported trade permission.
    public var canTrade: Bool?
    /// Reported withdraw permission.
    public var canWithdraw: Bool?
    /// Coinbase: accounts per page at most (forces pagination).
    public var pageSize: Int?
    /// Rows as the exchange holds them (raw asset ids, wallets/account types).
    public var balances: [FixtureBalance]
    /// Faults for this account's signed requests.
    public var faults: Faults?
    /// Binance asymmetric keys: the `PUBLIC KEY` (SPKI) PEM the user registered (exchanges.md §7.6). When set,
    /// signatures are verified against it (Ed25519 or RSA, read from the key) and `apiSecret`, the private key
    /// the user pastes into Holdfast, is never used by the sandbox.
    public var publicKey: String?
    /// Kraken: Earn allocations served by `POST /0/private/Earn/Allocations` (none when nil).
    public var earnAllocations: [FixtureEarnAllocation]?
    /// Kraken: answer `Earn/Allocations` with `EGeneral:Permission denied` while `BalanceEx` still works.
    public var earnPermissionDenied: Bool?
    /// KuCoin account mode (exchanges.md §9.1): `CLASSIC` (default), `UNIFIED` (balances are served by the UTA
    /// balance endpoint only; `/api/v1/accounts` lists nothing), or `unavailable` (the mode endpoint answers 404).
    public var accountMode: String?
    /// KuCoin: the margin endpoints (`/api/v3/margin/accounts`, `/api/v3/isolated/accounts`) answer `400007`
    /// "Access Denied" (§4.3) while `/api/v1/accounts` still works.
    public var marginPermissionDenied: Bool?
    /// Coinbase Exchange (§10.4): `/accounts` repeats its first row at the end, `identical` (same id and
    /// amounts) or `conflicting` (same id and profile, other amounts).
    public var repeatedAccount: String?
    /// Binance: funding, Simple Earn, BFUSD and RWUSD holdings and their wallet faults (empty wallets when nil).
    public var binanceWallets: FixtureBinanceWallets?
    /// OKX, Bybit: the id of the region whose host issued the key (nil: the default region). On any other
    /// region's host the key is unknown, as on the real exchange (OKX 50119, Bybit 10003).
    public var region: String?
    /// OKX-only wallets and knobs.
    public var okx: FixtureOKX?
    /// Bybit-only wallets and knobs.
    public var bybit: FixtureBybit?
    /// Bitvavo-only wallets and knobs.
    public var bitvavo: FixtureBitvavo?

    /// An account with the given parts.
    public init(
        exchange: ExchangeID, label: String? = nil, apiKey: String, apiSecret: String, passphrase: String? = nil,
        canTrade: Bool? = nil, canWithdraw: Bool? = nil, pageSize: Int? = nil, balances: [FixtureBalance] = [],
        faults: Faults? = nil, publicKey: String? = nil
    ) {
        self.exchange = exchange
        self.label = label
        self.apiKey = apiKey
        self.apiSecret = apiSecret
        self.passphrase = passphrase
        self.canTrade = canTrade
        self.canWithdraw = canWithdraw
        self.pageSize = pageSize
        self.balances = balances
        self.faults = faults
        self.publicKey = publicKey
    }
}

/// One Kraken Earn allocation (exchanges.md §8.3): `amount` of `asset` (the plain asset, e.g. "DOT") in a
/// strategy.
public struct FixtureEarnAllocation: Codable, Sendable, Equatable {
    /// Strategy id.
    public var strategyId: String
    /// `native_asset`.
    public var asset: String
    /// `amount_allocated.total.native` (decimal string).
    public var amount: String
    /// The strategy's `lock_type.type`: `instant`, `bonded` (default) or `flex` (earning on spot balances).
    public var lockType: String?

    /// An allocation.
    public init(strategyId: String, asset: String, amount: String, lockType: String? = nil) {
        self.strategyId = strategyId
        self.asset = asset
        self.amount = amount
        self.lockType = lockType
    }
}

/// One balance row in exchange terms.
public struct FixtureBalance: Codable, Sendable, Equatable {
    /// The exchange's own asset id ("XXBT", "DOT.S", "LDUSDT").
    public var asset: String
    /// Available amount (decimal string). Served canonicalized; text that is not a number in range ("1E-400",
    /// "NaN") is served as given, so a fixture can reproduce a hostile answer.
    public var free: String
    /// Held amount (decimal string; served like `free`).
    public var locked: String?
    /// Wallet/account type where it matters (KuCoin "main"/"trade"/"margin"/"isolated:BTC-USDT", Coinbase
    /// portfolio or Coinbase Exchange profile id).
    public var wallet: String?
    /// KuCoin: borrowed coins included in this row (UTA and margin `liability`, exchanges.md §9.2–§9.3; "0"
    /// when nil). OKX: the trading account's `liab`, served with `eq = free + locked − liability`
    /// (exchanges-okx-bybit-bitvavo.md §A.1, `OKXAccountBodies`). Served like `free`.
    public var liability: String?

    /// A row.
    public init(asset: String, free: String, locked: String? = nil, wallet: String? = nil, liability: String? = nil) {
        self.asset = asset
        self.free = free
        self.locked = locked
        self.wallet = wallet
        self.liability = liability
    }

    /// `locked` or "0".
    var lockedAmount: String { locked ?? "0" }
    /// `free + locked`.
    var total: String { DecimalString.add(free, lockedAmount) ?? free }
}

/// Fault knobs. Exchange-level knobs apply to every request on the port (time endpoints included);
/// account-level knobs apply to that account's signed requests and override exchange-level ones.
public struct Faults: Codable, Sendable, Equatable {
    /// Delay before answering.
    public var latencyMs: Int?
    /// Answer with the exchange's rate-limit error.
    public var rateLimited: Bool?
    /// Seconds announced in Retry-After when rate limited (default 30).
    public var retryAfterSeconds: Int?
    /// Answer with this 5xx status.
    public var serverError: Int?
    /// Milliseconds the sandbox clock is ahead of real time (negative: behind). Exchange-level skew moves the
    /// public time endpoint too; account-level skew only moves the clock signed requests are checked against.
    public var clockSkewMs: Int64?
    /// The key lacks read permission.
    public var noReadPermission: Bool?
    /// The key is restricted to another IP.
    public var ipRestricted: Bool?
    /// Do not answer for this many seconds.
    public var hangSeconds: Double?
    /// Answer 200 with a body that is not JSON.
    public var malformedJSON: Bool?
    /// Answer 200 with the real body cut in half.
    public var truncatedJSON: Bool?
    /// Answer with an HTML error page (502) instead of JSON.
    public var htmlError: Bool?

    // Location blocks (exchanges.md §7.8).
    /// Refuse every request as coming from a location the exchange does not serve (exchanges.md §7.8):
    /// `"451"` answers HTTP 451 with the exchange's JSON body, `"cdn403"` the CDN's HTML country-block page
    /// (HTTP 403). Only exchanges with a documented location answer simulate it (Binance; Bybit answers its
    /// HTTP 403 to every form, exchanges-okx-bybit-bitvavo.md §B.1); others ignore it.
    public var regionBlock: String?
    // Reads that cannot be proven complete, redirects and outages (exchanges.md §8.4, §9.4, §10.3).
    /// Answer a redirect with `Location:` this absolute URL (clients must not follow it).
    public var redirectTo: String?
    /// The redirect's status (default 302; 301, 303, 307 and 308 are the other forms).
    public var redirectStatus: Int?
    /// Coinbase accounts paging that cannot be proven complete (`PagingFault`).
    public var pagingFault: PagingFault?
    /// A balance listing whose shape cannot be proven complete (`ListingFault`).
    public var listingFault: ListingFault?
    /// Answer with one of the exchange's documented outage / server-side errors (`OutageFault`).
    public var outage: OutageFault?
    // Oversized answers (the transport's response cap).
    /// Pad the real answer with trailing spaces (still valid JSON) to this many bytes, streamed in pieces.
    public var paddedBodyBytes: Int?
    /// Send the answer chunked, without `Content-Length`, so its size is known only by reading it.
    public var chunkedBody: Bool?
    /// The exchange's public market data endpoints (tickers, market lists) answer with the exchange's 503
    /// outage answer; balance reads are untouched (exchange-level only: market data has no account). This is
    /// how the demo shows quotes going `stale`.
    public var marketDown: Bool?

    // Request budgets (exchanges.md §7.7, §3.5).
    /// Binance (exchange-level): REQUEST_WEIGHT per minute for the sandbox's one IP (default 6,000, as
    /// published); past it `/api` answers 429 `-1003` with `Retry-After` until the next minute.
    public var weightLimit: Int?
    /// Kraken: the per-key API counter's maximum (decaying 0.33/s, as the Starter tier); past it private calls
    /// answer `EAPI:Rate limit exceeded`. Unset: no counter (fixtures that hammer one key keep working); 15 is
    /// the Starter tier.
    public var counterMax: Int?

    /// Knobs as given.
    public init(
        latencyMs: Int? = nil, rateLimited: Bool? = nil, retryAfterSeconds: Int? = nil, serverError: Int? = nil,
        clockSkewMs: Int64? = nil, noReadPermission: Bool? = nil, ipRestricted: Bool? = nil,
        hangSeconds: Double? = nil, malformedJSON: Bool? = nil, truncatedJSON: Bool? = nil, htmlError: Bool? = nil,
        regionBlock: String? = nil
    ) {
        self.latencyMs = latencyMs
        self.rateLimited = rateLimited
        self.retryAfterSeconds = retryAfterSeconds
        self.serverError = serverError
        self.clockSkewMs = clockSkewMs
        self.noReadPermission = noReadPermission
        self.ipRestricted = ipRestricted
        self.hangSeconds = hangSeconds
        self.malformedJSON = malformedJSON
        self.truncatedJSON = truncatedJSON
        self.htmlError = htmlError
        self.regionBlock = regionBlock
    }

    /// `self` with every knob `override` sets replacing this one's (clock skew excluded: it adds up).
    func overridden(by override: Faults?) -> Faults {
        guard let override else { return self }
        var merged = self
        merged.latencyMs = override.latencyMs ?? latencyMs
        merged.rateLimited = override.rateLimited ?? rateLimited
        merged.retryAfterSeconds = override.retryAfterSeconds ?? retryAfterSeconds
        merged.serverError = override.serverError ?? serverError
        merged.noReadPermission = override.noReadPermission ?? noReadPermission
        merged.ipRestricted = override.ipRestricted ?? ipRestricted
        merged.hangSeconds = override.hangSeconds ?? hangSeconds
        merged.malformedJSON = override.malformedJSON ?? malformedJSON
        merged.truncatedJSON = override.truncatedJSON ?? truncatedJSON
        merged.htmlError = override.htmlError ?? htmlError
        merged.regionBlock = override.regionBlock ?? regionBlock

        merged.redirectTo = override.redirectTo ?? redirectTo
        merged.redirectStatus = override.redirectStatus ?? redirectStatus
        merged.pagingFault = override.pagingFault ?? pagingFault
        merged.listingFault = override.listingFault ?? listingFault
        merged.outage = override.outage ?? outage
        merged.weightLimit = override.weightLimit ?? weightLimit
        merged.counterMax = override.counterMax ?? counterMax
        merged.paddedBodyBytes = override.paddedBodyBytes ?? paddedBodyBytes
        merged.chunkedBody = override.chunkedBody ?? chunkedBody
        return merged
    }
}
