import Foundation
import Primitives

/// The HTTP request that carries one delivery to its channel.
///
/// Webhook: `POST` of the stored JSON body, `Content-Type: application/json`, `X-Holdfast-Event`,
/// `X-Holdfast-Delivery` (the delivery id, the same on every retry) and `X-Holdfast-Signature:
/// sha256=<hex HMAC-SHA256 of the exact body bytes under the channel secret>`.
/// ntfy: `POST` of the message text to the topic URL with `Title`, `Tags`, `Priority` and, when the channel has
/// a token, `Authorization: Bearer <token>` (https://docs.ntfy.sh/publish/).
struct AlertRequest: Sendable, Equatable {
    let headers: [String: String]
    let body: Data

    /// The request of `delivery` to a channel of `kind`; `secret` is the opened webhook secret or ntfy token.
    static func make(_ delivery: AlertDelivery, kind: AlertChannel.Kind, secret: String?) -> AlertRequest {
        switch kind {
        case .webhook:
            let bytes = Array(delivery.body.utf8)
            var headers = ["Content-Type": "application/json", "X-Holdfast-Event": delivery.event,
                           "X-Holdfast-Delivery": delivery.id]
            if let secret {
                headers["X-Holdfast-Signature"] = "sha256=" + Hex.encode(HMAC.authenticationCode(for: bytes, using: Array(secret.utf8)))
            }
            return AlertRequest(headers: headers, body: Data(bytes))
        case .ntfy:
            let parts = NtfyParts(body: delivery.body, event: delivery.event)
            var headers = ["Content-Type": "text/plain; charset=utf-8", "Title": headerText(parts.title),
                           "Tags": parts.tags, "Priority": parts.priority]
            if let secret, !secret.isEmpty { headers["Authorization"] = "Bearer " + secret }
            return AlertRequest(headers: headers, body: Data(parts.message.utf8))
        }
    }

    /// A header value ntfy reads: plain when printable ASCII, else RFC 2047 `=?UTF-8?B?…?=` (which ntfy decodes).
    static func headerText(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7f }) { return text }
        return "=?UTF-8?B?" + Data(text.utf8).base64EncodedString() + "?="
    }

    /// Title, message, tags and priority of an ntfy message, read back from the stored body.
    struct NtfyParts {
        let title: String
        let message: String
        let tags: String
        let priority: String

        init(body: String, event: String) {
            let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
            message = object["message"] as? String ?? "Holdfast alert"
            let connection = object["connection"] as? [String: Any]
            let label = connection?["label"] as? String
            let exchange = connection?["exchange"] as? String ?? ""
            let subject = AlertEvent.Subject(id: connection?["id"] as? String ?? "", exchange: exchange, label: label)
            let kind = AlertEvent.Kind(rawValue: event) ?? .test
            switch kind {
            case .needsAttention: title = "\(subject.displayName) needs attention"
            case .keyExpiring: title = "\(subject.displayName): API key expires soon"
            case .stale: title = "\(subject.displayName) is not syncing"
            case .recovered: title = "\(subject.displayName) recovered"
            case .test: title = "Holdfast test alert"
            }
            switch kind {
            case .needsAttention: tags = "warning"
            case .keyExpiring: tags = "key"
            case .stale: tags = "hourglass"
            case .recovered: tags = "white_check_mark"
            case .test: tags = "bell"
            }
            priority = kind == .needsAttention || kind == .keyExpiring ? "4" : "3"
        }
    }
}
