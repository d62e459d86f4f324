/// Every Binance endpoint a balance read calls, with its documented request weight and the budget that weight
/// counts against (exchanges.md §1.1, §7.1, §7.2, §7.4, §7.7). Request budgets are built elsewhere; this file
/// only states the facts they need.
public struct BinanceEndpoint: Sendable, Equatable {
    /// Which Binance limiter a call's weight counts against (exchanges.md §7.7).
    public enum Budget: Sendable, Equatable {
        /// `/api/*`: one `REQUEST_WEIGHT` budget per IP, 6,000 per minute, shared by every `/api` endpoint;
        /// read back from `X-MBX-USED-WEIGHT-1M`.
        case apiIP
        /// `/sapi/*` IP-limited: this endpoint's **own** 12,000-per-minute budget per IP; read back from
        /// `X-SAPI-USED-IP-WEIGHT-1M`. 429 when over; the 418 ban escalation does not apply.
        case sapiIP
    }

    /// HTTP method.
    public let method: String
    /// Production path.
    public let path: String
    /// Request weight of one call (one page for paged endpoints).
    public let weight: Int
    /// The budget `weight` counts against.
    public let budget: Budget

    /// `GET /api/v3/time`, weight 1, `/api` IP budget (exchanges.md §1.1).
    public static let time = BinanceEndpoint(method: "GET", path: "/api/v3/time", weight: 1, budget: .apiIP)
    /// `GET /api/v3/account`, weight 20, `/api` IP budget (exchanges.md §1.1, §7.1).
    public static let account = BinanceEndpoint(method: "GET", path: "/api/v3/account", weight: 20, budget: .apiIP)
    /// `POST /sapi/v1/asset/get-funding-asset`, IP weight 1, its own `/sapi` budget (exchanges.md §7.1, §7.7).
    public static let fundingAsset = BinanceEndpoint(
        method: "POST", path: "/sapi/v1/asset/get-funding-asset", weight: 1, budget: .sapiIP)
    /// `GET /sapi/v1/simple-earn/flexible/position`, IP weight 150 **per page**, its own `/sapi` budget
    /// (exchanges.md §7.2, §7.7).
    public static let flexiblePosition = BinanceEndpoint(
        method: "GET", path: "/sapi/v1/simple-earn/flexible/position", weight: 150, budget: .sapiIP)
    /// `GET /sapi/v1/simple-earn/locked/position`, IP weight 150 **per page**, its own `/sapi` budget
    /// (exchanges.md §7.2, §7.7).
    public static let lockedPosition = BinanceEndpoint(
        method: "GET", path: "/sapi/v1/simple-earn/locked/position", weight: 150, budget: .sapiIP)
    /// `GET /sapi/v1/bfusd/account`, IP weight 150, its own `/sapi` budget (exchanges.md §7.4, §7.7).
    public static let bfusdAccount = BinanceEndpoint(
        method: "GET", path: "/sapi/v1/bfusd/account", weight: 150, budget: .sapiIP)
    /// `GET /sapi/v1/rwusd/account`, IP weight 150, its own `/sapi` budget (exchanges.md §7.4, §7.7).
    public static let rwusdAccount = BinanceEndpoint(
        method: "GET", path: "/sapi/v1/rwusd/account", weight: 150, budget: .sapiIP)

    /// Rows per Simple Earn page Holdfast asks for: the documented maximum `size` (exchanges.md §7.2).
    public static let earnPageSize = 100
}
