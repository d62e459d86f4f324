import Primitives

/// One encrypted credential as it is stored in a database column.
///
/// Text form, four fields separated by `:` (none of which can contain `:`):
///
///     v2:<keyId>:<nonce>:<ciphertext+tag>
///
/// - `v2`: the format version. The seed backend's format (`salt:iv:authTag:ciphertext`) has no version
///   prefix and is read only by `LegacyDecryptor`; a future format would use `v3`.
/// - `keyId`: 16 lowercase hex characters, the fingerprint of the key the value was sealed under
///   (see `VaultKey`). It selects the key for opening and tells rotation what still needs re-encrypting.
/// - `nonce`: standard base64 (with padding) of the 12 random bytes used as the AES-256-GCM nonce.
/// - `ciphertext+tag`: standard base64 of the ciphertext (as long as the UTF-8 secret) followed by the
///   16-byte GCM tag.
///
/// The associated data authenticated with each value is
///
///     holdfast/v2|<keyId>|<connectionId>|<field>
///
/// where `field` is `api_key`, `api_secret` or `passphrase`. It binds the ciphertext to its row and column
/// (a value copied to another connection or field fails authentication) and to its own header. It is
/// unambiguous even if a connection id contains `|`: the key id is fixed-length hex and the field, last,
/// is one of three names without `|`.
///
/// Example: `v2:3f9a0c1d2e4b5a69:q1w2e3r4t5y6u7i8:ZXhhbXBsZSBjaXBoZXJ0ZXh0K3RhZw==`
public struct StoredCredential: Sendable, Equatable {
    /// The version tag this type reads and writes.
    public static let version = "v2"

    /// Fingerprint of the sealing key.
    public let keyId: String
    /// Nonce, ciphertext and tag.
    public let box: AESGCM.SealedBox

    /// Assembles a value from its parts.
    public init(keyId: String, box: AESGCM.SealedBox) {
        self.keyId = keyId
        self.box = box
    }

    /// Parses the text form, throwing `VaultError.malformed` with the rule that was broken. The error never
    /// quotes the input: a column holding a plaintext secret by mistake must not leak it.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            throw VaultError.malformed("expected 4 ':'-separated fields, found \(parts.count)")
        }
        guard parts[0] == Self.version else {
            throw VaultError.malformed("not a \(Self.version) value (unknown or missing version prefix)")
        }
        let keyId = String(parts[1])
        guard keyId.utf8.count == VaultKey.idByteCount * 2, keyId.utf8.allSatisfy(Self.isLowercaseHex) else {
            throw VaultError.malformed("key id is not \(VaultKey.idByteCount * 2) lowercase hex characters")
        }
        guard let nonce = Base64.decode(String(parts[2])), nonce.count == AESGCM.nonceByteCount else {
            throw VaultError.malformed("nonce is not base64 of \(AESGCM.nonceByteCount) bytes")
        }
        guard let sealed = Base64.decode(String(parts[3])), sealed.count >= AESGCM.tagByteCount else {
            throw VaultError.malformed("ciphertext is not base64 of at least \(AESGCM.tagByteCount) bytes")
        }
        let split = sealed.count - AESGCM.tagByteCount
        self.init(keyId: keyId, box: AESGCM.SealedBox(
            nonce: nonce, ciphertext: Array(sealed[..<split]), tag: Array(sealed[split...])))
    }

    /// The text form, ready to store.
    public var text: String {
        "\(Self.version):\(keyId):\(Base64.encode(box.nonce)):\(Base64.encode(box.ciphertext + box.tag))"
    }

    /// The associated data binding a value under `keyId` to one connection's field.
    static func associatedData(keyId: String, connectionId: String, field: CredentialField) -> [UInt8] {
        Array("holdfast/\(version)|\(keyId)|\(connectionId)|\(field.rawValue)".utf8)
    }

    private static func isLowercaseHex(_ c: UInt8) -> Bool {
        (48...57).contains(c) || (97...102).contains(c)
    }
}
