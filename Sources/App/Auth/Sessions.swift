import Foundation
import Store
import Web

/// The user and session a request authenticated as.
public struct AuthenticatedSession: Sendable {
    public let userID: String
    public let sessionID: String
    public let email: String
}

/// Creates, checks and revokes login sessions. A session is a row in `sessions` named by the JWT's `sid`,
/// so logging out revokes a token before it expires.
public struct Sessions: Sendable {
    /// The cookie that carries the session token for browsers.
    public static let cookieName = "holdfast_session"

    let database: Database
    let jwt: JWT
    let lifetime: TimeInterval

    /// Starts a session for `userID` and returns its signed token and expiry.
    public func start(userID: String, now: Date = Date()) throws -> (token: String, sessionID: String, expiresAt: Date) {
        let sessionID = UUID().uuidString.lowercased()
        let expiresAt = now.addingTimeInterval(lifetime)
        try database.write { db in
            try db.run(
                "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                [.text(sessionID), .text(userID), .text(Timestamp.format(now)), .text(Timestamp.format(expiresAt))])
            // Keep the table small: drop this user's sessions that ended more than a day ago.
            try db.run(
                "DELETE FROM sessions WHERE user_id = ? AND expires_at < ?",
                [.text(userID), .text(Timestamp.format(now.addingTimeInterval(-86_400)))])
        }
        let seconds = Int(now.timeIntervalSince1970)
        let claims = JWT.Claims(sub: userID, sid: sessionID, iat: seconds, nbf: seconds, exp: Int(expiresAt.timeIntervalSince1970))
        return (jwt.sign(claims), sessionID, expiresAt)
    }

    /// The session `request` carries (Bearer header first, then the cookie), or 401.
    public func authenticate(_ request: Request, now: Date = Date()) throws -> AuthenticatedSession {
        guard let token = Self.token(in: request) else { throw APIError.unauthorized }
        let claims: JWT.Claims
        do {
            claims = try jwt.verify(token, now: now)
        } catch {
            throw APIError.unauthorized
        }
        let row = try database.read { db in
            try db.queryOne("""
                SELECT s.user_id, s.expires_at, s.revoked_at, u.email
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.id = ?
                """, [.text(claims.sid)])
        }
        guard let row, row.string("user_id") == claims.sub, row.string("revoked_at") == nil,
              let expires = row.string("expires_at").flatMap(Timestamp.parse), expires > now,
              let email = row.string("email") else {
            throw APIError.unauthorized
        }
        return AuthenticatedSession(userID: claims.sub, sessionID: claims.sid, email: email)
    }

    /// Revokes a session (logout).
    public func revoke(_ sessionID: String) throws {
        try database.write { db in
            try db.run("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                       [.text(Timestamp.now()), .text(sessionID)])
        }
    }

    /// The bearer token, or the session cookie's value.
    static func token(in request: Request) -> String? {
        if let authorization = request.header("authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
            return nil
        }
        return request.cookie(cookieName)
    }
}
