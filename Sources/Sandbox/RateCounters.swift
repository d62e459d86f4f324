import Foundation

/// The exchanges' own request counters, as the sandbox keeps them: Binance's request weight per IP per minute
/// (exchanges.md §7.7; per sandbox process here, since every client of a sandbox is one loopback IP) and
/// Kraken's API counter per key (§3.5). Lives inside `SandboxState`'s lock.
struct RateCounters: Sendable {
    /// Binance: start of the current minute (ms since the epoch) and the weight used in it.
    private var minuteStartMs: Int64 = 0
    private var minuteWeight = 0
    /// Highest weight used in any one minute since the last stats reset (requests refused for weight count
    /// too: Binance counts every request it receives).
    private(set) var maxWeightPerMinute = 0
    /// Requests answered 429 `-1003` by the weight limit since the last stats reset.
    private(set) var weightRefusals = 0
    /// Kraken: counter value (thousandths) and time of the last decay per API key.
    private var krakenCounters: [String: (milli: Int64, atMs: Int64)] = [:]
    /// Requests answered `EAPI:Rate limit exceeded` by the counter since the last stats reset.
    private(set) var counterRefusals = 0

    /// Adds `weight` to the current minute and answers the weight used so far, whether it is within `limit`,
    /// and the seconds until the next minute starts (Binance's `Retry-After`).
    mutating func chargeWeight(_ weight: Int, limit: Int, nowMs: Int64) -> (used: Int, allowed: Bool, retryAfter: Int) {
        let start = nowMs - nowMs % 60_000
        if start != minuteStartMs {
            minuteStartMs = start
            minuteWeight = 0
        }
        minuteWeight += weight
        maxWeightPerMinute = max(maxWeightPerMinute, minuteWeight)
        let allowed = minuteWeight <= limit
        if !allowed { weightRefusals += 1 }
        return (minuteWeight, allowed, Int((start + 60_000 - nowMs + 999) / 1000))
    }

    /// Kraken's rule (§3.5): each call adds `cost` to the key's counter, which decays by `decayPerSecond`;
    /// a call that would take it above `maximum` is refused and adds nothing.
    mutating func chargeCounter(key: String, cost: Int = 1, maximum: Int, decayMilliPerSecond: Int64 = 330,
                                nowMs: Int64) -> Bool {
        let entry = krakenCounters[key] ?? (0, nowMs)
        let elapsed = max(0, nowMs - entry.atMs)
        let value = max(0, entry.milli - elapsed * decayMilliPerSecond / 1000)
        guard value + Int64(cost) * 1000 <= Int64(maximum) * 1000 else {
            krakenCounters[key] = (value, nowMs)
            counterRefusals += 1
            return false
        }
        krakenCounters[key] = (value + Int64(cost) * 1000, nowMs)
        return true
    }

    /// Forgets the statistics (not the counters themselves: the exchange would not forget them either).
    mutating func resetStatistics() {
        maxWeightPerMinute = minuteWeight
        weightRefusals = 0
        counterRefusals = 0
    }
}
