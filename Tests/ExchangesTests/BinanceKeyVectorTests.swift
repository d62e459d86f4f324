import Foundation
import Testing
import Primitives
@testable import Exchanges

/// Binance payload encoding (exchanges.md §7.5) and HMAC / Ed25519 / RSA signatures (§7.6) against the known
/// answers of `exchanges-7-12.json`, and how a pasted secret is typed.
struct BinanceKeyVectorTests {
    private let edPEM = BinanceVectorFile.key("ed25519", "private_pkcs8_pem")
    private let edPublic = BinanceVectorFile.key("ed25519", "public_spki_pem_to_register_with_binance")
    private let rsaPEM = BinanceVectorFile.key("rsa", "private_pkcs8_pem")
    private let rsaPublic = BinanceVectorFile.key("rsa", "public_spki_pem_to_register_with_binance")

    @Test func payloadIsFormEncodedAsBinanceSigns() {
        for vector in BinanceVectorFile.requests {
            #expect(BinanceSigner.payload(vector.parameters) == vector.payloadSigned, "\(vector.id)")
        }
        // Reserved characters and spaces too, the way urllib.parse.urlencode spells them.
        #expect(BinanceSigner.payload([("a b", "x+y/z=~é&")]) == "a+b=x%2By%2Fz%3D~%C3%A9%26")
    }

    @Test func hmacSignaturesCoverTheEncodedPayload() throws {
        for vector in BinanceVectorFile.requests {
            let value = try BinanceSigner.signatureValue(payload: BinanceSigner.payload(vector.parameters),
                                                         key: .hmac(secret: vector.hmacSecret))
            #expect(value == vector.signatures["hmac_sha256_hex"], "\(vector.id)")
        }
        let funding = BinanceVectorFile.request("binance-funding-wallet-non-ascii")
        let rejected = funding.raw["hmac_over_unencoded_payload_REJECTED_since_2026_01_15"] as? String
        let query = try BinanceSigner.signedQuery(funding.parameters, key: .hmac(secret: funding.hmacSecret))
        #expect(query == funding.raw["final_query_hmac"] as? String)
        #expect(rejected != nil && !query.contains(rejected ?? "-"))
    }

    @Test func ed25519SignaturesMatchTheVectors() throws {
        let key = try BinanceKey(secret: edPEM)
        #expect(key == .ed25519(privateKeyPEM: edPEM))
        for vector in BinanceVectorFile.requests where vector.signatures["ed25519_base64"] != nil {
            let value = try BinanceSigner.signatureValue(payload: vector.payloadSigned, key: key)
            #expect(value == vector.signatures["ed25519_query_value"], "\(vector.id)")
            #expect(try BinanceSigner.signedQuery(vector.parameters, key: key) == vector.raw["final_query_ed25519"] as? String)
        }
    }

    @Test func rsaSignaturesMatchTheVectors() throws {
        let key = try BinanceKey(secret: rsaPEM)
        #expect(key == .rsa(privateKeyPEM: rsaPEM))
        for vector in BinanceVectorFile.requests where vector.signatures["rsa_pkcs1v15_sha256_base64"] != nil {
            let signature = try RS256.signature(for: Array(vector.payloadSigned.utf8), privateKeyPEM: rsaPEM)
            #expect(Base64.encode(signature) == vector.signatures["rsa_pkcs1v15_sha256_base64"], "\(vector.id)")
            #expect(try BinanceSigner.signedQuery(vector.parameters, key: key) == vector.raw["final_query_rsa"] as? String)
        }
    }

    @Test func verificationAcceptsTheVectorsAndNothingElse() throws {
        let vector = BinanceVectorFile.request("binance-account-balance")
        let message = Array(vector.payloadSigned.utf8)
        let ed = try #require(Base64.decode(vector.signatures["ed25519_base64"] ?? ""))
        let rsa = try #require(Base64.decode(vector.signatures["rsa_pkcs1v15_sha256_base64"] ?? ""))
        #expect(Ed25519.isValidSignature(ed, for: message, publicKeyPEM: edPublic))
        #expect(RS256.isValidSignature(rsa, for: message, publicKeyPEM: rsaPublic))
        var flipped = ed
        flipped[10] ^= 1
        #expect(!Ed25519.isValidSignature(flipped, for: message, publicKeyPEM: edPublic))
        #expect(!Ed25519.isValidSignature(ed, for: message + [0x26], publicKeyPEM: edPublic))
        #expect(!RS256.isValidSignature(rsa, for: message + [0x26], publicKeyPEM: rsaPublic))
        // The wrong algorithm's key never verifies.
        #expect(!RS256.isValidSignature(rsa, for: message, publicKeyPEM: edPublic))
        #expect(!Ed25519.isValidSignature(ed, for: message, publicKeyPEM: rsaPublic))
    }

    @Test func publicKeysAndAlgorithmsAreReadFromTheKey() throws {
        #expect(try Ed25519.publicKeyPEM(forPrivateKeyPEM: edPEM) == edPublic)
        #expect(try RS256.publicKeyPEM(forPrivateKeyPEM: rsaPEM) == rsaPublic)
        #expect(try KeyAlgorithm(privateKeyPEM: edPEM) == .ed25519)
        #expect(try KeyAlgorithm(privateKeyPEM: rsaPEM) == .rsa(bits: 2048))
        #expect(try KeyAlgorithm(publicKeyPEM: rsaPublic) == .rsa(bits: 2048))
        #expect(try KeyAlgorithm(privateKeyPEM: Self.ecPEM) == .ecdsa(bits: 256))
        // An encrypted PEM fails at once: OpenSSL must not ask the terminal for a passphrase.
        let encrypted = BinanceVectorFile.key("ed25519", "encrypted_pkcs8_pem")
        #expect(throws: CryptoError.self) { try KeyAlgorithm(privateKeyPEM: encrypted) }
        #expect(throws: CryptoError.self) { try Ed25519.signature(for: [1], privateKeyPEM: encrypted) }
    }

