import Exchanges
import Foundation
import Store
import Web

/// `/api/v1/feeds/ghostfolio…`: the user's Ghostfolio feed (issue 15). The security token is written, never read
/// back: no answer, log line or error carries it.
enum FeedHandlers {
    /// One connection's push state as the API shows it.
    struct ConnectionView: Encodable {
        let connectionId: String
        let exchange: String
        @OrNull var label: String?
        @OrNull var accountId: String?
        @OrNull var lastPushAt: String?
        @OrNull var lastSuccessAt: String?
        @OrNull var errorCode: String?
        @OrNull var errorMessage: String?
        @OrNull var nextAttemptAt: String?
        /// Held assets Ghostfolio has no data source for (left out of the push).
        let unmappedAssets: [String]
    }

    /// `GET`/`PUT /feeds/ghostfolio`.
    struct FeedView: Encodable {
        let configured: Bool
        @OrNull var url: String?
        let enabled: Bool
        let connections: [ConnectionView]
    }

    /// `GET /api/v1/feeds/ghostfolio`.
    static func get(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application,
                    _ session: AuthenticatedSession) throws -> Response {
        .json(try app.database.read { db in try view(ofUser: session.userID, in: db) })
    }

    /// The feed of `userID` as the API shows it, read in the caller's transaction.
    static func view(ofUser userID: String, in db: Connection) throws -> FeedView {
        let feed = try FeedStore.feed(ofUser: userID, in: db)
        let pushes = try FeedStore.pushes(ofUser: userID, in: db)
        let connections = try ConnectionStore.all(userID: userID, in: db)
        let portfolios = try HoldingStore.portfolios(ofUser: userID, in: db)
        let holdings = PortfolioInputs.positions(try HoldingStore.holdings(ofUser: userID, in: db), portfolios: portfolios)
        var unmapped: [String: [String]] = [:]
        for holding in holdings where GhostfolioSymbols.kind(of: holding.asset) == .unmapped && !DecimalString.isZero(holding.quantity) {
            unmapped[holding.connectionID, default: []].append(holding.asset)
        }
        let views = connections.map { connection in
            let push = pushes[connection.id]
            return ConnectionView(connectionId: connection.id, exchange: connection.exchange, label: connection.label,
                                  accountId: push?.accountID, lastPushAt: push?.lastPushAt,
                                  lastSuccessAt: push?.lastSuccessAt, errorCode: push?.errorCode,
                                  errorMessage: push?.errorMessage, nextAttemptAt: push?.nextAttemptAt,
                                  unmappedAssets: (unmapped[connection.id] ?? []).sorted())
        }
        return FeedView(configured: feed != nil, url: feed?.url, enabled: feed?.enabled ?? false, connections: views)
    }

    /// `PUT /api/v1/feeds/ghostfolio` `{url, securityToken, enabled?}`: sets the feed. `securityToken` may be left
    /// out to keep the stored one (changing only the URL or `enabled`); it is required the first time. The URL
    /// is checked against the outbound policy now (422 `invalid_url` / `target_not_allowed`); the token is not
    /// tried here: the first push says whether Ghostfolio accepts it.
    static func put(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application,
                    _ session: AuthenticatedSession) throws -> Response {
        var body = try JSONBody(request)
        body.rejectUnknownFields(allowing: ["url", "securityToken", "enabled"])
        let urlText = body.string("url", maxLength: OutboundHTTP.maximumURLLength)
        let token = body.string("securityToken", required: false, maxLength: 512, secret: true)
        let enabled = body.bool("enabled")
        if let token, token.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            body.note("securityToken", "must not be empty")
        }
        try body.validate()
        guard let urlText else { throw APIError.validation(["url": "is required"]) }
        let url: URL
        do {
            url = try OutboundHTTP(policy: app.configuration.outboundPolicy).validate(urlText)
        } catch let error as OutboundError {
            throw error.apiError(field: "url")
        }
        let base = GhostfolioClient.baseURL(url)
        let sealed = try token.map { try FeedToken.seal($0, userID: session.userID, cipher: app.cipher) }
        let userID = session.userID
        let answer = try app.database.write { db -> FeedView in
            let existing = try FeedStore.feed(ofUser: userID, in: db)
            guard let tokenEncrypted = sealed ?? existing?.tokenEncrypted else {
                throw APIError.validation(["securityToken": "is required"])
            }
            try FeedStore.save(userID: userID, url: base, tokenEncrypted: tokenEncrypted,
                               enabled: enabled ?? existing?.enabled ?? true, at: Timestamp.now(), in: db)
            try FeedStore.addMissingPushes(userID: userID, in: db)
            return try view(ofUser: userID, in: db)
        }
        return .json(answer)
    }

    /// `DELETE /api/v1/feeds/ghostfolio`: forgets the feed and its push state (the Ghostfolio accounts stay there).
    static func delete(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application,
                       _ session: AuthenticatedSession) throws -> Response {
        let removed = try app.database.write { db in try FeedStore.delete(userID: session.userID, in: db) }
        guard removed else { throw APIError.notFound }
        return .noContent
    }

    /// `POST /api/v1/feeds/ghostfolio/push`: every connection is pushed by the timer's next run, changed or not.
    static func push(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application,
                     _ session: AuthenticatedSession) throws -> Response {
        let answer = try app.database.write { db -> FeedView in
            guard let feed = try FeedStore.feed(ofUser: session.userID, in: db) else { throw APIError.notFound }
            guard feed.enabled else {
                throw APIError.conflict("The Ghostfolio feed is turned off; turn it on to push.")
            }
            try FeedStore.requestPush(userID: session.userID, in: db)
            return try view(ofUser: session.userID, in: db)
        }
        return .json(answer, status: 202)
    }
}
