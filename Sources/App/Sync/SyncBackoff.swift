import Exchanges
import Foundation

/// When to try a failing connection again.
///
/// Transient failures back off exponentially from one minute, doubling per consecutive failure, capped at an
/// hour, with ±20 % jitter so connections that failed together do not retry together; an exchange's
/// retry-after is a floor. Credential and permission failures are not retried automatically at all: retrying
/// cannot fix a revoked key and may get the key or the IP locked out.
public enum SyncBackoff {
    public static let base: TimeInterval = 60
    public static let cap: TimeInterval = 3600

    /// Codes worth retrying on a schedule.
    public static let transientCodes: Set<String> = [
        ExchangeError.Code.timeout.rawValue, ExchangeError.Code.exchangeUnavailable.rawValue,
        ExchangeError.Code.rateLimited.rawValue, ExchangeError.Code.clockSkew.rawValue,
        ExchangeError.Code.nonceConflict.rawValue, ExchangeError.Code.badResponse.rawValue,
    ]

    /// Whether a failure with `code` means the user must act before automatic syncs resume.
    public static func needsAttention(_ code: String) -> Bool { !transientCodes.contains(code) }

    /// The delay before the next attempt after `failures` consecutive transient failures (1 = first).
    public static func delay(failures: Int, retryAfter: Int?, jitter: Double = Double.random(in: -0.2...0.2)) -> TimeInterval {
        let exponent = Double(max(0, min(failures - 1, 16)))
        let raw = min(cap, base * pow(2, exponent))
        let jittered = min(cap, raw * (1 + jitter))
        return max(jittered, TimeInterval(retryAfter ?? 0))
    }
}
