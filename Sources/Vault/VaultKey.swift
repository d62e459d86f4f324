import Primitives

/// One configured encryption key, stretched into an AES-256 key plus a public fingerprint that names it.
///
/// Derivation, done once per key per process:
///
///     master = PBKDF2-HMAC-SHA256(secret, salt: "holdfast/v2 master key", iterations: 200_000, 32 bytes)
///     aesKey = HMAC-SHA256(master, "holdfast/v2 aes-256-gcm")
///     id     = hex(HMAC-SHA256(master, "holdfast key id")[0..<8])
///
/// Why PBKDF2 and not only HKDF: a configured key of 32+ random characters needs no stretching, but nothing
/// stops an operator from choosing a memorable phrase, and stretching multiplies the cost of guessing it
/// offline from a leaked database. Because it runs once per process (not per field), the cost is affordable:
/// 200,000 iterations take about 50 ms on our hardware, so a ring of three keys loads in well under 0.5 s,
/// and every field afterwards costs only an AES-GCM call. The salt is a fixed domain label, not a per-install
/// random value, because the stretched key must be reproducible from configuration alone; distinct
/// installations are expected to have distinct keys.
///
/// The AES key and the id are separate HMAC outputs of the master key, so publishing the id (it appears in
/// every stored value) says nothing about the AES key. The master key is wiped as soon as both are derived.
struct VaultKey: Sendable {
    /// PBKDF2 iteration count for configured keys; changing it changes every key id and breaks old data.
    static let iterations = 200_000
    /// Bytes of the HMAC output kept as the key id (16 hex characters; collisions need ~2^32 keys).
    static let idByteCount = 8

    private static let salt = Array("holdfast/v2 master key".utf8)
    private static let encryptionLabel = Array("holdfast/v2 aes-256-gcm".utf8)
    private static let idLabel = Array("holdfast key id".utf8)

    /// The public fingerprint written into every value sealed under this key.
    let id: String
    /// The AES-256-GCM key.
    let key: SymmetricKey

    /// Stretches `secret` (a configured key string) into the AES key and its id.
    init(secret: String) throws {
        var password = Array(secret.utf8)
        defer { ConstantTime.wipe(&password) }
        var master = try KeyDerivation.pbkdf2SHA256(
            password: password, salt: Self.salt, iterations: Self.iterations, keyLength: AESGCM.keyByteCount)
        defer { ConstantTime.wipe(&master) }
        var aesKey = HMAC.authenticationCode(for: Self.encryptionLabel, using: master)
        key = SymmetricKey(consuming: &aesKey)
        id = Hex.encode(HMAC.authenticationCode(for: Self.idLabel, using: master).prefix(Self.idByteCount))
    }
}