    /// A pasted key whose line breaks were lost or mangled still carries the whole key: same signature.
    @Test(arguments: ["ed25519", "rsa"])
    func pastedFormsOfAWholeKeyAreRepaired(type: String) throws {
        let pem = BinanceVectorFile.key(type, "private_pkcs8_pem")
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let forms = [
            pem.replacingOccurrences(of: "\n", with: ""),          // <input> strips line breaks
            pem.replacingOccurrences(of: "\n", with: " "),         // line breaks turned into spaces
            pem.replacingOccurrences(of: "\n", with: "\\n"),       // literal \n from a JSON file
            pem.replacingOccurrences(of: "\n", with: "\r\n"),      // CRLF
            body,                                                   // BEGIN/END lines missing
        ]
        let expected = try BinanceKey(secret: pem)
        for form in forms {
            #expect(try BinanceKey(secret: form) == expected, "\(form.prefix(40))")
        }
    }

    @Test func hmacSecretsStayHMAC() throws {
        let secret = BinanceVectorFile.request("binance-account-balance").hmacSecret
        #expect(try BinanceKey(secret: secret) == .hmac(secret: secret))
        #expect(try BinanceKey(secret: "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j")
            == .hmac(secret: "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"))
    }

    /// Secrets Holdfast cannot sign with fail locally with `invalid_key_format` and say why.
    @Test(arguments: [
        ("encrypted", BinanceVectorFile.key("ed25519", "encrypted_pkcs8_pem"), "encrypted"),
        ("public key", BinanceVectorFile.key("ed25519", "public_spki_pem_to_register_with_binance"), "public key"),
        ("EC key", BinanceKeyVectorTests.ecPEM, "another type"),
        ("RSA-1024", BinanceKeyVectorTests.rsa1024PEM, "1024 bits"),
        ("truncated", String(BinanceVectorFile.key("rsa", "private_pkcs8_pem").prefix(900)), "could not be read"),
        ("legacy encrypted", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n", "encrypted"),
    ])
    func unusableKeysFailLocally(name: String, secret: String, says: String) {
        #expect {
            _ = try BinanceKey(secret: secret)
        } throws: { error in
            guard let error = error as? ExchangeError else { return false }
            return error.code == .invalidKeyFormat && error.exchange == .binance && error.message.contains(says)
                && !error.message.contains("MC4C") && !error.message.contains("MIIE")
        }
    }

    /// A P-256 key: a real private key, but of a type Binance does not issue.
    static let ecPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgd8OiuaqQyrzxE4zN
        Wat2xb9j6Pw5/D0hO5yCczdn07ihRANCAATjV/kDj3HiF1HCsHWGlf7O+kMmrN+d
        zt+YcCPGOJsgyAyAw6k4rA4W7Ar6v67qIlqHK+DrLDHncm+eG0YAryFg
        -----END PRIVATE KEY-----
        """

    /// An RSA key below Binance's 2048 bits (made with `openssl genpkey` for this test).
    static let rsa1024PEM = """
        -----BEGIN PRIVATE KEY-----
        MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAM5yw2NE3Xv5Wpw5
        tt6CI5HFeV9iYE1uJBfbI/Q+aMnkBNK+IVgnQl1md69JHvYJunBmtSM5aaIQTar/
        ER+ihuVi1e6KAriBHTXzSdgbaoPXWb1LALtwIIbGk8EBRw7XNe9Bf+uBzZp1mtDP
        Uob1f20BUMyQSArORGgN2HXHI5X3AgMBAAECgYEAla/EV4+w/5i2yBtYqlC1tZX3
        AN/1b27yoJF1qjwuAmRf0uWki6Q7jDklgmSEHGTFV4ZAw/92xdkIV3mFUuim4REC
        SAShr0vocyUJ2VEqtQu9E5Kacx7511sLJzucGxLZxsvn8jTBDdG9hOEjlupsdKtc
        sdIJFOKW1jByrZvOM+ECQQD1q7/SvMFVprsoCTXoplOJ3RWRVY0ZTKXiUQ4k69Y1
        lshv4UbOAhvuLlfb7v6JkL437DCsKaufDIvXPEqNvku5AkEA1yDYjiAtrpgieaNn
        pGiiLgjRfYi2tX2MaXTodivMH5CCr+EtdAA776GJC3qXP2y+JxK2ryqFWc1Nqmyj
        /z6nLwJBAPRQXFDgREjAqklzd3gpyNRG2IcTFGI/lozOXQmcvAfJLwYMfBSthkdF
        MTzYnawDFRiaPAFK45ElsgBXxjDWOYkCQCenNkN8Su9Tu4cQR5pWbw5tMbAh8wuh
        CLCni/G8QPPQf0ZMC0TGhkW1UL1860QVlzc8i8/d1pam8RnozJHPyqECQCoeTTEm
        XxzX5LWqEc+G+JcJj1pykVTb3J//y0IoZMMiKFBApDU7UO7T9H+eOSrUgPIYY1sL
        BcTB9gr1mbc7MYI=
        -----END PRIVATE KEY-----
        """
}
