import Foundation

/// The stored count of one scope: what both budget implementations keep per scope name.
public struct BudgetState: Sendable, Equatable {
    /// Units spent, in thousandths.
    public var usedMilli: Int64
    /// Start of the current window (fixed windows) or time of the last decay (decaying counters), ms since
    /// the epoch.
    public var markMs: Int64
    /// No request in the scope before this time, ms since the epoch (0: not blocked).
    public var blockedUntilMs: Int64

    /// A state with the given parts.
    public init(usedMilli: Int64 = 0, markMs: Int64 = 0, blockedUntilMs: Int64 = 0) {
        self.usedMilli = usedMilli
        self.markMs = markMs
        self.blockedUntilMs = blockedUntilMs
    }
}

/// The arithmetic of a budget, free of storage: both `InProcessRequestBudget` and App's SQLite store read a
/// `BudgetState`, call these, and write the result back inside one critical section / transaction.
///
/// All values are integers (thousandths of a unit, milliseconds), saturating, so no stored or reported value
/// can trap.
public enum BudgetLedger {
    /// `state` brought forward to `nowMs`: a new window starts empty; a decaying count loses what decayed.
    public static func settled(_ state: BudgetState, policy: BudgetPolicy, nowMs: Int64) -> BudgetState {
        var next = state
        switch policy.refill {
        case .window(let length):
            let start = windowStart(nowMs, length: length)
            if next.markMs != start {
                next.usedMilli = 0
                next.markMs = start
            }
        case .decay(let rate):
            let elapsed = max(0, nowMs &- next.markMs)
            let (decayed, overflow) = elapsed.multipliedReportingOverflow(by: max(0, rate))
            next.usedMilli = overflow ? 0 : max(0, next.usedMilli - decayed / 1000)
            next.markMs = max(next.markMs, nowMs)
        }
        next.usedMilli = max(0, next.usedMilli)
        return next
    }

    /// Takes `weight` from the settled `state` when it fits in the usable allowance (a request heavier than the
    /// whole allowance fits only into an empty count, so it is never refused for ever); otherwise answers the
    /// earliest time it would fit and leaves the count as it was.
    public static func reserve(_ weight: Int, state: BudgetState, policy: BudgetPolicy, nowMs: Int64)
        -> (BudgetState, Reservation) {
        var next = settled(state, policy: policy, nowMs: nowMs)
        if next.blockedUntilMs > nowMs { return (next, .notBefore(date(next.blockedUntilMs))) }
        let cost = Int64(max(0, weight)) * 1000
        let allowance = policy.allowanceMilli
        if next.usedMilli == 0 || next.usedMilli + cost <= allowance {
            next.usedMilli += cost
            return (next, .go)
        }
        switch policy.refill {
        case .window(let length):
            return (next, .notBefore(date(windowStart(nowMs, length: length) + length)))
        case .decay(let rate):
            let excess = next.usedMilli + min(cost, allowance) - allowance
            let waitMs = (excess * 1000 + max(1, rate) - 1) / max(1, rate)
            return (next, .notBefore(date(nowMs + max(1, waitMs))))
        }
    }

    /// `state` after an answer said `feedback`: a reported usage raises the local count (never lowers it: a
    /// reservation made after that answer was sent may not be in the exchange's figure yet); a block extends
    /// to `now + seconds`; a full counter raises the count to the usable allowance.
    public static func record(_ feedback: BudgetFeedback, state: BudgetState, policy: BudgetPolicy, nowMs: Int64)
        -> BudgetState {
        var next = settled(state, policy: policy, nowMs: nowMs)
        if let used = feedback.usedWeight {
            let reported = Int64(min(max(0, used), 1_000_000_000)) * 1000
            next.usedMilli = max(next.usedMilli, reported)
        }
        if feedback.counterFull { next.usedMilli = max(next.usedMilli, policy.allowanceMilli) }
        if let seconds = feedback.blockedForSeconds {
            let until = nowMs + Int64(min(max(0, seconds), ResponseSupport.maxRetryAfterSeconds)) * 1000
            next.blockedUntilMs = max(next.blockedUntilMs, until)
        }
        return next
    }

    /// The start of the window holding `nowMs`.
    static func windowStart(_ nowMs: Int64, length: Int64) -> Int64 {
        let size = max(1, length)
        return nowMs - ((nowMs % size) + size) % size
    }

    /// `ms` since the epoch as a date.
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }

    /// `date` in ms since the epoch (saturating).
    public static func milliseconds(_ date: Date) -> Int64 {
        let ms = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard ms.isFinite else { return 0 }
        return Int64(max(0, min(ms, 9.0e15)))
    }
}
