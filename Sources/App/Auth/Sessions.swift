import Foundation
import Store
import Web

/// The user and session a request authenticated as.
public struct AuthenticatedSession: Sendable {
    public let userID: String
    public let sessionID: String
    public let email: String
}

/// Creates, checks and revokes login sessions. A session is a row in `sessions` (owned by `SessionStore`)
/// named by the JWT's `sid`, so logging out revokes a token before it expires.
public struct Sessions: Sendable {
    /// The name of the cookie that carries the session token for browsers, given whether it is `Secure`.
    ///
    /// With `Secure` (production) the name has the `__Host-` prefix: a browser then stores it only if it is
    /// `Secure`, has `Path=/` and no `Domain`, so a sibling subdomain or a plain-HTTP response cannot set or
    /// overwrite a cookie of that name for this host. The prefix demands `Secure`, so plain-HTTP development
    /// (`HOLDFAST_COOKIE_SECURE=0`) keeps the unprefixed name.
    public static func cookieName(secure: Bool) -> String {
        secure ? "__Host-holdfast_session" : "holdfast_session"
    }

    let database: Database
    let jwt: JWT
    let lifetime: TimeInterval
    /// This server's session cookie name (`cookieName(secure:)` of its configuration).
    public let cookieName: String

    /// Starts a session for `userID` and returns its signed token and expiry.
    public func start(userID: String, now: Date = Date()) throws -> (token: String, sessionID: String, expiresAt: Date) {
        let sessionID = UUID().uuidString.lowercased()
        let expiresAt = now.addingTimeInterval(lifetime)
        try database.write { db in
            try SessionStore.insert(id: sessionID, userID: userID, createdAt: now, expiresAt: expiresAt, in: db)
            // Keep the table small: drop this user's sessions that ended more than a day ago.
            try SessionStore.deleteExpired(ofUser: userID, before: now.addingTimeInterval(-86_400), in: db)
        }
        let seconds = Int(now.timeIntervalSince1970)
        let claims = JWT.Claims(sub: userID, sid: sessionID, iat: seconds, nbf: seconds, exp: Int(expiresAt.timeIntervalSince1970))
        return (jwt.sign(claims), sessionID, expiresAt)
    }

    /// The session `request` carries (Bearer header first, then the cookie), or 401.
    public func authenticate(_ request: Request, now: Date = Date()) throws -> AuthenticatedSession {
        guard let token = token(in: request) else { throw APIError.unauthorized }
        let claims: JWT.Claims
        do {
            claims = try jwt.verify(token, now: now)
        } catch {
            throw APIError.unauthorized
        }
        // The token's `exp` equals the session's expiry and was checked above; the row says whether the
        // session was revoked (logout, password change) since.
        let owner = try database.read { db in try SessionStore.liveOwner(ofSession: claims.sid, at: now, in: db) }
        guard let owner, owner.userID == claims.sub else { throw APIError.unauthorized }
        return AuthenticatedSession(userID: claims.sub, sessionID: claims.sid, email: owner.email)
    }

    /// Revokes a session (logout).
    public func revoke(_ sessionID: String) throws {
        try database.write { db in try SessionStore.revoke(id: sessionID, at: Timestamp.now(), in: db) }
    }

    /// The bearer token, or else the session cookie's value when it was sent exactly once.
    func token(in request: Request) -> String? {
        if let authorization = request.header("authorization") {
            // "Bearer <token>", scheme case-insensitive (RFC 6750 §2.1); scanned as bytes on this hot path.
            let bytes = Array(authorization.utf8)
            guard bytes.count > 7, String(decoding: bytes[0..<6], as: UTF8.self).lowercased() == "bearer",
                  bytes[6] == UInt8(ascii: " ") else { return nil }
            let token = bytes[7...].drop { $0 == UInt8(ascii: " ") }.prefix { $0 != UInt8(ascii: " ") }
            return token.isEmpty ? nil : String(decoding: token, as: UTF8.self)
        }
        // A session cookie sent more than once is refused outright rather than one copy picked: one of them
        // may have been planted (by a sibling subdomain, or over plain HTTP before `__Host-` applied), and
        // choosing either could sign the person into someone else's session or ignore their logout.
        let values = request.cookieValues(cookieName)
        return values.count == 1 ? values[0] : nil
    }
}
