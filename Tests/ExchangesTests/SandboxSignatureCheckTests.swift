import Exchanges
import Foundation
import Primitives
import Testing
@testable import Sandbox

/// The sandbox's own signature checks (`Sources/Sandbox/*SignatureCheck.swift`) against the known answers of
/// exchanges.md §5 and §12 (`Vectors/`), and against one-byte changes of signature, body, path and timestamp,
/// each of which must be refused. None of this touches a client's signer.
struct SandboxSignatureCheckTests {
    // MARK: Coinbase Advanced Trade (§2a)

    static let accountsPath = "/api/v3/brokerage/accounts"

    /// ccxt's ES256 token (`iss: coinbase-cloud`, `aud`, `iat`, one `uri`) and EdDSA token (`uris` list),
    /// both frozen at 1700000000.
    @Test func coinbaseCCXTTokensVerify() throws {
        let credentials = VectorFile.credentials("coinbase")
        let vectors = VectorFile.vectors("coinbase")
        let es256 = try #require(Self.bearer(of: vectors[0]).flatMap(CoinbaseSignatureCheck.token(authorization:)))
        try CoinbaseSignatureCheck.verify(es256, keyName: credentials["apiKey"]!, secret: credentials["secret"]!,
                                          method: "GET", path: Self.accountsPath, now: 1_700_000_010)
        let eddsa = try #require(Self.bearer(of: vectors[1]).flatMap(CoinbaseSignatureCheck.token(authorization:)))
        let keyID = (vectors[1]["jwt_header"] as! [String: Any])["kid"] as! String
        try CoinbaseSignatureCheck.verify(eddsa, keyName: keyID, secret: vectors[1]["secret_base64_FAKE"] as! String,
                                          method: "GET", path: Self.accountsPath, now: 1_700_000_010)
    }

