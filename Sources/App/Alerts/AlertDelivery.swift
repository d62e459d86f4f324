import Foundation
import Store

/// One alert to one channel, as the delivery log keeps it.
struct AlertDelivery: Sendable, Equatable {
    /// Where a delivery stands.
    enum Status: String, Sendable, Codable {
        /// Queued, not tried yet.
        case pending
        /// The channel accepted it.
        case delivered
        /// The last try failed; tried again at `nextAttemptAt`, or given up when that is nil.
        case failed
    }

    let id: String
    let userID: String
    let channelID: String
    let event: String
    /// The JSON body, byte for byte what is sent and signed.
    let body: String
    let status: Status
    let attempts: Int
    let createdAt: String
    let deliveredAt: String?
    let nextAttemptAt: String?
    let errorCode: String?
    let errorMessage: String?

    /// The delivery of a row of `alert_deliveries`; nil when a column is missing or unknown.
    init?(row: Row) {
        guard let id = row.string("id"), let userID = row.string("user_id"), let channelID = row.string("channel_id"),
              let event = row.string("event"), let body = row.string("body"),
              let status = row.string("status").flatMap(Status.init(rawValue:)),
              let createdAt = row.string("created_at") else { return nil }
        self.init(id: id, userID: userID, channelID: channelID, event: event, body: body, status: status,
                  attempts: row.int("attempts") ?? 0, createdAt: createdAt, deliveredAt: row.string("delivered_at"),
                  nextAttemptAt: row.string("next_attempt_at"), errorCode: row.string("error_code"),
                  errorMessage: row.string("error_message"))
    }

    /// A delivery with every field given.
    init(id: String, userID: String, channelID: String, event: String, body: String, status: Status, attempts: Int,
         createdAt: String, deliveredAt: String?, nextAttemptAt: String?, errorCode: String?, errorMessage: String?) {
        self.id = id
        self.userID = userID
        self.channelID = channelID
        self.event = event
        self.body = body
        self.status = status
        self.attempts = attempts
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.nextAttemptAt = nextAttemptAt
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }

    /// A new pending delivery of `body` to `channel`, due at `now`.
    static func queued(_ event: AlertEvent, to channel: AlertChannel, now: Date) -> AlertDelivery {
        let at = Timestamp.format(now)
        return AlertDelivery(id: UUIDs.make(), userID: channel.userID, channelID: channel.id, event: event.name,
                             body: event.body, status: .pending, attempts: 0, createdAt: at, deliveredAt: nil,
                             nextAttemptAt: at, errorCode: nil, errorMessage: nil)
    }
}
