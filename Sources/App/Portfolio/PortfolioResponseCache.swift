import Foundation
import Web

/// `GET /portfolio`'s encoded body per user, kept until something it was built from changes (the fingerprint the
/// handler reads: the user's currency, each connection's `updated_at`, status and label — every sync, failure,
/// settings change or delete moves them — and each exchange's last market data read), or the clock crossing a moment that changes a status (a quote turning
/// `stale` 15 minutes after its `asOf`, a connection not synced for two intervals). Valuing 60 assets against
/// thousands of markets takes milliseconds; a dashboard may ask every few seconds, and several tabs at once.
///
/// Bounded: at `limit` users it starts afresh. `@unchecked Sendable`: `entries` is only touched under `lock` (an
/// `NSLock`: see `ParsedTextCache`).
final class PortfolioResponseCache: @unchecked Sendable {
    struct Entry: Sendable {
        let fingerprint: String
        let validUntil: Date
        let body: [UInt8]
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private let limit: Int
    /// A body is rebuilt at least this often, so `valuedAt` stays near the time it is read.
    static let longestLife: TimeInterval = 60

    init(limit: Int = 1_024) {
        self.limit = limit
    }

    /// The cached body of `userID` when built from `fingerprint` and still valid at `now`.
    func body(forUser userID: String, fingerprint: String, at now: Date) -> [UInt8]? {
        lock.withLock {
            guard let entry = entries[userID], entry.fingerprint == fingerprint, now < entry.validUntil else { return nil }
            return entry.body
        }
    }

    func store(_ body: [UInt8], forUser userID: String, fingerprint: String, validUntil: Date) {
        lock.withLock {
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[userID] = Entry(fingerprint: fingerprint, validUntil: validUntil, body: body)
        }
    }

    /// The first moment after `now` at which the body of `valuation` would say something else: a priced value's
    /// quote turning stale, a current connection turning stale, or `longestLife`.
    static func validUntil(_ valuation: PortfolioValuation, inputs: PortfolioInputs, now: Date) -> Date {
        var until = now.addingTimeInterval(longestLife)
        for asset in valuation.assets where asset.status == .priced {
            if let asOf = asset.asOf { until = min(until, asOf.addingTimeInterval(Valuation.defaultStaleLimit)) }
        }
        for record in inputs.connections {
            if let stale = ConnectionFreshness.turnsStale(record, at: now) { until = min(until, stale) }
        }
        return until
    }
}
