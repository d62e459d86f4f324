import Foundation
import Primitives
import Store
import Web

/// `/api/v1/alerts/…`: the user's alert channels (webhook, ntfy), a test alert, the delivery log and the
/// stale-sync setting (issue 15). A channel's secret is shown once, in the answer that creates it, never again.
enum AlertHandlers {
    typealias Parameters = Router<Application>.Parameters

    /// `GET /alerts/channels`.
    static func channels(_ request: Request, _ parameters: Parameters, _ app: Application,
                         _ session: AuthenticatedSession) throws -> Response {
        let views = try app.database.read { db -> [AlertChannelView] in
            let last = try AlertDeliveryStore.latestByChannel(ofUser: session.userID, in: db)
            return try AlertChannelStore.channels(ofUser: session.userID, in: db).map { AlertChannelView($0, last: last[$0.id]) }
        }
        return .json(["channels": views])
    }

    private struct Created: Encodable {
        let channel: AlertChannelView
        let secret: String?
    }

    /// `POST /alerts/channels`: `{kind:"webhook", url}` → 201 `{channel, secret}`; `{kind:"ntfy", url, token?}` →
    /// 201 `{channel}`. The URL is checked (`invalid_url`, `target_not_allowed`); at most 10 channels (409).
    static func create(_ request: Request, _ parameters: Parameters, _ app: Application,
                       _ session: AuthenticatedSession) throws -> Response {
        var body = try JSONBody(request)
        body.rejectUnknownFields(allowing: ["kind", "url", "token"])
        let kindText = body.string("kind", maxLength: 20)
        let kind = kindText.flatMap(AlertChannel.Kind.init(rawValue:))
        if kindText != nil && kind == nil { body.note("kind", "must be webhook or ntfy") }
        let urlText = body.string("url", maxLength: OutboundHTTP.maximumURLLength)
        let token = body.string("token", required: false, maxLength: 512, secret: true)
        if kind == .webhook && body.has("token") { body.note("token", "is only for ntfy channels") }
        try body.validate()
        guard let kind, let urlText else { throw APIError.validation(["url": "is required"]) }
        let url: URL
        do {
            url = try app.outbound.validate(urlText)
        } catch let error as OutboundError {
            throw error.apiError(field: "url")
        }
        let id = UUIDs.make()
        let secret: String? = kind == .webhook ? SecureRandom.hex(length: 64)
            : token.flatMap { $0.isEmpty ? nil : $0 }
        let sealed = try secret.map { try app.cipher.seal($0, connectionId: id, field: .alertSecret) }
        let channel = AlertChannel(id: id, userID: session.userID, kind: kind, url: url.absoluteString,
                                   sealedSecret: sealed, enabled: true, createdAt: Timestamp.now())
        try app.database.write { db in
            guard try AlertChannelStore.count(ofUser: session.userID, in: db) < AlertChannelStore.maximumChannels else {
                throw APIError(.conflict, "You have \(AlertChannelStore.maximumChannels) alert channels already; delete one first.")
            }
            try AlertChannelStore.insert(channel, in: db)
        }
        let view = AlertChannelView(channel, last: nil)
        return .json(Created(channel: view, secret: kind == .webhook ? secret : nil), status: 201)
    }

    /// `DELETE /alerts/channels/:id` → 204; its deliveries go with it.
    static func delete(_ request: Request, _ parameters: Parameters, _ app: Application,
                       _ session: AuthenticatedSession) throws -> Response {
        guard let id = parameters["id"], UUIDs.isValid(id),
              try app.database.write({ try AlertChannelStore.delete(id, ofUser: session.userID, in: $0) }) else {
            throw APIError.notFound
        }
        return .noContent
    }

    private struct Queued: Encodable {
        struct Delivery: Encodable {
            let id: String
            let status: String
        }
        let delivery: Delivery
    }

    /// `POST /alerts/channels/:id/test` → 202 `{delivery:{id, status:"pending"}}`: a test alert queued, then sent
    /// by the responder in the background at once (bounded by the 10 s timeout); a failure is retried by the timer.
    static func test(_ request: Request, _ parameters: Parameters, _ app: Application,
                     _ session: AuthenticatedSession) throws -> Response {
        let now = Date()
        let delivery = try app.database.write { db -> AlertDelivery in
            guard let id = parameters["id"], UUIDs.isValid(id),
                  let channel = try AlertChannelStore.channel(id, ofUser: session.userID, in: db) else {
                throw APIError.notFound
            }
            let delivery = AlertDelivery.queued(.test(at: now), to: channel, now: now)
            try AlertDeliveryStore.insert(delivery, in: db)
            return delivery
        }
        let sender = app.alertSender
        let id = delivery.id
        Task.detached { _ = await sender.deliver(id) }
        return .json(Queued(delivery: .init(id: delivery.id, status: delivery.status.rawValue)), status: 202)
    }

    /// `GET /alerts/deliveries?limit=50` (1…200): the newest deliveries first.
    static func deliveries(_ request: Request, _ parameters: Parameters, _ app: Application,
                           _ session: AuthenticatedSession) throws -> Response {
        var limit = 50
        if let text = request.queryItems["limit"] {
            guard let value = Int(text), (1...200).contains(value) else {
                throw APIError.validation(["limit": "must be a whole number from 1 to 200"])
            }
            limit = value
        }
        let deliveries = try app.database.read {
            try AlertDeliveryStore.recent(ofUser: session.userID, limit: limit, in: $0)
        }
        return .json(["deliveries": deliveries.map(AlertDeliveryView.init)])
    }

    private struct SettingsView: Encodable {
        let staleHours: Int
    }

    /// `GET /alerts/settings` → `{staleHours}`.
    static func settings(_ request: Request, _ parameters: Parameters, _ app: Application,
                         _ session: AuthenticatedSession) throws -> Response {
        let hours = try app.database.read { try AlertChannelStore.staleHours(ofUser: session.userID, in: $0) }
        return .json(SettingsView(staleHours: hours))
    }

    /// `PATCH /alerts/settings {staleHours: 1…720}` → the settings.
    static func updateSettings(_ request: Request, _ parameters: Parameters, _ app: Application,
                               _ session: AuthenticatedSession) throws -> Response {
        var body = try JSONBody(request)
        body.rejectUnknownFields(allowing: ["staleHours"])
        let hours = body.int("staleHours", in: 1...720)
        if hours == nil && !body.has("staleHours") { body.note("staleHours", "is required") }
        try body.validate()
        guard let hours else { throw APIError.validation(["staleHours": "is required"]) }
        try app.database.write { try AlertChannelStore.setStaleHours(hours, ofUser: session.userID, in: $0) }
        return .json(SettingsView(staleHours: hours))
    }
}
