import Primitives

/// Password hashes with scrypt (RFC 7914) through OpenSSL, a per-user random salt and constant-time checks.
///
/// Stored as `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>` so the cost can rise later without breaking
/// existing hashes. N = 2^15, r = 8, p = 1 uses 32 MiB and about 0.1 s per check: slow for a guesser,
/// acceptable for a login.
public struct PasswordHasher: Sendable {
    public var logN: UInt64 = 15
    public var r: UInt64 = 8
    public var p: UInt64 = 1

    public init() {}

    /// A new hash of `password` with a fresh salt.
    public func hash(_ password: String) throws -> String {
        let salt = SecureRandom.bytes(16)
        let derived = try derive(password, salt: salt, logN: logN, r: r, p: p)
        return "scrypt$\(logN)$\(r)$\(p)$\(Base64.encode(salt))$\(Base64.encode(derived))"
    }

    /// Whether `password` matches `stored`. A malformed stored hash never matches.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt",
              let logN = UInt64(parts[1]), (10...20).contains(logN),
              let r = UInt64(parts[2]), (1...32).contains(r),
              let p = UInt64(parts[3]), (1...16).contains(p),
              let salt = Base64.decode(parts[4]), let expected = Base64.decode(parts[5]),
              let derived = try? derive(password, salt: salt, logN: logN, r: r, p: p)
        else { return false }
        return ConstantTime.equals(derived, expected)
    }

    /// Spends the same time as a real check, so a login for an unknown email is not faster than a wrong
    /// password for a known one (which would reveal who has an account).
    public func burnEquivalentTime(_ password: String) {
        _ = try? derive(password, salt: [UInt8](repeating: 0, count: 16), logN: logN, r: r, p: p)
    }

    private func derive(_ password: String, salt: [UInt8], logN: UInt64, r: UInt64, p: UInt64) throws -> [UInt8] {
        try KeyDerivation.scrypt(password: Array(password.utf8), salt: salt, n: 1 << logN, r: r, p: p, keyLength: 32)
    }
}
