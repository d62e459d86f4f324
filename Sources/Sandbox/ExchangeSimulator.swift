import Exchanges
import Foundation

/// What a simulator decided about a request.
enum SimulatorOutcome {
    /// Send this as is (public endpoints, authentication failures, unknown paths).
    case response(ServerResponse)
    /// The request is authentic for `account`; the body is built after account faults had their say.
    case authenticated(FixtureAccount, () -> ServerResponse)
}

/// One exchange's production paths, verification rules and real error bodies.
protocol ExchangeSimulator: Sendable {
    /// The exchange simulated.
    var exchange: ExchangeID { get }
    /// Verifies and routes one request.
    func handle(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome
    /// The exchange's rate-limit answer.
    func rateLimited(retryAfter: Int) -> ServerResponse
    /// The exchange's answer for a key used from an IP outside its allow list.
    func ipRestricted(_ request: ServerRequest) -> ServerResponse
    /// The exchange's answer for a key without read permission.
    func permissionDenied() -> ServerResponse
    /// The exchange's answer for an internal error with `status`.
    func serverError(_ status: Int) -> ServerResponse
    /// The exchange's (or its CDN's) answer to a request from a location it does not serve, in `form` (the
    /// `regionBlock` knob); nil when the exchange has no documented answer of that form.
    func regionRestricted(_ form: String) -> ServerResponse?
    /// Counts the request against the exchange's own request limits (`RateCharge`).
    func rateCharge(_ request: ServerRequest, state: SandboxState) -> RateCharge
    /// True for the exchange's keyless public market data paths (tickers, market lists): the `marketDown`
    /// knob turns exactly these into the exchange's 503 answer.
    func isMarketData(_ path: String) -> Bool
}

/// What the exchange's own request counter says about one request: headers it adds to the answer, or the
/// refusal it sends instead.
struct RateCharge {
    /// Sent with the answer (Binance `X-MBX-USED-WEIGHT-1M`).
    var headers: [(String, String)] = []
    /// Sent instead of the answer (Binance 429 `-1003`, Kraken `EAPI:Rate limit exceeded`).
    var refusal: ServerResponse?
}

extension ExchangeSimulator {
    /// Counts `request` against the exchange's request limits; by default the sandbox counts nothing.
    func rateCharge(_ request: ServerRequest, state: SandboxState) -> RateCharge { RateCharge() }

    /// No market data path by default.
    func isMarketData(_ path: String) -> Bool { false }

    /// No documented location block: exchanges.md has one for Binance only (§7.8).
    func regionRestricted(_ form: String) -> ServerResponse? { nil }

    /// 404 for paths the sandbox does not simulate.
    func notFound(_ request: ServerRequest) -> SimulatorOutcome {
        .response(.json(404, object: ["error": "not simulated", "path": request.path]))
    }
}

/// Small helpers shared by simulators.
enum SimulatorSupport {
    /// Constant-time comparison of two ASCII texts.
    static func equal(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// ISO 8601 with milliseconds and Z.
    static func iso(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    /// A stable pseudo id derived from parts (fixtures carry no ids).
    static func id(_ parts: String...) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "|").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(format: "%016llx", hash)
    }

    /// A UUID-shaped stable id.
    static func uuid(_ parts: String...) -> String {
        let a = id(parts.joined(separator: "|") + "a"), b = id(parts.joined(separator: "|") + "b")
        let hex = Array(a + b)
        return String(hex[0..<8]) + "-" + String(hex[8..<12]) + "-4" + String(hex[13..<16]) + "-a" +
            String(hex[17..<20]) + "-" + String(hex[20..<32])
    }

    /// Fixture rows summed per raw asset id (and wallet when `byWallet`), in first-seen order.
    static func merged(_ rows: [FixtureBalance], byWallet: Bool) -> [FixtureBalance] {
        var order: [String] = []
        var sums: [String: FixtureBalance] = [:]
        for row in rows {
            let key = byWallet ? row.asset + "|" + (row.wallet ?? "") : row.asset
            if var existing = sums[key] {
                existing.free = DecimalString.add(existing.free, row.free) ?? existing.free
                existing.locked = DecimalString.add(existing.lockedAmount, row.lockedAmount)
                if existing.liability != nil || row.liability != nil {
                    existing.liability = DecimalString.add(existing.liability ?? "0", row.liability ?? "0")
                }
                sums[key] = existing
            } else {
                order.append(key)
                sums[key] = row
            }
        }
        return order.map { sums[$0]! }
    }
}
