import Foundation

/// Bitvavo's request weight counting as the sandbox keeps it (exchanges-okx-bybit-bitvavo.md §C.6, verified):
/// a fixed one-minute window per API key (per IP for calls without a key); a request that takes the count past
/// the limit is refused with 429 errorCode 110, and the key stays blocked for the rest of that minute plus the
/// next one. One counter per simulator instance, i.e. per sandbox.
final class BitvavoWeightCounter: @unchecked Sendable {
    // @unchecked: `windows` and `blockedUntil` are read and written only while holding `lock`.
    private let lock = NSLock()
    private var windows: [String: (startMs: Int64, used: Int)] = [:]
    private var blockedUntil: [String: Int64] = [:]

    /// What one charge found.
    struct Charge {
        /// Weight left in the current minute (never below 0).
        let remaining: Int
        /// When the count resets (ms since the epoch): the next minute, or the ban's end when blocked.
        let resetAtMs: Int64
        /// False when the request must be refused.
        let allowed: Bool
    }

    /// Adds `weight` to `scope`'s current minute at `nowMs` and answers whether it stays within `limit`. A
    /// blocked scope is refused without counting.
    func charge(_ weight: Int, scope: String, limit: Int, nowMs: Int64) -> Charge {
        lock.lock(); defer { lock.unlock() }
        let start = nowMs - nowMs % 60_000
        if let until = blockedUntil[scope], until > nowMs {
            return Charge(remaining: 0, resetAtMs: until, allowed: false)
        }
        var window = windows[scope] ?? (start, 0)
        if window.startMs != start { window = (start, 0) }
        window.used += weight
        windows[scope] = window
        if window.used > limit {
            // "The rest of the current minute plus the next" (§C.6).
            let until = start + 120_000
            blockedUntil[scope] = until
            return Charge(remaining: 0, resetAtMs: until, allowed: false)
        }
        return Charge(remaining: limit - window.used, resetAtMs: start + 60_000, allowed: true)
    }
}
