import Foundation
import Logging
import Store
import Vault

/// Sends queued alert deliveries: the timer's delivery step (`run`), and the responder's test alert
/// (`deliver(_:)`). Each delivery is claimed first (one statement), so with several timers each is sent once.
/// A failure is recorded on the delivery with its code and retried with backoff (1 minute doubling to 6 hours,
/// given up after `maximumAttempts`); it never fails the run.
struct AlertSender: Sendable {
    /// Tries before a delivery is given up.
    static let maximumAttempts = 12
    /// The step starts no new send this long after it began, so with the 10 s timeout it ends within ~20 s.
    static let startWindow: Duration = .seconds(10)
    /// How long a claim lasts: longer than one send.
    static let claimSeconds: TimeInterval = 60

    let database: Database
    let outbound: OutboundHTTP
    let cipher: CredentialCipher
    let logger: Logger

    /// What one step did.
    struct Report: Sendable, Equatable {
        var delivered = 0
        var failed = 0
    }

    /// The wait before try `attempts + 1` after `attempts` failed ones: 60 s doubling, at most 6 hours.
    static func backoff(afterAttempts attempts: Int) -> TimeInterval {
        let exponent = min(max(attempts - 1, 0), 20)
        return min(60 * pow(2, Double(exponent)), 6 * 3600)
    }

    /// Sends the deliveries that are due, oldest first, for at most `startWindow` of starting sends.
    func run(now: @Sendable () -> Date = { Date() }) async -> Report {
        let clock = ContinuousClock()
        let stop = clock.now + Self.startWindow
        var report = Report()
        var seen: Set<String> = []
        while clock.now < stop {
            let ids: [String]
            do {
                let at = now()
                ids = try await database.read { try AlertDeliveryStore.dueIDs(at: at, limit: 20, in: $0) }
                    .filter { !seen.contains($0) }
            } catch {
                logger.error("alert deliveries could not be listed", metadata: ["error": "\(error)"])
                return report
            }
            if ids.isEmpty { break }
            for id in ids where clock.now < stop {
                seen.insert(id)
                switch await deliver(id, onlyIfDue: true, now: now()) {
                case .some(true): report.delivered += 1
                case .some(false): report.failed += 1
                case .none: break
                }
            }
        }
        if report.delivered + report.failed > 0 {
            logger.info("alerts sent", metadata: ["delivered": "\(report.delivered)", "failed": "\(report.failed)"])
        }
        return report
    }

    /// Claims and sends delivery `id`: true when delivered, false when it failed (recorded), nil when another
    /// process has it, it is not due, or it is gone. Never throws.
    func deliver(_ id: String, onlyIfDue: Bool = false, now: Date = Date()) async -> Bool? {
        do {
            let claimed = try await database.write { db -> (AlertDelivery, AlertChannel)? in
                guard try AlertDeliveryStore.claim(id, now: now, until: now.addingTimeInterval(Self.claimSeconds),
                                                   onlyIfDue: onlyIfDue, in: db) else { return nil }
                return try AlertDeliveryStore.claimed(id, in: db)
            }
            guard let claimed else { return nil }
            let (delivery, channel) = claimed
            let outcome = await send(delivery, to: channel)
            let finished = Date()
            try await database.write { db in
                switch outcome {
                case .success:
                    try AlertDeliveryStore.recordDelivered(id, at: finished, in: db)
                case .failure(let error):
                    let attempts = delivery.attempts + 1
                    let retry = attempts >= Self.maximumAttempts ? nil
                        : finished.addingTimeInterval(Self.backoff(afterAttempts: attempts))
                    try AlertDeliveryStore.recordFailure(id, code: error.code, message: error.message, retryAt: retry, in: db)
                }
            }
            if case .failure(let error) = outcome {
                // The code and host-level message only: never the URL's path, a header or the body.
                logger.notice("alert delivery failed", metadata: [
                    "delivery": "\(id)", "channel": "\(channel.id)", "code": "\(error.code)"])
                return false
            }
            return true
        } catch {
            logger.error("alert delivery could not be recorded", metadata: ["delivery": "\(id)", "error": "\(error)"])
            return nil
        }
    }

    /// One try: the channel's request sent through `OutboundHTTP`.
    private func send(_ delivery: AlertDelivery, to channel: AlertChannel) async -> Result<Void, OutboundError> {
        var secret: String?
        if let sealed = channel.sealedSecret {
            do {
                secret = try cipher.open(sealed, connectionId: channel.id, field: .alertSecret)
            } catch {
                return .failure(OutboundError("secret_unreadable",
                                              "The channel's secret cannot be opened with this server's keys; recreate the channel."))
            }
        }
        guard let url = URL(string: channel.url) else { return .failure(OutboundError("invalid_url", "The URL is not valid.")) }
        let request = AlertRequest.make(delivery, kind: channel.kind, secret: secret)
        do {
            _ = try await outbound.send(method: "POST", url: url, headers: request.headers, body: request.body)
            return .success(())
        } catch let error as OutboundError {
            return .failure(error)
        } catch {
            return .failure(OutboundError("target_unreachable", "The request failed."))
        }
    }
}
