import Testing
@testable import Primitives

/// Known answers from the exchanges' documentation (shared/exchanges.md §5) and RFC 4231.
struct HMACTests {
    @Test func binanceDocumentationVector() {
        let secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
        let payload = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
        #expect(Hex.encode(HMAC.authenticationCode(for: payload, using: secret))
            == "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")
    }

    @Test func kucoinSDKVector() {
        #expect(Base64.encode(HMAC.authenticationCode(for: "test_plain", using: "test_api_secret"))
            == "jie/gxS38wLFFaBwl/cAzFbAzlI8MIny96jSXrB+iP4=")
    }

    @Test func rfc4231Case2SHA512() {
        let mac = HMAC.authenticationCode(.sha512, for: "what do ya want for nothing?", using: "Jefe")
        #expect(Hex.encode(mac) == "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")
    }

    @Test func sha256OfEmptyString() {
        #expect(Hex.encode(Digest.sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
    }

    @Test func base64urlRoundTrip() {
        let bytes: [UInt8] = [0xfb, 0xff, 0xfe, 0x00, 0x10]
        let text = Base64.urlEncode(bytes)
        #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
        #expect(Base64.urlDecode(text) == bytes)
    }

    /// One value, one text: the lenient decoder takes padding and stray low bits, the canonical one does not.
    @Test func canonicalBase64urlHasOneSpelling() {
        let bytes: [UInt8] = [0xfb, 0xff, 0xfe, 0x00, 0x10]
        let text = Base64.urlEncode(bytes)  // "-__-ABA": 5 bytes, the last character carries 2 unused bits
        #expect(Base64.canonicalURLDecode(text) == bytes)
        for variant in [text + "=", text + "==", String(text.dropLast()) + "B", String(text.dropLast()) + "D", text + "AA"] {
            #expect(Base64.canonicalURLDecode(variant) == nil, "\(variant)")
        }
        #expect(Base64.urlDecode(text + "=") == bytes)  // the lenient reader is unchanged for its other callers
        #expect(Base64.canonicalURLDecode("") == [])
    }

    @Test func pbkdf2RFC6070StyleVector() throws {
        // PBKDF2-HMAC-SHA256, "password"/"salt", 1 iteration (widely published test vector).
        let key = try KeyDerivation.pbkdf2SHA256(password: Array("password".utf8), salt: Array("salt".utf8), iterations: 1, keyLength: 32)
        #expect(Hex.encode(key) == "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b")
    }

    @Test func scryptRFC7914Vector() throws {
        let key = try KeyDerivation.scrypt(password: Array("password".utf8), salt: Array("NaCl".utf8), n: 1024, r: 8, p: 16, keyLength: 64)
        #expect(Hex.encode(key) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }
}
