import Foundation
import Store

/// Whether a connection's balances can be trusted as current, for the completeness of a total and of a value
/// point (issue 13: a point is `partial` "with the connections that were stale, failed or paused").
enum ConnectionFreshness: String, Sendable, Codable {
    /// Synced recently enough: its last success is within `staleAfter(_:)`.
    case current
    /// Never synced, or its last success is older than `staleAfter(_:)` (the timer is behind or stopped).
    case stale
    /// Its last sync failed: the balances shown are the last ones read.
    case failed
    /// Paused by its owner: the balances shown are the last ones read.
    case paused

    /// How old a successful sync may be and still count as current: two sync intervals, and never less than
    /// 15 minutes (the price stale limit), so one late timer run does not mark a portfolio partial.
    static func staleAfter(_ record: ConnectionRecord) -> TimeInterval {
        max(2 * TimeInterval(record.syncInterval), Valuation.defaultStaleLimit)
    }

    /// The freshness of `record` at `now`.
    static func of(_ record: ConnectionRecord, at now: Date) -> ConnectionFreshness {
        switch record.status {
        case .disabled: return .paused
        case .error: return .failed
        case .active: break
        }
        guard let last = record.lastSyncAt.flatMap(Timestamp.parse) else { return .stale }
        return now.timeIntervalSince(last) > staleAfter(record) ? .stale : .current
    }

    /// When `record` turns stale if nothing happens before (nil when it is not current).
    static func turnsStale(_ record: ConnectionRecord, at now: Date) -> Date? {
        guard of(record, at: now) == .current, let last = record.lastSyncAt.flatMap(Timestamp.parse) else { return nil }
        return last.addingTimeInterval(staleAfter(record))
    }
}
