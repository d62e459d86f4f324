import Foundation
import Store
import Web

/// Login, logout and "who am I".
enum AuthHandlers {
    struct LoginBody: Encodable {
        let token: String
        let csrfToken: String
        let expiresAt: String
        let user: UserBody
    }

    struct UserBody: Encodable {
        let id: String
        let email: String
        /// The valuation currency (`ValuationCurrency`), e.g. `USD`.
        let currency: String
    }

    struct MeBody: Encodable {
        let user: UserBody
        let csrfToken: String
    }

    /// One message for every failed login, so the answer never tells whether the email exists.
    static let loginFailed = APIError(.unauthorized, "Invalid email or password.")

    /// `POST /api/v1/auth/login {email, password}` → token, CSRF token, expiry, and the session cookie.
    static func login(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application) throws -> Response {
        var body = try JSONBody(request)
        let email = body.string("email", maxLength: 254)
        let password = body.string("password", maxLength: 1024, secret: true)
        try body.validate()
        guard let email, let password else { throw APIError.validation([:]) }

        // Before anything else: a locked account key is refused without a password check (429), the same way
        // whether or not the account exists.
        let attempt = try app.loginThrottle.admit(email: email)
        let user = try app.database.read { db in try UserStore.find(email: email, in: db) }
        guard let user else {
            app.passwords.burnEquivalentTime(password)
            app.loginThrottle.failed(attempt, userID: nil, client: request.remoteAddress, logger: app.logger)
            throw loginFailed
        }
        guard app.passwords.verify(password, against: user.passwordHash) else {
            app.loginThrottle.failed(attempt, userID: user.id, client: request.remoteAddress, logger: app.logger)
            throw loginFailed
        }
        try app.loginThrottle.succeeded(attempt)

        let session = try app.sessions.start(userID: user.id)
        var response = Response.json(LoginBody(
            token: session.token, csrfToken: app.csrf.token(for: session.sessionID),
            expiresAt: Timestamp.format(session.expiresAt),
            user: UserBody(id: user.id, email: user.email, currency: user.currency)))
        response.addHeader("Set-Cookie", cookie(value: session.token, maxAge: Int(app.configuration.sessionLifetime), app: app))
        return response
    }

    /// `POST /api/v1/auth/logout`: revokes the session and clears the cookie.
    static func logout(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        try app.sessions.revoke(session.sessionID)
        var response = Response.noContent
        response.addHeader("Set-Cookie", cookie(value: "", maxAge: 0, app: app))
        return response
    }

    /// `GET /api/v1/auth/me`: the signed-in user, and the CSRF token for a page that was reloaded.
    static func me(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let currency = try app.database.read { db in try UserStore.currency(ofUser: session.userID, in: db) }
        return meResponse(session, currency: currency, app)
    }

    /// `PATCH /api/v1/auth/me {"currency":"EUR"}`: changes the signed-in user's valuation currency (one of
    /// `ValuationCurrency`; absent, null or anything else is 422 naming the field) and answers as `GET /auth/me`
    /// does. History points keep the currency they were recorded in.
    static func updateMe(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        var body = try JSONBody(request)
        body.rejectUnknownFields(allowing: ["currency"])
        // The only field there is to change, so it is required: `{}` or `null` would change nothing silently.
        let text = body.string("currency", maxLength: 8)
        let currency = text.flatMap(ValuationCurrency.init(rawValue:))
        if text != nil, currency == nil {
            body.note("currency", "must be one of " + ValuationCurrency.allCases.map(\.rawValue).joined(separator: ", "))
        }
        try body.validate()
        let stored = try app.database.write { db in
            if let currency {
                guard try UserStore.setCurrency(currency.rawValue, ofUser: session.userID, at: Timestamp.now(), in: db) else {
                    throw APIError.unauthorized
                }
            }
            return try UserStore.currency(ofUser: session.userID, in: db)
        }
        return meResponse(session, currency: stored, app)
    }

    private static func meResponse(_ session: AuthenticatedSession, currency: String?, _ app: Application) -> Response {
        .json(MeBody(user: UserBody(id: session.userID, email: session.email, currency: currency ?? ValuationCurrency.usd.rawValue),
                     csrfToken: app.csrf.token(for: session.sessionID)))
    }

    /// HttpOnly keeps scripts from reading the token; SameSite=Strict keeps other sites from sending it.
    /// No `Domain`, so it is a host-only cookie, as the `__Host-` name used with `Secure` requires; login and
    /// logout both use the configured name, so logout clears the very cookie login set.
    static func cookie(value: String, maxAge: Int, app: Application) -> String {
        var parts = ["\(app.sessions.cookieName)=\(value)", "Path=/", "Max-Age=\(maxAge)", "HttpOnly", "SameSite=Strict"]
        if app.configuration.cookieSecure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}
