import Foundation
import Primitives
import Testing
@testable import App

/// The valid/invalid matrix for session tokens.
struct JWTTests {
    let secret = Array("0123456789abcdef0123456789abcdef".utf8)
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var jwt: JWT { JWT(secret: secret) }
    var seconds: Int { Int(now.timeIntervalSince1970) }

    func claims(iat: Int? = nil, nbf: Int? = nil, exp: Int? = nil) -> JWT.Claims {
        JWT.Claims(sub: "user", sid: "session", iat: iat ?? seconds, nbf: nbf, exp: exp ?? seconds + 600)
    }

    /// A token with a hand-made header and payload, signed with `key`.
    func forge(header: String, payload: String, key: [UInt8]? = nil) -> String {
        let input = Base64.urlEncode(Array(header.utf8)) + "." + Base64.urlEncode(Array(payload.utf8))
        let signature = HMAC.authenticationCode(.sha256, for: Array(input.utf8), using: key ?? secret)
        return input + "." + Base64.urlEncode(signature)
    }

    @Test func roundTrip() throws {
        let token = jwt.sign(claims(nbf: seconds))
        #expect(try jwt.verify(token, now: now) == claims(nbf: seconds))
    }

    @Test func expiredIsRejected() {
        let token = jwt.sign(claims(exp: seconds))
        #expect(throws: JWTError.expired) { try jwt.verify(token, now: now) }
    }

