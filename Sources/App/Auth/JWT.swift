import Foundation
import Primitives

/// Session tokens: compact JWS with HS256 only (RFC 7515/7519).
///
/// The algorithm is pinned: a token whose header names any other `alg` — `none`, `HS512`, `RS256` — is
/// rejected before its signature is even looked at, which closes the classic algorithm-confusion attacks.
///
/// Each of the three parts must be canonical base64url (no padding, no stray bits in the last character),
/// so a token has exactly one spelling: a variant of a valid token is not also valid.
public struct JWT: Sendable {
    /// The claims Holdfast puts in and requires back.
    public struct Claims: Codable, Sendable, Equatable {
        /// The user id.
        public var sub: String
        /// The session id (a row in `sessions`).
        public var sid: String
        public var iat: Int
        public var nbf: Int?
        public var exp: Int

        public init(sub: String, sid: String, iat: Int, nbf: Int? = nil, exp: Int) {
            self.sub = sub
            self.sid = sid
            self.iat = iat
            self.nbf = nbf
            self.exp = exp
        }
    }

    /// Allowed clock difference for `nbf` and `iat`, in seconds.
    public static let leeway = 60

    private let secret: [UInt8]
    private let verified = VerifiedTokenCache(capacity: 4096)

    public init(secret: [UInt8]) { self.secret = secret }

    /// The encoded header of every token this service signs.
    static let encodedHeader = Base64.urlEncode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    /// Signs `claims` into a token.
    public func sign(_ claims: Claims) -> String {
        let header = Self.encodedHeader
        let payload = Base64.urlEncode(Array((try? Self.claimsEncoder().encode(claims)) ?? Data()))
        let input = header + "." + payload
        let signature = HMAC.authenticationCode(.sha256, for: Array(input.utf8), using: secret)
        return input + "." + Base64.urlEncode(signature)
    }

    /// Sorted keys, so a token's payload bytes depend only on its claims (the API's `JSON.encoder` also
    /// leaves slashes unescaped; tokens keep the encoding they always had).
    private static func claimsEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// The claims of a valid token, or the reason it is not valid.
    public func verify(_ token: String, now: Date = Date()) throws(JWTError) -> Claims {
        // A token already verified needs only its time checks again: the cache maps the exact token text,
        // signature included, to its claims, so a changed token is never a hit.
        if let claims = verified.claims(for: token) {
            try Self.checkTimes(claims, now: now)
            return claims
        }
        let claims = try verifyUncached(token)
        try Self.checkTimes(claims, now: now)
        verified.insert(claims, for: token)
        return claims
    }

    private func verifyUncached(_ token: String) throws(JWTError) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed }
        // Fast path: the exact header `sign` writes. Anything else is parsed and must still say HS256.
        if parts[0] != Self.encodedHeader {
            guard let headerBytes = Base64.canonicalURLDecode(String(parts[0])),
                  let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any] else {
                throw .malformed
            }
            guard header["alg"] as? String == "HS256" else { throw .algorithmNotAllowed }
        }
        guard let signature = Base64.canonicalURLDecode(String(parts[2])) else { throw .malformed }
        let expected = HMAC.authenticationCode(.sha256, for: Array("\(parts[0]).\(parts[1])".utf8), using: secret)
        guard ConstantTime.equals(signature, expected) else { throw .badSignature }
        guard let payload = Base64.canonicalURLDecode(String(parts[1])),
              let claims = try? JSONDecoder().decode(Claims.self, from: Data(payload)) else {
            throw .malformed
        }
        return claims
    }

    private static func checkTimes(_ claims: Claims, now: Date) throws(JWTError) {
        let seconds = Int(now.timeIntervalSince1970)
        guard seconds < claims.exp else { throw .expired }
        if let nbf = claims.nbf, seconds + Self.leeway < nbf { throw .notYetValid }
        guard seconds + Self.leeway >= claims.iat else { throw .notYetValid }
    }
}

/// Why a token was refused. Clients only ever see a generic 401; these are for logs and tests.
public enum JWTError: Error, Equatable, Sendable {
    case malformed
    case algorithmNotAllowed
    case badSignature
    case expired
    case notYetValid
}

/// Tokens whose signature and shape were already checked, so a busy session costs one dictionary lookup
/// instead of an HMAC and a JSON decode per request. Bounded: when full it is simply emptied.
///
/// `@unchecked Sendable`: the dictionary is only touched under `lock`.
private final class VerifiedTokenCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: JWT.Claims] = [:]
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func claims(for token: String) -> JWT.Claims? { lock.withLock { entries[token] } }

    func insert(_ claims: JWT.Claims, for token: String) {
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = claims
        }
    }
}
