/// The encryption keys this process knows: one active key for sealing, and older keys kept only for
/// opening values written before a rotation.
///
/// Immutable once built, so it is shared freely across threads. Keys are derived in the initializer (see
/// `VaultKey` for the derivation and its cost); nothing per-field repeats that work.
public struct KeyRing: Sendable {
    /// The minimum length of a configured key, in characters.
    public static let minimumKeyLength = 32

    /// The key new values are sealed under.
    let active: VaultKey
    private let keysById: [String: VaultKey]

    /// The id of the active key, as it appears in stored values.
    public var activeKeyId: String { active.id }

    /// Every readable key id, active first, then previous keys in configuration order.
    public let keyIds: [String]

    /// Builds a ring from raw key strings (tests and the configuration loader both come through here).
    ///
    /// Throws `KeyConfigurationError` naming `ENCRYPTION_KEY` or `ENCRYPTION_KEYS_PREVIOUS` when a key is
    /// shorter than `minimumKeyLength` characters. A previous key equal to the active one is ignored.
    public init(activeKey: String, previousKeys: [String] = []) throws {
        try Self.requireLength(activeKey, setting: "ENCRYPTION_KEY", what: "the encryption key")
        for (index, key) in previousKeys.enumerated() {
            try Self.requireLength(key, setting: "ENCRYPTION_KEYS_PREVIOUS", what: "previous key #\(index + 1)")
        }
        let active = try VaultKey(secret: activeKey)
        var keysById = [active.id: active]
        var keyIds = [active.id]
        for secret in previousKeys where secret != activeKey {
            let key = try VaultKey(secret: secret)
            // The same key listed twice yields the same id; keep one copy.
            guard keysById[key.id] == nil else { continue }
            keysById[key.id] = key
            keyIds.append(key.id)
        }
        self.active = active
        self.keysById = keysById
        self.keyIds = keyIds
    }

    /// The key with `id`, or nil when the ring does not hold it.
    func key(withId id: String) -> VaultKey? { keysById[id] }

    /// True when a value sealed under `id` can be opened by this ring.
    public func contains(keyId id: String) -> Bool { keysById[id] != nil }

    private static func requireLength(_ key: String, setting: String, what: String) throws {
        guard key.count >= minimumKeyLength else {
            // Say how long it must be, not how long it is: even the length of a secret is not for logs.
            throw KeyConfigurationError(
                setting: setting,
                message: "\(what) must be at least \(minimumKeyLength) characters; "
                    + "generate one with `openssl rand -base64 32`")
        }
    }
}

extension KeyRing {
    /// PBKDF2-HMAC-SHA256 iterations that derive each key from its text: loading a ring costs this per key, once
    /// per process (the vault benchmark reports it).
    public static let derivationIterations = VaultKey.iterations
}
