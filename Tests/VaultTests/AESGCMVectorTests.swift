import Primitives
import Testing

/// NIST CAVP known answers for AES-256-GCM (96-bit IV, 128-bit tag, with and without associated data), and
/// one-bit mismatches of them that must be rejected.
struct AESGCMVectorTests {
    /// The vector file as a whole.
    struct File: Decodable {
        let source: String
        let vectors: [Vector]
        let mismatch: [Vector]
    }

    /// One case of the file.
    struct Vector: Decodable, CustomTestStringConvertible {
        let name: String
        let key, iv, aad, ct, tag: String
        let pt: String?
        var testDescription: String { name }
    }

    static let file = try! Vectors.load("aes-256-gcm.json", as: File.self)

    @Test(arguments: file.vectors)
    func sealMatchesKnownAnswer(_ vector: Vector) throws {
        let key = SymmetricKey(try Vectors.bytes(vector.key))
        let box = try AESGCM.seal(
            try Vectors.bytes(vector.pt ?? ""), using: key, nonce: try Vectors.bytes(vector.iv),
            authenticating: try Vectors.bytes(vector.aad))
        #expect(Hex.encode(box.ciphertext) == vector.ct)
        #expect(Hex.encode(box.tag) == vector.tag)
    }

    @Test(arguments: file.vectors)
    func openRecoversKnownPlaintext(_ vector: Vector) throws {
        let key = SymmetricKey(try Vectors.bytes(vector.key))
        let box = AESGCM.SealedBox(nonce: try Vectors.bytes(vector.iv), ciphertext: try Vectors.bytes(vector.ct),
                                   tag: try Vectors.bytes(vector.tag))
        let plaintext = try AESGCM.open(box, using: key, authenticating: try Vectors.bytes(vector.aad))
        #expect(Hex.encode(plaintext) == vector.pt)
    }

    @Test(arguments: file.mismatch)
    func mismatchIsAuthenticationError(_ vector: Vector) throws {
        let key = SymmetricKey(try Vectors.bytes(vector.key))
        let box = AESGCM.SealedBox(nonce: try Vectors.bytes(vector.iv), ciphertext: try Vectors.bytes(vector.ct),
                                   tag: try Vectors.bytes(vector.tag))
        #expect(throws: AEADError.authenticationFailed) {
            try AESGCM.open(box, using: key, authenticating: try Vectors.bytes(vector.aad))
        }
    }

    @Test func vectorFileNamesItsSource() {
        #expect(Self.file.source.contains("gcmEncryptExtIV256"))
        #expect(Self.file.vectors.count >= 5 && Self.file.mismatch.count >= 3)
        #expect(Self.file.vectors.contains { !$0.aad.isEmpty && !($0.pt ?? "").isEmpty })
    }

    @Test func randomNoncesAreTwelveBytesAndDistinct() throws {
        let key = SymmetricKey.random()
        let first = try AESGCM.seal(Array("same".utf8), using: key)
        let second = try AESGCM.seal(Array("same".utf8), using: key)
        #expect(first.nonce.count == 12 && second.nonce.count == 12)
        #expect(first.nonce != second.nonce)
        #expect(first.ciphertext != second.ciphertext)
    }

    @Test func sixteenByteNonceRoundTrips() throws {
        let key = SymmetricKey.random()
        let nonce = SecureRandom.bytes(16)
        let box = try AESGCM.seal(Array("legacy".utf8), using: key, nonce: nonce, authenticating: [1, 2])
        #expect(try AESGCM.open(box, using: key, authenticating: [1, 2]) == Array("legacy".utf8))
        // The 16-byte nonce is hashed into the counter, so it is not interchangeable with its 12-byte prefix.
        let truncated = AESGCM.SealedBox(nonce: Array(nonce.prefix(12)), ciphertext: box.ciphertext, tag: box.tag)
        #expect(throws: AEADError.authenticationFailed) { try AESGCM.open(truncated, using: key, authenticating: [1, 2]) }
    }

    @Test func wrongSizesAreRefused() throws {
        #expect(SymmetricKey([]).byteCount == 0)
        #expect(throws: AEADError.invalidKeyLength(16)) {
            try AESGCM.seal([1], using: SymmetricKey([UInt8](repeating: 0, count: 16)))
        }
        let key = SymmetricKey.random()
        #expect(throws: AEADError.invalidNonceLength(0)) { try AESGCM.seal([1], using: key, nonce: []) }
        let box = try AESGCM.seal([1, 2, 3], using: key)
        let shortTag = AESGCM.SealedBox(nonce: box.nonce, ciphertext: box.ciphertext, tag: Array(box.tag.prefix(12)))
        #expect(throws: AEADError.invalidTagLength(12)) { try AESGCM.open(shortTag, using: key) }
    }
}
