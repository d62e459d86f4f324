import Exchanges
import Foundation
import Store
import Web

/// One alert: its event name, the JSON body sent to webhooks (never a secret), and the text an ntfy message
/// shows.
///
/// Body: `{"event","connection":{"id","exchange","label"} | null,"message","at"[,"errorCode"][,"staleHours"]
/// [,"expiresAt"]}`.
struct AlertEvent: Sendable, Equatable {
    /// The events Holdfast alerts on.
    enum Kind: String, Sendable, CaseIterable {
        case needsAttention = "connection.needs_attention"
        case keyExpiring = "connection.key_expiring"
        case stale = "connection.stale"
        case recovered = "connection.recovered"
        case test
    }

    /// The connection an alert is about, as the body names it.
    struct Subject: Sendable, Equatable, Encodable {
        let id: String
        let exchange: String
        @OrNull var label: String?

        static func == (lhs: Subject, rhs: Subject) -> Bool {
            lhs.id == rhs.id && lhs.exchange == rhs.exchange && lhs.label == rhs.label
        }

        /// The name people know it by: its label, else the exchange's name.
        var displayName: String {
            if let label, !label.isEmpty { return label }
            return ExchangeID(rawValue: exchange)?.info.displayName ?? exchange
        }
    }

    private struct Body: Encodable {
        let event: String
        @OrNull var connection: Subject?
        let message: String
        let at: String
        let errorCode: String?
        let staleHours: Int?
        let expiresAt: String?
    }

    let kind: Kind
    /// A short title (ntfy's `Title`).
    let title: String
    /// The sentence people read.
    let message: String
    /// The exact JSON body.
    let body: String

    /// The event name, e.g. `connection.stale`.
    var name: String { kind.rawValue }

    private init(kind: Kind, subject: Subject?, title: String, message: String, at: Date, errorCode: String? = nil,
                 staleHours: Int? = nil, expiresAt: String? = nil) {
        self.kind = kind
        self.title = title
        self.message = message
        let body = Body(event: kind.rawValue, connection: subject, message: message, at: Timestamp.format(at),
                        errorCode: errorCode, staleHours: staleHours, expiresAt: expiresAt)
        self.body = (try? CompactJSONEncoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The connection needs its owner: the exchange refused the key, its permissions changed, or it refuses this
    /// server's location. `errorCode` is the sync's catalogue code.
    static func needsAttention(_ subject: Subject, errorCode: String?, at: Date) -> AlertEvent {
        let reason: String
        switch errorCode {
        case "permission_denied": reason = "the key may no longer read balances"
        case "region_restricted": reason = "the exchange refuses this server's location"
        case "ip_not_allowed": reason = "the key is bound to IP addresses that do not include this server's"
        default: reason = "the exchange refuses the key"
        }
        return AlertEvent(kind: .needsAttention, subject: subject, title: "\(subject.displayName) needs attention",
                          message: "\(subject.displayName) needs attention: \(reason). Automatic syncs are stopped "
                            + "until the key is replaced or the connection is synced by hand.",
                          at: at, errorCode: errorCode)
    }

    /// The exchange says the connection's key expires at `expiresAt`, within 14 days.
    static func keyExpiring(_ subject: Subject, expiresAt: Date, at: Date) -> AlertEvent {
        let days = max(0, Int((expiresAt.timeIntervalSince(at) / 86_400).rounded(.down)))
        let day = String(Timestamp.format(expiresAt).prefix(10))
        return AlertEvent(kind: .keyExpiring, subject: subject, title: "\(subject.displayName): API key expires soon",
                          message: "The API key of \(subject.displayName) expires on \(day) (in \(days) "
                            + "day\(days == 1 ? "" : "s")). Replace it before then.",
                          at: at, expiresAt: Timestamp.format(expiresAt))
    }

    /// No successful sync for more than `hours` hours.
    static func stale(_ subject: Subject, hours: Int, at: Date) -> AlertEvent {
        AlertEvent(kind: .stale, subject: subject, title: "\(subject.displayName) is not syncing",
                   message: "\(subject.displayName) has had no successful sync for more than \(hours) "
                     + "hour\(hours == 1 ? "" : "s").", at: at, staleHours: hours)
    }

    /// Synced successfully again after needing attention or being stale.
    static func recovered(_ subject: Subject, at: Date) -> AlertEvent {
        AlertEvent(kind: .recovered, subject: subject, title: "\(subject.displayName) recovered",
                   message: "\(subject.displayName) synced successfully again.", at: at)
    }

    /// A test alert, sent on request.
    static func test(at: Date) -> AlertEvent {
        AlertEvent(kind: .test, subject: nil, title: "Holdfast test alert",
                   message: "This is a test alert from Holdfast: this channel works.", at: at)
    }
}
