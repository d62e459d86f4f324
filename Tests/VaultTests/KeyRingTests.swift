import Foundation
import Testing
@testable import Vault

/// Key configuration, key ids, and rotation between keys.
struct KeyRingTests {
    @Test func keyIdIsStableShortFingerprint() throws {
        #expect(Keys.ringA.activeKeyId.count == 16)
        #expect(Keys.ringA.activeKeyId.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(try KeyRing(activeKey: Keys.a).activeKeyId == Keys.ringA.activeKeyId)
        #expect(Keys.ringA.activeKeyId != Keys.ringB.activeKeyId)
    }

    @Test func ringListsActiveThenPrevious() {
        #expect(Keys.ringBWithPreviousA.keyIds == [Keys.ringB.activeKeyId, Keys.ringA.activeKeyId])
        #expect(Keys.ringBWithPreviousA.contains(keyId: Keys.ringA.activeKeyId))
        #expect(!Keys.ringB.contains(keyId: Keys.ringA.activeKeyId))
    }

    @Test func duplicatePreviousKeysCollapse() throws {
        let ring = try KeyRing(activeKey: Keys.a, previousKeys: [Keys.a, Keys.b, Keys.b])
        #expect(ring.keyIds == [Keys.ringA.activeKeyId, Keys.ringB.activeKeyId])
    }

    @Test func rotationRoundTrip() throws {
        let connection = "conn-1", secret = "rotate-me-secret"
        let underA = try CredentialCipher(keyRing: Keys.ringA).seal(secret, connectionId: connection, field: .apiSecret)

        let rotating = CredentialCipher(keyRing: Keys.ringBWithPreviousA)
        #expect(rotating.needsRotation(underA))
        #expect(try rotating.open(underA, connectionId: connection, field: .apiSecret) == secret)
        let underB = try #require(try rotating.reencrypt(underA, connectionId: connection, field: .apiSecret))
        #expect(underB.hasPrefix("v2:\(Keys.ringB.activeKeyId):"))
        #expect(!rotating.needsRotation(underB))
        #expect(try rotating.reencrypt(underB, connectionId: connection, field: .apiSecret) == nil)

        // Once A is retired, B's ring still opens the re-encrypted value but names A for the stale one.
        let retired = CredentialCipher(keyRing: Keys.ringB)
        #expect(try retired.open(underB, connectionId: connection, field: .apiSecret) == secret)
        #expect(throws: VaultError.unknownKey(Keys.ringA.activeKeyId)) {
            try retired.open(underA, connectionId: connection, field: .apiSecret)
        }
        #expect(throws: VaultError.unknownKey(Keys.ringA.activeKeyId)) {
            try retired.reencrypt(underA, connectionId: connection, field: .apiSecret)
        }
    }

    @Test func reencryptRefusesMisplacedValue() throws {
        let underA = try CredentialCipher(keyRing: Keys.ringA).seal("s", connectionId: "one", field: .apiKey)
        #expect(throws: VaultError.authenticationFailed) {
            try CredentialCipher(keyRing: Keys.ringBWithPreviousA).reencrypt(underA, connectionId: "two", field: .apiKey)
        }
    }

    @Test func legacyAndGarbageNeedRotation() {
        let cipher = CredentialCipher(keyRing: Keys.ringA)
        #expect(cipher.needsRotation("salt:iv:tag:ciphertext"))
        #expect(cipher.needsRotation(""))
    }

    @Test func shortKeyIsRefusedNamingTheSetting() {
        let error = #expect(throws: KeyConfigurationError.self) { try KeyRing(activeKey: "too-short-31-characters-xxxxxxx") }
        #expect(error?.setting == "ENCRYPTION_KEY")
        #expect(String(describing: error!).contains("ENCRYPTION_KEY"))
        #expect(!String(describing: error!).contains("too-short"))
        #expect(throws: KeyConfigurationError.self) {
            try KeyRing.load(environment: ["ENCRYPTION_KEY": "short"])
        }
    }

    @Test func shortPreviousKeyIsRefusedNamingTheSetting() {
        let error = #expect(throws: KeyConfigurationError.self) { try KeyRing(activeKey: Keys.a, previousKeys: ["short"]) }
        #expect(error?.setting == "ENCRYPTION_KEYS_PREVIOUS")
    }

    @Test func missingKeyIsRefusedNamingTheSetting() {
        for environment in [[:], ["ENCRYPTION_KEY": "  "], ["JWT_SECRET": Keys.a]] {
            let error = #expect(throws: KeyConfigurationError.self) { try KeyRing.load(environment: environment) }
            #expect(error?.setting == "ENCRYPTION_KEY")
            #expect(String(describing: error!).contains("ENCRYPTION_KEY"))
        }
    }

    @Test func environmentKeysLoad() throws {
        let ring = try KeyRing.load(environment: [
            "ENCRYPTION_KEY": Keys.b, "ENCRYPTION_KEYS_PREVIOUS": " \(Keys.a) ,,\(Keys.c)",
        ])
        #expect(ring.keyIds == [Keys.ringB.activeKeyId, Keys.ringA.activeKeyId, try KeyRing(activeKey: Keys.c).activeKeyId])
    }

    @Test func credentialsDirectoryFilesLoad() throws {
        let directory = try TemporaryDirectory()
        try "\(Keys.b)\n".write(to: directory.url.appendingPathComponent("encryption-key"), atomically: true, encoding: .utf8)
        try "\(Keys.a)\n\n".write(
            to: directory.url.appendingPathComponent("encryption-keys-previous"), atomically: true, encoding: .utf8)
        let ring = try KeyRing.load(environment: ["CREDENTIALS_DIRECTORY": directory.url.path])
        #expect(ring.keyIds == Keys.ringBWithPreviousA.keyIds)
    }

    @Test func conflictingEnvironmentAndFileAreRefused() throws {
        let directory = try TemporaryDirectory()
        try Keys.b.write(to: directory.url.appendingPathComponent("encryption-key"), atomically: true, encoding: .utf8)
        let error = #expect(throws: KeyConfigurationError.self) {
            try KeyRing.load(environment: ["CREDENTIALS_DIRECTORY": directory.url.path, "ENCRYPTION_KEY": Keys.a])
        }
        #expect(error?.setting == "ENCRYPTION_KEY")
        // The same key in both places is fine.
        let ring = try KeyRing.load(environment: ["CREDENTIALS_DIRECTORY": directory.url.path, "ENCRYPTION_KEY": Keys.b])
        #expect(ring.activeKeyId == Keys.ringB.activeKeyId)
    }

    @Test func emptyCredentialsDirectoryFallsBackToEnvironment() throws {
        let directory = try TemporaryDirectory()
        let ring = try KeyRing.load(environment: ["CREDENTIALS_DIRECTORY": directory.url.path, "ENCRYPTION_KEY": Keys.a])
        #expect(ring.activeKeyId == Keys.ringA.activeKeyId)
    }
}

/// A fresh directory under the system temporary directory, removed on deinit.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("vault-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
