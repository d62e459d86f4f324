import Foundation
import Primitives
import Testing
@testable import Exchanges
import Sandbox

/// Coinbase CDP keys as people paste them (exchanges.md §10.1, §10.2): every form that carries a whole key
/// loads to the known public key of `coinbase_keys` in `Vectors/exchanges-7-12.json`; everything else is a
/// local `invalid_key_format` that says what is wrong, before any request.
struct CoinbaseKeyFormTests {
    // MARK: - Known answers

    // Read-only after the lazy initializers run once.
    nonisolated(unsafe) private static let vectors: [String: Any] = {
        let url = Bundle.module.url(forResource: "exchanges-7-12", withExtension: "json", subdirectory: "Vectors")!
        let document = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return document["coinbase_keys"] as! [String: Any]
    }()
    nonisolated(unsafe) private static let ecdsa = vectors["ecdsa_p256"] as! [String: Any]
    nonisolated(unsafe) private static let ed25519 = vectors["ed25519"] as! [String: Any]
    private static let sec1 = ecdsa["sec1_pem_EC_PRIVATE_KEY"] as! String
    private static let ecdsaPublic = ecdsa["public_uncompressed_hex"] as! String
    private static let edPublic = ed25519["public_raw_hex"] as! String

    /// The public key a parsed key signs for, as hex (uncompressed point for P-256, raw for Ed25519).
    private func publicHex(_ key: CoinbaseKey) throws -> String {
        switch key {
        case .ecdsa(let pem): return Hex.encode(try ES256.publicKeyPoint(forPrivateKeyPEM: pem))
        case .ed25519(let seed): return Hex.encode(try Ed25519.publicKey(forSeed: seed))
        }
    }

    /// The SEC1 body as one line of base64, and the PEM's armour lines.
    private static let sec1Body = sec1.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    private static let sec1Begin = "-----BEGIN EC PRIVATE KEY-----", sec1End = "-----END EC PRIVATE KEY-----"

    static let ecdsaForms: [(String, String)] = [
        ("SEC1 PEM", sec1),
        ("PKCS#8 PEM", ecdsa["pkcs8_pem_PRIVATE_KEY"] as! String),
        ("literal \\n (vector)", ecdsa["sec1_pem_with_literal_backslash_n"] as! String),
        ("line breaks as spaces", sec1.replacingOccurrences(of: "\n", with: " ")),
        ("no line breaks at all", sec1.replacingOccurrences(of: "\n", with: "")),
        ("CRLF", sec1.replacingOccurrences(of: "\n", with: "\r\n")),
        ("literal \\r\\n", sec1.replacingOccurrences(of: "\n", with: "\\r\\n")),
        ("BEGIN line missing", sec1.replacingOccurrences(of: sec1Begin + "\n", with: "")),
        ("END line missing", sec1.replacingOccurrences(of: sec1End + "\n", with: "")),
        ("both armour lines missing", sec1Body),
        ("body re-wrapped at 76", sec1Begin + "\n" + sec1Body.chunked(76).joined(separator: "\n") + "\n" + sec1End),
        ("PKCS#8 as spaces", (ecdsa["pkcs8_pem_PRIVATE_KEY"] as! String).replacingOccurrences(of: "\n", with: " ")),
        ("indented and quoted", "\"   " + sec1.replacingOccurrences(of: "\n", with: "\n    ") + "\""),
    ]

    @Test(arguments: ecdsaForms)
    func ecdsaFormLoadsTheKnownKey(name: String, secret: String) throws {
        let key = try CoinbaseKey(secret: secret)
        #expect(key.algorithm == "ES256", "\(name)")
        #expect(try publicHex(key) == CoinbaseKeyFormTests.ecdsaPublic, "\(name)")
        // The canonical form is a well-formed PEM that loads to the same key.
        #expect(try publicHex(CoinbaseKey(secret: try key.canonicalSecret)) == CoinbaseKeyFormTests.ecdsaPublic)
    }

    static let ed25519Forms: [(String, String)] = [
        ("64-byte base64", ed25519["secret_base64_64_bytes_seed_then_public"] as! String),
        ("32-byte base64", ed25519["secret_base64_32_bytes_seed_only"] as! String),
        ("PKCS#8 PEM", ed25519["pkcs8_pem_PRIVATE_KEY"] as! String),
        ("PKCS#8 PEM as spaces", (ed25519["pkcs8_pem_PRIVATE_KEY"] as! String).replacingOccurrences(of: "\n", with: " ")),
        ("PKCS#8 PEM with literal \\n", (ed25519["pkcs8_pem_PRIVATE_KEY"] as! String).replacingOccurrences(of: "\n", with: "\\n")),
        ("64-byte base64 wrapped", (ed25519["secret_base64_64_bytes_seed_then_public"] as! String).chunked(44).joined(separator: "\n")),
        ("64-byte base64 without padding", (ed25519["secret_base64_64_bytes_seed_then_public"] as! String).replacingOccurrences(of: "=", with: "")),
    ]

