import Primitives
import Testing
@testable import Vault

/// The `v2:<keyId>:<nonce>:<ciphertext+tag>` text form.
struct StoredCredentialTests {
    @Test func textRoundTrips() throws {
        let box = AESGCM.SealedBox(nonce: Array(0..<12), ciphertext: [1, 2, 3], tag: Array(100..<116))
        let value = StoredCredential(keyId: "0123456789abcdef", box: box)
        #expect(value.text == "v2:0123456789abcdef:AAECAwQFBgcICQoL:AQIDZGVmZ2hpamtsbW5vcHFycw==")
        #expect(try StoredCredential(parsing: value.text) == value)
    }

    @Test(arguments: [
        "",
        "plaintext-secret",
        "v2:0123456789abcdef:AAECAwQFBgcICQoL",
        "v3:0123456789abcdef:AAECAwQFBgcICQoL:AQIDZGVmZ2hpamtsbW5vcHFyc3Q=",
        "v2:0123456789ABCDEF:AAECAwQFBgcICQoL:AQIDZGVmZ2hpamtsbW5vcHFyc3Q=",
        "v2:0123456789abcde:AAECAwQFBgcICQoL:AQIDZGVmZ2hpamtsbW5vcHFyc3Q=",
        "v2:0123456789abcdef:AAECAwQFBgcICQ==:AQIDZGVmZ2hpamtsbW5vcHFyc3Q=",
        "v2:0123456789abcdef:AAECAwQFBgcICQoL:ZGVmZ2hpamtsbW5vcHFy",
        "v2:0123456789abcdef:AAECAwQFBgcICQoL:not*base64",
        "v2:0123456789abcdef:AAECAwQFBgcICQoL:AQIDZGVmZ2hpamtsbW5vcHFyc3Q=:extra",
    ])
    func malformedTextIsFormatError(_ text: String) {
        let error = #expect(throws: VaultError.self) { try StoredCredential(parsing: text) }
        guard case .malformed = error else {
            Issue.record("expected a format error, got \(String(describing: error))")
            return
        }
    }

    @Test func cipherRejectsMalformedTextWithFormatError() {
        let cipher = CredentialCipher(keyRing: Keys.ringA)
        let error = #expect(throws: VaultError.self) { try cipher.open("garbage", connectionId: "c", field: .apiKey) }
        #expect(error == .malformed("expected 4 ':'-separated fields, found 1"))
    }
}
