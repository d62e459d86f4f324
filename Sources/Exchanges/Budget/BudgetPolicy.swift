import Foundation

/// How one kind of exchange allowance refills, how large it is, and how much of it Holdfast lets itself use.
///
/// Units are the exchange's own (Binance weight, Kraken counter points, KuCoin pool weight, Coinbase requests).
/// Arithmetic is done in thousandths of a unit (`milli`) so Kraken's 0.33/s decay is exact in integers.
public struct BudgetPolicy: Sendable, Equatable {
    /// How spent units come back.
    public enum Refill: Sendable, Equatable {
        /// Everything comes back at the start of each fixed window of this many milliseconds, aligned to the
        /// Unix epoch (Binance's per-minute weight resets on the minute; KuCoin's pools every 30 s).
        case window(milliseconds: Int64)
        /// The count decays continuously by this many thousandths of a unit per second (Kraken's API counter,
        /// Coinbase's per-second limits modelled as a leaky bucket).
        case decay(milliPerSecond: Int64)
    }

    /// The exchange's published limit, in units (per window, or the counter's maximum).
    public var limit: Int
    /// How the allowance refills.
    public var refill: Refill
    /// Per mille of `limit` Holdfast may use (e.g. 850 = 85 %). The rest is headroom for what we do not see:
    /// other software behind the same IP (Binance counts per IP, exchanges.md §1.5), clock differences between
    /// our window and the exchange's, and requests in flight when another process reads the count.
    public var usablePerMille: Int

    /// A policy; `usablePerMille` is clamped to 1…1000.
    public init(limit: Int, refill: Refill, usablePerMille: Int = 850) {
        self.limit = max(1, limit)
        self.refill = refill
        self.usablePerMille = min(1000, max(1, usablePerMille))
    }

    /// The usable allowance in thousandths of a unit (at least one unit, so a tiny limit still admits a call).
    public var allowanceMilli: Int64 { max(1000, Int64(limit) * Int64(usablePerMille)) }

    /// The published limit in thousandths of a unit.
    public var limitMilli: Int64 { Int64(limit) * 1000 }

    /// Seconds to pause a scope after a rate-limit answer that named no `Retry-After`: one window, or the time
    /// the counter takes to drain from full (at least one second).
    public var defaultPauseSeconds: Int {
        switch refill {
        case .window(let ms): return Int(max(1, (ms + 999) / 1000))
        case .decay(let rate): return Int(max(1, (limitMilli + max(1, rate) - 1) / max(1, rate)))
        }
    }
}
