import Foundation
import Testing
import Primitives
@testable import Exchanges

/// Known answers from exchanges.md §5 and the ccxt vector file, checked against our signers.
struct SigningVectorTests {
    @Test func binanceDocumentationVectors() {
        let secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
        #expect(BinanceSigner.signature(
            payload: "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559",
            secret: secret) == "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")
        #expect(BinanceSigner.signature(
            payload: "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559",
            secret: secret) == "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3")
    }

    @Test func binanceCCXTVectors() throws {
        let vector = try #require(VectorFile.vectors("binance").first)
        let secret = VectorFile.credentials("binance")["secret"]!
        for check in vector["checks"] as! [[String: Any]] {
            #expect(BinanceSigner.signature(payload: check["string_to_sign"] as! String, secret: secret)
                == (check["ccxt_signature"] as! String))
        }
        let recommended = (vector["recommended_request"] as! [String: Any])["url"] as! String
        let query = try BinanceSigner.signedQuery(BinanceSigner.accountParameters(timestampMs: 1_700_000_000_000),
                                                  key: .hmac(secret: secret))
        #expect(recommended == "https://api.binance.com/api/v3/account?" + query)
    }

    @Test func krakenDocumentationVector() {
        let signature = KrakenSigner.signature(
            path: "/0/private/AddOrder", nonce: "1616492376594",
            body: "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25",
            secret: "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==")
        #expect(signature == "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==")
    }

    @Test func krakenCCXTVectors() throws {
        let vector = try #require(VectorFile.vectors("kraken").first)
        let secret = VectorFile.credentials("kraken")["secret"]!
        let checks = vector["checks"] as! [[String: Any]]
        #expect(checks.count == 2)
        for check in checks {
            #expect(KrakenSigner.signature(path: check["uri_path_signed"] as! String, nonce: check["nonce"] as! String,
                                           body: check["post_body"] as! String, secret: secret)
                == (check["ccxt_API-Sign"] as! String))
        }
    }

    @Test func kucoinVectors() throws {
        #expect(KuCoinSigner.signature(timestamp: "", method: "", endpoint: "test_plain", secret: "test_api_secret")
            == "jie/gxS38wLFFaBwl/cAzFbAzlI8MIny96jSXrB+iP4=")
        let vector = try #require(VectorFile.vectors("kucoin").first)
        let credentials = VectorFile.credentials("kucoin")
        for check in vector["checks"] as! [[String: Any]] {
            let signed = check["string_to_sign"] as! String
            let endpoint = String(signed.dropFirst("1700000000000GET".count))
            #expect(KuCoinSigner.signature(timestamp: "1700000000000", method: "GET", endpoint: endpoint,
                                           secret: credentials["secret"]!) == (check["ccxt_KC-API-SIGN"] as! String))
            #expect(KuCoinSigner.passphrase(credentials["password"]!, secret: credentials["secret"]!)
                == (check["ccxt_KC-API-PASSPHRASE"] as! String))
        }
    }

    @Test func coinbaseExchangeVector() throws {
        let vector = try #require(VectorFile.vectors("coinbaseexchange").first)
        let check = (vector["checks"] as! [[String: Any]])[0]
        #expect(check["string_to_sign"] as? String == "1700000000GET/accounts")
        #expect(CoinbaseExchangeSigner.signature(
            timestamp: "1700000000", method: "GET", requestPath: "/accounts",
            secret: VectorFile.credentials("coinbaseexchange")["secret"]!) == (check["ccxt_CB-ACCESS-SIGN"] as! String))
        #expect(CoinbaseExchangeSigner.signature(timestamp: "1", method: "GET", requestPath: "/", secret: "%%%") == nil)
    }

    @Test func ccxtES256TokenVerifiesWithPublicKey() throws {
        let vector = try #require(VectorFile.vectors("coinbase").first { $0["public_key_pem"] != nil })
        let publicKey = vector["public_key_pem"] as! String
        let token = ((vector["requests"] as! [[String: Any]])[0]["headers"] as! [String: String])["Authorization"]!
            .replacingOccurrences(of: "Bearer ", with: "")
        let parts = token.split(separator: ".").map(String.init)
        let signature = try #require(Base64.urlDecode(parts[2]))
        #expect(signature.count == 64)
        #expect(ES256.isValidSignature(signature, for: Array((parts[0] + "." + parts[1]).utf8), publicKeyPEM: publicKey))
        var tampered = signature
        tampered[5] ^= 1
        #expect(!ES256.isValidSignature(tampered, for: Array((parts[0] + "." + parts[1]).utf8), publicKeyPEM: publicKey))
        // The public key derived from the fake private key is the vector's public key.
        let privateKey = vector["private_key_pem_FAKE"] as! String
        #expect(try ES256.publicKeyPEM(forPrivateKeyPEM: privateKey) == publicKey)
    }

    @Test func ed25519TokenIsReproducedByteForByte() throws {
        let vector = try #require(VectorFile.vectors("coinbase").first { $0["secret_base64_FAKE"] != nil })
        let expected = ((vector["requests"] as! [[String: Any]])[0]["headers"] as! [String: String])["Authorization"]!
            .replacingOccurrences(of: "Bearer ", with: "")
        let secret = Base64.decode(vector["secret_base64_FAKE"] as! String)!
        #expect(Array(secret.prefix(32)) == Digest.sha256("portfolio-sync fake coinbase ed25519 key v1"))
        #expect(try Ed25519.publicKey(forSeed: Array(secret.prefix(32)))
            == Base64.decode(vector["public_key_raw_b64"] as! String)!)
        // ccxt's claim set, rebuilt with our writer in ccxt's member order, must give the identical token.
        let header = #"{"alg":"EdDSA","typ":"JWT","kid":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","nonce":"0123456789abcdef0123456789abcdef"}"#
        let claims = #"{"aud":["cdp_service"],"iss":"cdp","nbf":1700000000,"exp":1700000120,"sub":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","iat":1700000000,"uris":["GET api.coinbase.com/api/v3/brokerage/accounts"]}"#
        let input = Base64.urlEncode(Array(header.utf8)) + "." + Base64.urlEncode(Array(claims.utf8))
        let signature = try CoinbaseKey(secret: vector["secret_base64_FAKE"] as! String).sign(Array(input.utf8))
        #expect(input + "." + Base64.urlEncode(signature) == expected)
    }

    @Test func ownES256TokenFollowsOfficialClaimSet() throws {
        let pem = VectorFile.credentials("coinbase")["secret"]!
        let keyName = VectorFile.credentials("coinbase")["apiKey"]!
        let now: Int64 = 1_700_000_000
        let token = try CoinbaseJWT.token(
            keyName: keyName, key: try CoinbaseKey(secret: pem), method: "GET",
            path: "/api/v3/brokerage/accounts?limit=250", now: now)
        let decoded = try JWTParts(token)
        #expect(decoded.header["alg"] as? String == "ES256")
        #expect(decoded.header["kid"] as? String == keyName)
        #expect((decoded.header["nonce"] as? String)?.count == 64)
        #expect(decoded.claims["sub"] as? String == keyName)
        #expect(decoded.claims["iss"] as? String == "cdp")
        #expect(decoded.claims["uri"] as? String == "GET api.coinbase.com/api/v3/brokerage/accounts")
        #expect((decoded.claims["nbf"] as? NSNumber)?.int64Value == now)
        #expect((decoded.claims["exp"] as? NSNumber)?.int64Value == now + 120)
        #expect(ES256.isValidSignature(decoded.signature, for: decoded.signingInput,
                                       publicKeyPoint: try ES256.publicKeyPoint(forPrivateKeyPEM: pem)))
    }

    @Test func ownEdDSATokenVerifies() throws {
        // CDP's 64-byte form is seed ‖ public key; the second half must be that public key (exchanges.md §10.1).
        let seed = Digest.sha256("another fake seed")
        let secret = Base64.encode(seed + (try Ed25519.publicKey(forSeed: seed)))
        let token = try CoinbaseJWT.token(keyName: "kid-1", key: try CoinbaseKey(secret: secret), method: "GET",
                                          path: "/api/v3/brokerage/key_permissions", now: 1_800_000_000)
        let decoded = try JWTParts(token)
        #expect(decoded.header["alg"] as? String == "EdDSA")
        #expect(decoded.claims["uri"] as? String == "GET api.coinbase.com/api/v3/brokerage/key_permissions")
        let publicKey = try Ed25519.publicKey(forSeed: Digest.sha256("another fake seed"))
        #expect(Ed25519.isValidSignature(decoded.signature, for: decoded.signingInput, publicKey: publicKey))
        #expect(!Ed25519.isValidSignature(decoded.signature, for: decoded.signingInput + [0], publicKey: publicKey))
    }

    @Test func coinbaseKeyParsingRejectsGarbageAndUnescapesNewlines() throws {
        #expect(throws: ExchangeError.self) { try CoinbaseKey(secret: "not a key") }
        let escaped = VectorFile.credentials("coinbase")["secret"]!.replacingOccurrences(of: "\n", with: "\\n")
        let key = try CoinbaseKey(secret: escaped)
        #expect(key.algorithm == "ES256")
    }
}

/// A JWT split into decoded parts.
struct JWTParts {
    let header: [String: Any]
    let claims: [String: Any]
    let signature: [UInt8]
    let signingInput: [UInt8]

    init(_ token: String) throws {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let header = Base64.urlDecode(parts[0]), let claims = Base64.urlDecode(parts[1]),
              let signature = Base64.urlDecode(parts[2])
        else { throw ExchangeError(.badResponse, message: "not a JWT") }
        self.header = try JSONSerialization.jsonObject(with: Data(header)) as! [String: Any]
        self.claims = try JSONSerialization.jsonObject(with: Data(claims)) as! [String: Any]
        self.signature = signature
        self.signingInput = Array((parts[0] + "." + parts[1]).utf8)
    }
}