    @Test func missingExpIsRejected() {
        let token = forge(header: #"{"alg":"HS256","typ":"JWT"}"#, payload: #"{"sub":"u","sid":"s","iat":\#(seconds)}"#)
        #expect(throws: JWTError.malformed) { try jwt.verify(token, now: now) }
    }

    @Test func notBeforeHonoursLeeway() throws {
        _ = try jwt.verify(jwt.sign(claims(nbf: seconds + 59)), now: now)
        #expect(throws: JWTError.notYetValid) { try jwt.verify(jwt.sign(claims(nbf: seconds + 61)), now: now) }
        #expect(throws: JWTError.notYetValid) { try jwt.verify(jwt.sign(claims(iat: seconds + 120)), now: now) }
    }

    @Test func algNoneIsRejected() {
        let payload = #"{"sub":"user","sid":"session","iat":\#(seconds),"exp":\#(seconds + 600)}"#
        let unsigned = Base64.urlEncode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + Base64.urlEncode(Array(payload.utf8)) + "."
        #expect(throws: JWTError.algorithmNotAllowed) { try jwt.verify(unsigned, now: now) }
    }

    @Test func otherAlgorithmsAreRejectedEvenWithAValidMAC() {
        let payload = #"{"sub":"user","sid":"session","iat":\#(seconds),"exp":\#(seconds + 600)}"#
        for alg in ["HS512", "RS256", "hs256", "ES256"] {
            let token = forge(header: #"{"alg":"\#(alg)","typ":"JWT"}"#, payload: payload)
            #expect(throws: JWTError.algorithmNotAllowed) { try jwt.verify(token, now: now) }
        }
    }

    @Test func wrongKeyOrTamperedPayloadIsRejected() {
        let payload = #"{"sub":"user","sid":"session","iat":\#(seconds),"exp":\#(seconds + 600)}"#
        let otherKey = forge(header: #"{"alg":"HS256"}"#, payload: payload, key: Array("another-secret-another-secret-xx".utf8))
        #expect(throws: JWTError.badSignature) { try jwt.verify(otherKey, now: now) }
        let good = jwt.sign(claims())
        let parts = good.split(separator: ".")
        let tampered = parts[0] + "." + Base64.urlEncode(Array(#"{"sub":"admin","sid":"session","iat":1,"exp":9999999999}"#.utf8)) + "." + parts[2]
        #expect(throws: JWTError.badSignature) { try jwt.verify(String(tampered), now: now) }
    }

    /// `text` with its last base64url character swapped for one that differs only in the bits no byte uses.
    /// A lenient decoder reads both as the same bytes.
    func withAlteredTail(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        precondition(text.count % 4 == 2 || text.count % 4 == 3, "no unused bits in a \(text.count)-character part")
        let last = alphabet.firstIndex(of: text.last!)!
        // Canonical text has the unused low bits at zero, so setting bit 0 changes only unused bits.
        return String(text.dropLast()) + String(alphabet[last | 1])
    }

    /// A token over already-encoded header and payload text, signed with this secret.
    func sign(encodedHeader: String, encodedPayload: String) -> String {
        let input = encodedHeader + "." + encodedPayload
        return input + "." + Base64.urlEncode(HMAC.authenticationCode(.sha256, for: Array(input.utf8), using: secret))
    }

    /// Each part has exactly one accepted spelling: a padded or bit-twiddled copy of a valid token is refused,
    /// even though a lenient base64url decoder reads it as the same bytes (and so, for the signature, the
    /// same MAC).
    @Test func onlyTheCanonicalEncodingOfEachPartIsAccepted() throws {
        let token = jwt.sign(claims())
        _ = try jwt.verify(token, now: now)
        let parts = token.split(separator: ".").map(String.init)
        // The signature: 32 bytes are 43 characters, the last with 2 unused bits.
        #expect(parts[2].count == 43)
        for signature in [parts[2] + "=", parts[2] + "==", withAlteredTail(parts[2])] {
            #expect(Base64.urlDecode(signature) == Base64.urlDecode(parts[2]))
            #expect(throws: JWTError.malformed) { try jwt.verify(parts[0] + "." + parts[1] + "." + signature, now: now) }
        }

        // A header and a payload whose lengths leave unused bits, properly signed over the altered text.
        let header = Base64.urlEncode(Array(#"{"alg":"HS256","typ":"JWT" }"#.utf8))
        var payloadJSON = #"{"sub":"user","sid":"session","iat":\#(seconds),"exp":\#(seconds + 600)}"#
        while payloadJSON.utf8.count % 3 == 0 { payloadJSON += " " }
        let payload = Base64.urlEncode(Array(payloadJSON.utf8))
        _ = try jwt.verify(sign(encodedHeader: header, encodedPayload: payload), now: now)
        for (h, p) in [(withAlteredTail(header), payload), (header, withAlteredTail(payload)),
                       (header, payload + "="), (parts[0] + "=", parts[1])] {
            #expect(throws: JWTError.malformed) { try jwt.verify(sign(encodedHeader: h, encodedPayload: p), now: now) }
        }
    }

    @Test func garbageIsMalformed() {
        for token in ["", "a.b", "a.b.c.d", "!!!.???.***", "eyJhbGciOiJIUzI1NiJ9"] {
            #expect(throws: JWTError.self) { try jwt.verify(token, now: now) }
        }
    }
}

struct CSRFAndPasswordTests {
    @Test func csrfTokenIsBoundToTheSession() {
        let csrf = CSRF(jwtSecret: Array("0123456789abcdef0123456789abcdef".utf8))
        let token = csrf.token(for: "session-a")
        #expect(csrf.isValid(token, for: "session-a"))
        #expect(!csrf.isValid(token, for: "session-b"))
        #expect(!csrf.isValid(nil, for: "session-a"))
        #expect(!csrf.isValid("", for: "session-a"))
        let otherServer = CSRF(jwtSecret: Array("another-secret-another-secret-xx".utf8))
        #expect(!otherServer.isValid(token, for: "session-a"))
    }

    @Test func passwordHashVerifiesAndIsSalted() throws {
        var hasher = PasswordHasher()
        hasher.logN = 10  // cheap for tests; production uses 2^15
        let first = try hasher.hash("correct horse")
        let second = try hasher.hash("correct horse")
        #expect(first != second)
        #expect(first.hasPrefix("scrypt$10$8$1$"))
        #expect(hasher.verify("correct horse", against: first))
        #expect(!hasher.verify("correct horsE", against: first))
        #expect(!hasher.verify("correct horse", against: "scrypt$10$8$1$bad"))
        #expect(!hasher.verify("correct horse", against: ""))
    }

    @Test func shortJWTSecretIsRefusedNamingTheSetting() {
        do {
            _ = try Configuration.load(environment: ["HOLDFAST_DATABASE": "/tmp/x.sqlite", "JWT_SECRET": "short", "ENCRYPTION_KEY": String(repeating: "k", count: 40)])
            Issue.record("expected refusal")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("JWT_SECRET"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: ConfigurationError.self) { try Configuration.load(environment: ["HOLDFAST_DATABASE": "/tmp/x.sqlite"]) }
    }

    @Test func missingEncryptionKeyIsRefusedWithNoFallbackToJWTSecret() {
        do {
            _ = try Configuration.load(environment: ["HOLDFAST_DATABASE": "/tmp/x.sqlite", "JWT_SECRET": String(repeating: "j", count: 40)])
            Issue.record("expected refusal")
        } catch {
            #expect("\(error)".contains("ENCRYPTION_KEY"))
        }
    }

    @Test func jwtSecretFromCredentialsDirectory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "0123456789abcdef0123456789abcdef-from-file\n".write(to: dir.appendingPathComponent("jwt-secret"), atomically: true, encoding: .utf8)
        try "an-encryption-key-from-a-credential-file-0001".write(to: dir.appendingPathComponent("encryption-key"), atomically: true, encoding: .utf8)
        let config = try Configuration.load(environment: ["HOLDFAST_DATABASE": "/tmp/x.sqlite", "CREDENTIALS_DIRECTORY": dir.path])
        #expect(config.jwtSecret == Array("0123456789abcdef0123456789abcdef-from-file".utf8))
    }
}
