import Primitives
import Testing
import VaultFixtures
@testable import Vault

/// The seed backend's `salt:iv:authTag:ciphertext` values, from the shared vector file.
struct LegacyDecryptorTests {
    /// The vector file as a whole.
    struct File: Decodable {
        let encryption_key: String
        let iterations: Int
        let vectors: [Vector]
    }

    /// One case of the file.
    struct Vector: Decodable, CustomTestStringConvertible {
        let plaintext: String
        let ciphertext: String
        var testDescription: String { "\(plaintext.utf8.count)-byte secret" }
    }

    static let file = try! Vectors.load("legacy-format.json", as: File.self)
    // One decryptor for all cases, as a migration would use it.
    static let decryptor = LegacyDecryptor(key: file.encryption_key)

    @Test(arguments: file.vectors)
    func sharedVectorDecrypts(_ vector: Vector) throws {
        #expect(try Self.decryptor.open(vector.ciphertext) == vector.plaintext)
        #expect(LegacyDecryptor.recognizes(vector.ciphertext))
    }

    @Test func fileMatchesImplementedParameters() {
        #expect(Self.file.iterations == LegacyDecryptor.iterations)
    }

    @Test func wrongKeyIsAuthenticationError() throws {
        let decryptor = LegacyDecryptor(key: "not-the-legacy-backend-encryption-key-000000")
        #expect(throws: VaultError.authenticationFailed) { try decryptor.open(Self.file.vectors[1].ciphertext) }
    }

    @Test func tamperedTagIsAuthenticationError() throws {
        var parts = Self.file.vectors[0].ciphertext.split(separator: ":").map(String.init)
        var tag = try #require(Base64.decode(parts[2]))
        tag[0] ^= 0x80
        parts[2] = Base64.encode(tag)
        #expect(throws: VaultError.authenticationFailed) { try Self.decryptor.open(parts.joined(separator: ":")) }
    }

    @Test func malformedValuesAreFormatErrors() {
        for text in ["", "a:b:c", "not base64!:AAAA:AAAA:AAAA", "v2:0011223344556677:AAAA:AAAA"] {
            #expect(throws: VaultError.self) { try Self.decryptor.open(text) }
            #expect(!LegacyDecryptor.recognizes(text))
        }
    }

    @Test func repeatedSaltUsesCachedKey() throws {
        // A fresh decryptor, so other tests' opens do not count. Speed is measured by the benchmark, not here.
        let decryptor = LegacyDecryptor(key: Self.file.encryption_key)
        let stored = Self.file.vectors[0].ciphertext
        #expect(try decryptor.open(stored) == Self.file.vectors[0].plaintext)
        #expect(try decryptor.open(stored) == Self.file.vectors[0].plaintext)
        #expect(decryptor.cachedKeyCount == 1)
        _ = try decryptor.open(Self.file.vectors[1].ciphertext)
        #expect(decryptor.cachedKeyCount == 2)
    }

    @Test func fixtureWriterRoundTrips() throws {
        let stored = try LegacyFixture.seal("round trip ✓", password: Self.file.encryption_key)
        #expect(try Self.decryptor.open(stored) == "round trip ✓")
    }
}
