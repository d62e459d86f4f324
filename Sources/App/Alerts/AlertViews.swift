import Web

/// A channel as the API shows it: never its secret or token (`hasToken` says whether an ntfy one is set).
struct AlertChannelView: Encodable, Sendable {
    /// The newest delivery to the channel, in brief.
    struct LastDelivery: Encodable, Sendable {
        let at: String
        let event: String
        let status: String
        @OrNull var errorCode: String?
    }

    let id: String
    let kind: String
    let url: String
    let hasToken: Bool?
    let enabled: Bool
    let createdAt: String
    @OrNull var lastDelivery: LastDelivery?

    init(_ channel: AlertChannel, last: AlertDelivery?) {
        id = channel.id
        kind = channel.kind.rawValue
        url = channel.url
        hasToken = channel.kind == .ntfy ? channel.sealedSecret != nil : nil
        enabled = channel.enabled
        createdAt = channel.createdAt
        lastDelivery = last.map {
            LastDelivery(at: $0.deliveredAt ?? $0.createdAt, event: $0.event, status: $0.status.rawValue,
                         errorCode: $0.errorCode)
        }
    }
}

/// A delivery as the API shows it (`GET /alerts/deliveries`): never its body's secrets, since it has none, and
/// not its body either.
struct AlertDeliveryView: Encodable, Sendable {
    let id: String
    let channelId: String
    let event: String
    let status: String
    let attempts: Int
    let createdAt: String
    @OrNull var deliveredAt: String?
    @OrNull var nextAttemptAt: String?
    @OrNull var errorCode: String?
    @OrNull var errorMessage: String?

    init(_ delivery: AlertDelivery) {
        id = delivery.id
        channelId = delivery.channelID
        event = delivery.event
        status = delivery.status.rawValue
        attempts = delivery.attempts
        createdAt = delivery.createdAt
        deliveredAt = delivery.deliveredAt
        nextAttemptAt = delivery.nextAttemptAt
        errorCode = delivery.errorCode
        errorMessage = delivery.errorMessage
    }
}
