import Primitives
import Testing
@testable import Vault

/// Sealing, opening and the ways a stored value must refuse to open.
struct CredentialCipherTests {
    let cipher = CredentialCipher(keyRing: Keys.ringA)
    let connection = "5b0e8a1c-3f1d-4c55-9d8e-7d3c2a9f0b11"
    let secret = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"

    @Test(arguments: CredentialField.allCases)
    func roundTrip(_ field: CredentialField) throws {
        let stored = try cipher.seal(secret, connectionId: connection, field: field)
        #expect(stored.hasPrefix("v2:\(Keys.ringA.activeKeyId):"))
        #expect(!stored.contains(secret))
        #expect(try cipher.open(stored, connectionId: connection, field: field) == secret)
    }

    @Test(arguments: ["", "p@ss phrase ✓", String(repeating: "x", count: 4096)])
    func unusualSecretsRoundTrip(_ value: String) throws {
        let stored = try cipher.seal(value, connectionId: connection, field: .passphrase)
        #expect(try cipher.open(stored, connectionId: connection, field: .passphrase) == value)
    }

    @Test func sealingTwiceGivesDifferentText() throws {
        let first = try cipher.seal(secret, connectionId: connection, field: .apiKey)
        let second = try cipher.seal(secret, connectionId: connection, field: .apiKey)
        #expect(first != second)
    }

    /// Flips every bit of the nonce, the ciphertext and the tag in turn; each must fail authentication.
    @Test func everyFlippedBitIsAuthenticationError() throws {
        let stored = try cipher.seal("short-secret", connectionId: connection, field: .apiSecret)
        let parsed = try StoredCredential(parsing: stored)
        var nonce = parsed.box.nonce, sealed = parsed.box.ciphertext + parsed.box.tag
        var regions = ["nonce": 0, "ciphertext": 0, "tag": 0]
        for bit in 0..<(nonce.count * 8) {
            nonce[bit / 8] ^= 1 << (bit % 8)
            try expectAuthenticationFailure(keyId: parsed.keyId, nonce: nonce, sealed: sealed)
            nonce[bit / 8] ^= 1 << (bit % 8)
            regions["nonce", default: 0] += 1
        }
        for bit in 0..<(sealed.count * 8) {
            sealed[bit / 8] ^= 1 << (bit % 8)
            try expectAuthenticationFailure(keyId: parsed.keyId, nonce: nonce, sealed: sealed)
            sealed[bit / 8] ^= 1 << (bit % 8)
            regions[bit / 8 < parsed.box.ciphertext.count ? "ciphertext" : "tag", default: 0] += 1
        }
        #expect(regions == ["nonce": 96, "ciphertext": 96, "tag": 128])
        // Untouched, it still opens: the loop above restored every bit.
        let restored = "v2:\(parsed.keyId):\(Base64.encode(nonce)):\(Base64.encode(sealed))"
        #expect(try cipher.open(restored, connectionId: connection, field: .apiSecret) == "short-secret")
    }

    private func expectAuthenticationFailure(keyId: String, nonce: [UInt8], sealed: [UInt8]) throws {
        let text = "v2:\(keyId):\(Base64.encode(nonce)):\(Base64.encode(sealed))"
        #expect(throws: VaultError.authenticationFailed) {
            try cipher.open(text, connectionId: connection, field: .apiSecret)
        }
    }

    @Test func valueMovedToAnotherConnectionFails() throws {
        let stored = try cipher.seal(secret, connectionId: connection, field: .apiSecret)
        #expect(throws: VaultError.authenticationFailed) {
            try cipher.open(stored, connectionId: "5b0e8a1c-3f1d-4c55-9d8e-7d3c2a9f0b12", field: .apiSecret)
        }
    }

    @Test(arguments: [CredentialField.apiKey, .passphrase])
    func valueMovedToAnotherFieldFails(_ other: CredentialField) throws {
        let stored = try cipher.seal(secret, connectionId: connection, field: .apiSecret)
        #expect(throws: VaultError.authenticationFailed) {
            try cipher.open(stored, connectionId: connection, field: other)
        }
    }

    @Test func connectionIdWithSeparatorDoesNotAliasField() throws {
        let stored = try cipher.seal(secret, connectionId: "a|api_key", field: .apiSecret)
        #expect(throws: VaultError.authenticationFailed) {
            try cipher.open(stored, connectionId: "a", field: .apiKey)
        }
    }

    @Test func wrongKeyMaterialUnderSameIdFails() throws {
        // Forge the id of ring A onto a value sealed with ring B's key: the id matches, the key does not.
        let underB = try StoredCredential(parsing: try CredentialCipher(keyRing: Keys.ringB)
            .seal(secret, connectionId: connection, field: .apiKey))
        let relabelled = StoredCredential(keyId: Keys.ringA.activeKeyId, box: underB.box).text
        #expect(throws: VaultError.authenticationFailed) {
            try cipher.open(relabelled, connectionId: connection, field: .apiKey)
        }
    }

    @Test func unknownKeyErrorNamesTheId() throws {
        let stored = try cipher.seal(secret, connectionId: connection, field: .apiKey)
        let other = CredentialCipher(keyRing: Keys.ringB)
        let error = #expect(throws: VaultError.self) { try other.open(stored, connectionId: connection, field: .apiKey) }
        #expect(error == .unknownKey(Keys.ringA.activeKeyId))
        #expect(String(describing: error!).contains(Keys.ringA.activeKeyId))
    }

    @Test func errorsNeverContainSecretsOrStoredText() throws {
        let stored = try cipher.seal(secret, connectionId: connection, field: .apiKey)
        let attempts: [() throws -> Void] = [
            { _ = try cipher.open(stored, connectionId: connection, field: .apiSecret) },
            { _ = try cipher.open(secret, connectionId: connection, field: .apiKey) },
            { _ = try cipher.open("v9:\(secret):x:y", connectionId: connection, field: .apiKey) },
            { _ = try CredentialCipher(keyRing: Keys.ringB).open(stored, connectionId: connection, field: .apiKey) },
        ]
        for attempt in attempts {
            let error = #expect(throws: VaultError.self) { try attempt() }
            let message = String(describing: error as Any)
            #expect(!message.contains(secret) && !message.contains(String(secret.prefix(8))))
            #expect(!message.contains(stored.split(separator: ":")[3]))
        }
    }
}
