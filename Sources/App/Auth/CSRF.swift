import Primitives

/// CSRF tokens bound to the session: `base64url(HMAC-SHA256(csrfKey, sessionID))`.
///
/// Nothing is stored: the server recomputes the token from the session the request authenticated with and
/// compares in constant time, so a token from another session never passes.
public struct CSRF: Sendable {
    private let key: [UInt8]

    /// Derives the CSRF key from the JWT secret under its own label, so the two uses never share a key.
    public init(jwtSecret: [UInt8]) {
        key = HMAC.authenticationCode(.sha256, for: Array("holdfast csrf v1".utf8), using: jwtSecret)
    }

    /// The token for `sessionID`.
    public func token(for sessionID: String) -> String {
        Base64.urlEncode(HMAC.authenticationCode(.sha256, for: Array(sessionID.utf8), using: key))
    }

    /// Whether `candidate` is the token for `sessionID`.
    public func isValid(_ candidate: String?, for sessionID: String) -> Bool {
        guard let candidate else { return false }
        return ConstantTime.equals(Array(candidate.utf8), Array(token(for: sessionID).utf8))
    }
}