    /// The official SDK's EdDSA token (§12.1 `coinbase_eddsa_jwt`), checked with every §10.1 form of its key.
    @Test func coinbaseOfficialEdDSATokenVerifiesWithEveryKeyForm() throws {
        let vector = BinanceVectorFile.document["coinbase_eddsa_jwt"] as! [String: Any]
        let keys = (BinanceVectorFile.document["coinbase_keys"] as! [String: Any])["ed25519"] as! [String: Any]
        let token = try #require(CoinbaseSignatureCheck.token(vector["token"] as! String))
        for form in ["secret_base64_64_bytes_seed_then_public", "secret_base64_32_bytes_seed_only", "pkcs8_pem_PRIVATE_KEY"] {
            #expect(throws: Never.self, "\(form)") {
                try CoinbaseSignatureCheck.verify(token, keyName: keys["key_id"] as! String, secret: keys[form] as! String,
                                                  method: "GET", path: Self.accountsPath, now: 1_700_000_010)
            }
        }
    }

    /// An ES256 token in the official claim set, signed here with Primitives over the §12.1 P-256 key and
    /// verified with each of its PEM forms (SEC1, PKCS#8, literal `\n`).
    @Test func coinbaseES256TokenVerifiesWithEveryKeyForm() throws {
        let keys = (BinanceVectorFile.document["coinbase_keys"] as! [String: Any])["ecdsa_p256"] as! [String: Any]
        let name = keys["key_name"] as! String
        let token = try Self.es256Token(name: name, pem: keys["sec1_pem_EC_PRIVATE_KEY"] as! String)
        for form in ["sec1_pem_EC_PRIVATE_KEY", "pkcs8_pem_PRIVATE_KEY", "sec1_pem_with_literal_backslash_n"] {
            #expect(throws: Never.self, "\(form)") {
                try CoinbaseSignatureCheck.verify(try #require(CoinbaseSignatureCheck.token(token)), keyName: name,
                                                  secret: keys[form] as! String, method: "GET", path: Self.accountsPath,
                                                  now: 1_700_000_010)
            }
        }
        // An ES256 token checked against an Ed25519 key is refused for its algorithm, not trusted.
        let ed = (BinanceVectorFile.document["coinbase_keys"] as! [String: Any])["ed25519"] as! [String: Any]
        #expect(throws: CoinbaseSignatureCheck.Rejection.algorithm) {
            try CoinbaseSignatureCheck.verify(try #require(CoinbaseSignatureCheck.token(token)), keyName: name,
                                              secret: ed["secret_base64_32_bytes_seed_only"] as! String, method: "GET",
                                              path: Self.accountsPath, now: 1_700_000_010)
        }
    }

    /// One byte changed in the signature, the claims (the "body"), the path or the time is refused.
    @Test func coinbaseRefusesOneByteChanges() throws {
        let vector = BinanceVectorFile.document["coinbase_eddsa_jwt"] as! [String: Any]
        let keys = (BinanceVectorFile.document["coinbase_keys"] as! [String: Any])["ed25519"] as! [String: Any]
        let keyID = keys["key_id"] as! String, secret = keys["secret_base64_32_bytes_seed_only"] as! String
        let text = vector["token"] as! String
        let parts = text.split(separator: ".").map(String.init)
        func check(_ token: String, path: String = Self.accountsPath, now: Int64 = 1_700_000_010) throws {
            guard let parsed = CoinbaseSignatureCheck.token(token) else { throw CoinbaseSignatureCheck.Rejection.malformed }
            try CoinbaseSignatureCheck.verify(parsed, keyName: keyID, secret: secret, method: "GET", path: path, now: now)
        }
        var signature = Base64.urlDecode(parts[2])!
        signature[10] ^= 0x01
        #expect(throws: CoinbaseSignatureCheck.Rejection.signature) {
            try check(parts[0] + "." + parts[1] + "." + Base64.urlEncode(signature))
        }
        let claims = String(decoding: Base64.urlDecode(parts[1])!, as: UTF8.self)
        for changed in [claims.replacingOccurrences(of: "accounts", with: "accountz"),
                        claims.replacingOccurrences(of: "1700000000", with: "1700000001")] {
            #expect(throws: CoinbaseSignatureCheck.Rejection.signature) {
                try check(parts[0] + "." + Base64.urlEncode(Array(changed.utf8)) + "." + parts[2])
            }
        }
        #expect(throws: CoinbaseSignatureCheck.Rejection.uri) { try check(text, path: Self.accountsPath + "s") }
        #expect(throws: CoinbaseSignatureCheck.Rejection.uri) { try check(text, path: "/api/v3/brokerage/key_permissions") }
        #expect(throws: CoinbaseSignatureCheck.Rejection.window) { try check(text, now: 1_700_000_120) }
        #expect(throws: CoinbaseSignatureCheck.Rejection.window) { try check(text, now: 1_699_999_994) }
        #expect(throws: CoinbaseSignatureCheck.Rejection.keyID) {
            try CoinbaseSignatureCheck.verify(try #require(CoinbaseSignatureCheck.token(text)), keyName: keyID + "d",
                                              secret: secret, method: "GET", path: Self.accountsPath, now: 1_700_000_010)
        }
        // A non-canonical spelling of the same signature bytes is not the same token.
        #expect(CoinbaseSignatureCheck.token(text + "=") == nil)
    }

    /// The header's `nonce` and the claims `sub`, `iss` and lifetime are checked, not only the signature.
    @Test func coinbaseChecksHeaderAndClaims() throws {
        let keys = (BinanceVectorFile.document["coinbase_keys"] as! [String: Any])["ecdsa_p256"] as! [String: Any]
        let name = keys["key_name"] as! String, pem = keys["sec1_pem_EC_PRIVATE_KEY"] as! String
        func check(_ token: String) throws {
            try CoinbaseSignatureCheck.verify(try #require(CoinbaseSignatureCheck.token(token)), keyName: name, secret: pem,
                                              method: "GET", path: Self.accountsPath, now: 1_700_000_010)
        }
        #expect(throws: CoinbaseSignatureCheck.Rejection.nonce) { try check(try Self.es256Token(name: name, pem: pem, nonce: nil)) }
        #expect(throws: CoinbaseSignatureCheck.Rejection.nonce) { try check(try Self.es256Token(name: name, pem: pem, nonce: "")) }
        #expect(throws: CoinbaseSignatureCheck.Rejection.subject) { try check(try Self.es256Token(name: name, pem: pem, sub: "someone")) }
        #expect(throws: CoinbaseSignatureCheck.Rejection.issuer) { try check(try Self.es256Token(name: name, pem: pem, iss: "coinbase")) }
        #expect(throws: CoinbaseSignatureCheck.Rejection.window) { try check(try Self.es256Token(name: name, pem: pem, lifetime: 121)) }
        #expect(throws: CoinbaseSignatureCheck.Rejection.uri) {
            try check(try Self.es256Token(name: name, pem: pem, uri: "GET https://api.coinbase.com" + Self.accountsPath))
        }
    }

    /// The `Authorization` header value of a ccxt vector's first request.
    static func bearer(of vector: [String: Any]) -> String? {
        ((vector["requests"] as? [[String: Any]])?.first?["headers"] as? [String: String])?["Authorization"]
    }

    /// A token in the official SDK's shape (§2a), frozen at 1700000000, signed with Primitives' ES256.
    static func es256Token(name: String, pem: String, nonce: String? = String(repeating: "ab", count: 32),
                           sub: String? = nil, iss: String = "cdp", lifetime: Int = 120,
                           uri: String = "GET api.coinbase.com" + accountsPath) throws -> String {
        var header: [String: Any] = ["alg": "ES256", "typ": "JWT", "kid": name]
        if let nonce { header["nonce"] = nonce }
        let claims: [String: Any] = ["sub": sub ?? name, "iss": iss, "nbf": 1_700_000_000, "exp": 1_700_000_000 + lifetime, "uri": uri]
        let input = Base64.urlEncode(try JSONSerialization.data(withJSONObject: header, options: .sortedKeys)) + "."
            + Base64.urlEncode(try JSONSerialization.data(withJSONObject: claims, options: .sortedKeys))
        return input + "." + Base64.urlEncode(try ES256.signature(for: Array(input.utf8), privateKeyPEM: pem))
    }

    // MARK: Coinbase Exchange (§2b, §5 #8)

    @Test func coinbaseExchangeVector() throws {
        let credentials = VectorFile.credentials("coinbaseexchange")
        let check = try #require((VectorFile.vectors("coinbaseexchange").first?["checks"] as? [[String: Any]])?.first)
        #expect(check["string_to_sign"] as? String == "1700000000GET/accounts")
        let signature = check["ccxt_CB-ACCESS-SIGN"] as! String, secret = credentials["secret"]!
        func valid(_ signature: String, timestamp: String = "1700000000", method: String = "GET",
                   path: String = "/accounts", body: String = "") -> Bool {
            CoinbaseExchangeSignatureCheck.isValid(signature, timestamp: timestamp, method: method, requestPath: path,
                                                   body: Array(body.utf8), secret: secret)
        }
        #expect(valid(signature))
        #expect(!valid(Self.changed(signature)))
        #expect(!valid(signature, body: "{}"))
        #expect(!valid(signature, path: "/accountz"))
        #expect(!valid(signature, path: "/accounts?x=1"))
        #expect(!valid(signature, timestamp: "1700000001"))
        #expect(!valid(signature, method: "POST"))
        #expect(!CoinbaseExchangeSignatureCheck.isValid(signature, timestamp: "1700000000", method: "GET", requestPath: "/accounts",
                                                        body: [], secret: "not base64!"))
    }

    // MARK: Kraken (§3.2, §5 #4 and #10)

    @Test func krakenVectors() throws {
        let docs = (path: "/0/private/AddOrder", nonce: "1616492376594",
                    body: "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25",
                    secret: "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==",
                    signature: "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==")
        var cases = [docs]
        let secret = VectorFile.credentials("kraken")["secret"]!
        for check in try #require(VectorFile.vectors("kraken").first?["checks"] as? [[String: Any]]) {
            cases.append((path: check["uri_path_signed"] as! String, nonce: check["nonce"] as! String,
                          body: check["post_body"] as! String, secret: secret, signature: check["ccxt_API-Sign"] as! String))
        }
        #expect(cases.count == 3)
        for c in cases {
            func valid(_ signature: String, path: String? = nil, nonce: String? = nil, body: String? = nil) -> Bool {
                KrakenSignatureCheck.isValid(signature, path: path ?? c.path, nonce: nonce ?? c.nonce,
                                             body: Array((body ?? c.body).utf8), secret: c.secret)
            }
            #expect(valid(c.signature), "\(c.path)")
            #expect(!valid(Self.changed(c.signature)))
            #expect(!valid(c.signature, body: c.body + "&"))
            #expect(!valid(c.signature, body: c.body.replacingOccurrences(of: c.nonce, with: Self.bumped(c.nonce))))
            #expect(!valid(c.signature, path: c.path + "x"))
            #expect(!valid(c.signature, nonce: Self.bumped(c.nonce)))
        }
    }

    // MARK: KuCoin (§4.2, §5 #5 and #11)

    @Test func kucoinVectors() throws {
        // The universal SDK's signer test: the whole prehash is "test_plain".
        #expect(KuCoinSignatureCheck.isValidSignature("jie/gxS38wLFFaBwl/cAzFbAzlI8MIny96jSXrB+iP4=", timestamp: "", method: "",
                                                      endpoint: "test_plain", body: [], secret: "test_api_secret"))
        let credentials = VectorFile.credentials("kucoin")
        let secret = credentials["secret"]!
        let checks = try #require(VectorFile.vectors("kucoin").first?["checks"] as? [[String: Any]])
        #expect(checks.count == 2)
        for check in checks {
            let endpoint = String((check["string_to_sign"] as! String).dropFirst("1700000000000GET".count))
            let signature = check["ccxt_KC-API-SIGN"] as! String
            func valid(_ signature: String, timestamp: String = "1700000000000", endpoint e: String? = nil, body: String = "") -> Bool {
                KuCoinSignatureCheck.isValidSignature(signature, timestamp: timestamp, method: "GET", endpoint: e ?? endpoint,
                                                      body: Array(body.utf8), secret: secret)
            }
            #expect(valid(signature), "\(endpoint)")
            #expect(!valid(Self.changed(signature)))
            #expect(!valid(signature, body: "{}"))
            #expect(!valid(signature, endpoint: endpoint + "x"))
            #expect(!valid(signature, timestamp: "1700000000001"))

            let passphrase = check["ccxt_KC-API-PASSPHRASE"] as! String
            for version in ["2", "3"] {
                #expect(KuCoinSignatureCheck.isValidPassphrase(passphrase, passphrase: credentials["password"]!, secret: secret,
                                                               keyVersion: version))
                #expect(!KuCoinSignatureCheck.isValidPassphrase(Self.changed(passphrase), passphrase: credentials["password"]!,
                                                                secret: secret, keyVersion: version))
            }
            // Without a version header the server compares the plaintext (§4.2), so the signed form fails.
            #expect(!KuCoinSignatureCheck.isValidPassphrase(passphrase, passphrase: credentials["password"]!, secret: secret, keyVersion: nil))
            #expect(KuCoinSignatureCheck.isValidPassphrase(credentials["password"]!, passphrase: credentials["password"]!,
                                                           secret: secret, keyVersion: "1"))
        }
    }

    // MARK: Binance HMAC (§1.2, §5 #1–#2, §7.5)

    @Test func binanceHMACVectors() throws {
        var cases: [(payload: String, secret: String, signature: String)] = [
            ("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559",
             "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
             "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"),
        ]
        for vector in BinanceVectorFile.requests {
            cases.append((vector.payloadSigned, vector.hmacSecret, vector.signatures["hmac_sha256_hex"]!))
        }
        let ccxtSecret = VectorFile.credentials("binance")["secret"]!
        for check in try #require(VectorFile.vectors("binance").first?["checks"] as? [[String: Any]]) {
            cases.append((check["string_to_sign"] as! String, ccxtSecret, check["ccxt_signature"] as! String))
        }
        #expect(cases.count == 6)
        for c in cases {
            let account = FixtureAccount(exchange: .binance, apiKey: "k", apiSecret: c.secret, balances: [])
            #expect(BinanceSignatureCheck.isValid(c.signature, payload: c.payload, account: account), "\(c.payload)")
            // HMAC hex is compared case-insensitively (§1.2).
            #expect(BinanceSignatureCheck.isValid(c.signature.uppercased(), payload: c.payload, account: account))
            #expect(!BinanceSignatureCheck.isValid(Self.changed(c.signature), payload: c.payload, account: account))
            #expect(!BinanceSignatureCheck.isValid(c.signature, payload: c.payload + "&", account: account))
            let timestamp = try #require(c.payload.range(of: "timestamp=")).upperBound
            let retimed = c.payload.replacingCharacters(in: timestamp..<c.payload.index(after: timestamp), with: "2")
            #expect(!BinanceSignatureCheck.isValid(c.signature, payload: retimed, account: account))
        }
        // §7.5: the raw UTF-8 payload's HMAC does not sign the percent-encoded bytes on the wire.
        let funding = BinanceVectorFile.request("binance-funding-wallet-non-ascii")
        let rejected = funding.raw["hmac_over_unencoded_payload_REJECTED_since_2026_01_15"] as! String
        let account = FixtureAccount(exchange: .binance, apiKey: "k", apiSecret: funding.hmacSecret, balances: [])
        #expect(!BinanceSignatureCheck.isValid(rejected, payload: funding.payloadSigned, account: account))
    }

    // MARK: Helpers

    /// `text` with one character changed to another of the same alphabet (so it still decodes).
    static func changed(_ text: String) -> String {
        var characters = Array(text)
        let index = characters.count / 2
        let old = characters[index]
        // Digits stay digits and letters letters, different even ignoring case (Binance's hex is compared so).
        characters[index] = old.isNumber ? (old == "0" ? "1" : "0") : (old.lowercased() == "a" ? "b" : "a")
        return String(characters)
    }

    /// A decimal text plus one.
    static func bumped(_ digits: String) -> String { String(UInt64(digits)! + 1) }
}
