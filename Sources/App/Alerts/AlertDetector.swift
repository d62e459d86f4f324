import Foundation
import Logging
import Store

/// The timer's alert step: compares each connection with its stored alert states and queues one alert per
/// change, to each enabled channel of its owner. Run once per timer run; a condition that stays raised is never
/// alerted again, so an alert goes out per state change, not per run.
///
/// Conditions: `needs_attention` (the sync engine's flag: credentials refused, permission changed, region
/// restricted); `stale` (no successful sync for more than the owner's `staleHours`; not judged while the
/// connection needs attention, which is alerted already); `key_expiring` (the exchange reports the key's expiry
/// within 14 days: of the eight exchanges only Bybit does, `expiredAt` of keys without an IP binding, §B.5).
/// A needs-attention or stale connection that is neither any more, after a successful sync, is `recovered` (one
/// alert, however many conditions cleared). `needs_attention` stays raised until a sync succeeds: the person's
/// edit clears the engine's flag so retries resume, but a retry that fails again is the same trouble, not a new
/// one. Stale cleared by a higher threshold, with no sync since, clears without an alert. A paused connection
/// has its conditions cleared without an alert.
struct AlertDetector: Sendable {
    /// How close an expiry must be to alert.
    static let keyExpiryWarning: TimeInterval = 14 * 86_400

    let database: Database
    let logger: Logger

    /// What one run queued.
    struct Report: Sendable, Equatable {
        var events = 0
        var deliveries = 0
    }

    /// Runs the step at `now`.
    func run(now: Date = Date()) async throws -> Report {
        let (watched, staleHours) = try await database.read { db in
            (try AlertStateStore.watched(in: db), try AlertChannelStore.staleHoursByUser(in: db))
        }
        var report = Report()
        for connection in watched {
            let hours = staleHours[connection.userID] ?? AlertChannelStore.defaultStaleHours
            let wanted = Self.conditions(of: connection, staleHours: hours, now: now)
            guard wanted != connection.raised else { continue }
            let queued = try await database.write { db in
                try Self.apply(wanted, to: connection, staleHours: hours, now: now, in: db)
            }
            report.events += queued.events
            report.deliveries += queued.deliveries
        }
        if report.events > 0 {
            logger.info("alerts queued", metadata: ["events": "\(report.events)", "deliveries": "\(report.deliveries)"])
        }
        return report
    }

    /// The conditions that hold for `connection` at `now`.
    static func conditions(of connection: AlertStateStore.Watched, staleHours: Int, now: Date) -> Set<AlertStateStore.Condition> {
        guard !connection.paused else { return [] }
        var result: Set<AlertStateStore.Condition> = []
        let awaitingSuccess = connection.raised.contains(.needsAttention) && !connection.succeeded(since: .needsAttention)
        if connection.needsAttention || awaitingSuccess {
            result.insert(.needsAttention)
            // Not judged while it needs attention: kept as it was.
            if connection.raised.contains(.stale) { result.insert(.stale) }
        } else if let success = connection.lastSuccess, now.timeIntervalSince(success) > Double(staleHours) * 3600 {
            result.insert(.stale)
        }
        if let expiry = connection.keyExpiresAt, expiry.timeIntervalSince(now) <= keyExpiryWarning {
            result.insert(.keyExpiring)
        }
        return result
    }

    /// Stores the changed conditions of one connection and queues the alerts this caller's changes call for, in
    /// the caller's write transaction.
    static func apply(_ wanted: Set<AlertStateStore.Condition>, to connection: AlertStateStore.Watched,
                      staleHours: Int, now: Date, in db: Connection) throws -> Report {
        let subject = AlertEvent.Subject(id: connection.id, exchange: connection.exchange, label: connection.label)
        var events: [AlertEvent] = []
        var recovered = false
        for condition in AlertStateStore.Condition.allCases {
            let raise = wanted.contains(condition)
            guard raise != connection.raised.contains(condition),
                  try AlertStateStore.set(condition, of: connection.id, raised: raise, at: now, in: db) else { continue }
            switch (condition, raise) {
            case (.needsAttention, true):
                events.append(.needsAttention(subject, errorCode: connection.errorCode, at: now))
            case (.stale, true):
                events.append(.stale(subject, hours: staleHours, at: now))
            case (.keyExpiring, true):
                if let expiry = connection.keyExpiresAt { events.append(.keyExpiring(subject, expiresAt: expiry, at: now)) }
            case (.needsAttention, false), (.stale, false):
                if connection.succeeded(since: condition) { recovered = true }
            case (.keyExpiring, false):
                break
            }
        }
        // Recovered: what cleared did so through a successful sync, not a pause, and nothing is raised now.
        if recovered && !connection.paused && !wanted.contains(.needsAttention) && !wanted.contains(.stale) {
            events.append(.recovered(subject, at: now))
        }
        var report = Report()
        guard !events.isEmpty else { return report }
        let channels = try AlertChannelStore.enabledChannels(ofUser: connection.userID, in: db)
        for event in events {
            report.events += 1
            for channel in channels {
                try AlertDeliveryStore.insert(AlertDelivery.queued(event, to: channel, now: now), in: db)
                report.deliveries += 1
            }
        }
        return report
    }
}