    @Test(arguments: ed25519Forms)
    func ed25519FormLoadsTheKnownKey(name: String, secret: String) throws {
        let key = try CoinbaseKey(secret: secret)
        #expect(key.algorithm == "EdDSA", "\(name)")
        #expect(try publicHex(key) == CoinbaseKeyFormTests.edPublic, "\(name)")
        // Stored as CDP issues it: base64 of seed ‖ public key.
        #expect(try key.canonicalSecret == CoinbaseKeyFormTests.ed25519["secret_base64_64_bytes_seed_then_public"] as! String)
    }

    // MARK: - Key files

    private func json(_ object: Any) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]), as: UTF8.self)
    }

    @Test func keyFileNameFormSuppliesTheKeyName() throws {
        let file = json(CoinbaseKeyFormTests.ecdsa["key_file_name_form"]!)
        let resolved = try CoinbaseCredentials.normalized(Credentials(apiKey: "", apiSecret: file))
        #expect(resolved.apiKey == CoinbaseKeyFormTests.ecdsa["key_name"] as! String)
        #expect(try publicHex(CoinbaseKey(secret: resolved.apiSecret)) == CoinbaseKeyFormTests.ecdsaPublic)
    }

    @Test func keyFileIdFormSuppliesTheKeyName() throws {
        let file = json(CoinbaseKeyFormTests.ed25519["key_file_id_form"]!)
        let resolved = try CoinbaseCredentials.normalized(Credentials(apiKey: "", apiSecret: file))
        #expect(resolved.apiKey == CoinbaseKeyFormTests.ed25519["key_id"] as! String)
        #expect(try publicHex(CoinbaseKey(secret: resolved.apiSecret)) == CoinbaseKeyFormTests.edPublic)
    }

    @Test func keyFileMustMatchTheKeyNameEntered() throws {
        let file = json(CoinbaseKeyFormTests.ecdsa["key_file_name_form"]!)
        let name = CoinbaseKeyFormTests.ecdsa["key_name"] as! String
        // The same name, or just the key id that ends it, is accepted; the file's full name is used.
        #expect(try CoinbaseCredentials.normalized(Credentials(apiKey: name, apiSecret: file)).apiKey == name)
        let keyID = String(name.split(separator: "/").last!)
        #expect(try CoinbaseCredentials.normalized(Credentials(apiKey: keyID, apiSecret: file)).apiKey == name)
        let other = invalidKeyFormat(apiKey: "organizations/x/apiKeys/another", secret: file)
        #expect(other?.detail == "key-file-name")
        // A file pasted on one line (a single-line field) is JSON all the same.
        let oneLine = file.replacingOccurrences(of: "\n", with: " ")
        #expect(try CoinbaseCredentials.normalized(Credentials(apiKey: "", apiSecret: oneLine)).apiKey == name)
    }

    @Test func brokenKeyFiles() {
        let file = json(CoinbaseKeyFormTests.ecdsa["key_file_name_form"]!)
        #expect(invalidKeyFormat(secret: String(file.prefix(file.count / 2)))?.detail == "key-file-json")
        #expect(invalidKeyFormat(secret: #"{"name":"organizations/a/apiKeys/b"}"#)?.detail == "key-file-private-key")
        #expect(invalidKeyFormat(apiKey: "", secret: CoinbaseKeyFormTests.sec1)?.detail == "key-name-missing")
    }

    // MARK: - Refused forms

    static let refused: [(String, String, String)] = [
        ("PEM cut in half", String(sec1.prefix(sec1.count / 2)), "pem-truncated"),
        ("PEM cut before END", String(sec1.prefix(sec1.count - sec1End.count - 20)), "pem-truncated"),
        ("PEM body missing a line", sec1.split(separator: "\n").enumerated().filter { $0.offset != 2 }
            .map(\.element).joined(separator: "\n"), "pem-damaged"),
        ("armour only", sec1Begin + "\n" + sec1End, "pem-empty"),
        ("public key", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEG9JKNCaLTwJMcaAaruhx98xyJDrLJaBtOlC7Fk1WwQQ0YF3/Vnw/x4LKxJy7KlLZ65Q8WIcXnobmrTQHtVtNJw==\n-----END PUBLIC KEY-----\n", "public-key"),
        ("public key without armour", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEG9JKNCaLTwJMcaAaruhx98xyJDrLJaBtOlC7Fk1WwQQ0YF3/Vnw/x4LKxJy7KlLZ65Q8WIcXnobmrTQHtVtNJw==", "public-key"),
        ("encrypted PKCS#8", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END ENCRYPTED PRIVATE KEY-----", "encrypted-key"),
        ("encrypted SEC1", sec1Begin + "\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n" + sec1Body + "\n" + sec1End, "encrypted-key"),
        ("RSA key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "key-type"),
        ("mismatched armour", sec1.replacingOccurrences(of: sec1End, with: "-----END PRIVATE KEY-----"), "pem-labels"),
        ("stray characters", sec1.replacingOccurrences(of: "MHcC", with: "MH*C"), "pem-characters"),
        ("legacy Coinbase App secret", "abcdefghABCDEFGH0123456789abcdef", "legacy-key"),
        ("Coinbase Exchange HMAC secret", "7s/L0THiRnF3jfkzFDm4m8OL6UQJ4UFZ5jhIABlHy0Xe2Nnx+aj4Qz/nj/VjVXVgD/WCczACV7joQwVfRsgX2A==", "ed25519-halves"),
        ("Ed25519 secret cut short", String((ed25519["secret_base64_64_bytes_seed_then_public"] as! String).prefix(60)), "ed25519-length"),
        ("a password", "correct horse battery staple!", "not-a-key"),
    ]

    @Test(arguments: refused)
    func refusedFormSaysWhatIsWrong(name: String, secret: String, detail: String) {
        let error = invalidKeyFormat(secret: secret)
        #expect(error?.code == .invalidKeyFormat, "\(name)")
        #expect(error?.detail == detail, "\(name): \(error?.detail ?? "no error")")
        #expect(error?.exchange == .coinbase)
        // The message explains; it never repeats the secret.
        #expect(error.map { !$0.message.contains(secret) && $0.message.count > 40 } == true, "\(name)")
    }

    @Test func legacyKeyPairIsExplained() {
        let legacy = CoinbaseKeyFormTests.vectors["legacy_coinbase_app_key_shape_for_detection"] as! [String: Any]
        let error = invalidKeyFormat(apiKey: legacy["api_key_16_chars"] as! String,
                                     secret: legacy["api_secret_32_chars"] as! String)
        #expect(error?.detail == "legacy-key")
        #expect(error?.message.contains("February 2025") == true)
        #expect(error?.message.contains("CDP API key") == true)
    }

    @Test func keyNameFieldHoldingTheKey() {
        #expect(invalidKeyFormat(apiKey: CoinbaseKeyFormTests.sec1, secret: CoinbaseKeyFormTests.sec1)?.detail == "key-name-is-key")
    }

    /// The error `CoinbaseCredentials` raises for the pair, or nil when it accepted them.
    private func invalidKeyFormat(apiKey: String = "organizations/a/apiKeys/b", secret: String) -> ExchangeError? {
        do {
            _ = try CoinbaseCredentials.normalized(Credentials(apiKey: apiKey, apiSecret: secret))
            return nil
        } catch {
            return error as? ExchangeError
        }
    }

    // MARK: - Against the sandbox

    /// The forms a one-line field produces sign requests the sandbox accepts.
    @Test(arguments: ["spaces", "literal", "crlf", "no-begin", "key-file"])
    func pastedFormsReadBalances(form: String) async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.coinbase)
            let pem = account.apiSecret
            let begin = String(pem.split(separator: "\n").first!)
            var apiKey = account.apiKey
            let secret: String
            switch form {
            case "spaces": secret = pem.replacingOccurrences(of: "\n", with: " ")
            case "literal": secret = pem.replacingOccurrences(of: "\n", with: "\\n")
            case "crlf": secret = pem.replacingOccurrences(of: "\n", with: "\r\n")
            case "no-begin": secret = pem.replacingOccurrences(of: begin + "\n", with: "")
            default:
                secret = json(["name": account.apiKey, "privateKey": pem])
                apiKey = ""
            }
            let balances = try await h.client(account, apiKey: apiKey, apiSecret: secret).fetchBalances()
            #expect(balances.isEmpty == false)
        }
    }

    /// A key that cannot be read fails before the client exists: the sandbox sees no request at all.
    @Test func malformedKeySendsNoRequest() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.coinbase)
            let truncated = String(account.apiSecret.prefix(account.apiSecret.count / 2))
            let error = await exchangeError {
                _ = try await h.client(account, apiSecret: truncated).fetchBalances()
            }
            #expect(error?.code == .invalidKeyFormat)
            let stats = try await h.stats(.coinbase)
            #expect(stats["requests"] as? Int == 0)
        }
    }
}

extension String {
    /// The text in pieces of `size` characters (the last may be shorter).
    fileprivate func chunked(_ size: Int) -> [String] {
        stride(from: 0, to: count, by: size).map { offset in
            let start = index(startIndex, offsetBy: offset)
            return String(self[start..<(index(start, offsetBy: size, limitedBy: endIndex) ?? endIndex)])
        }
    }
}
