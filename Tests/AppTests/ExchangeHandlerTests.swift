import Exchanges
import Foundation
import Sandbox
import Testing
import Web
@testable import App

/// `GET /exchanges/supported`, `POST /exchanges/test` and `POST /exchanges/connect` through
/// `Application.handle` against the in-process sandbox.
@Suite(.serialized)
struct ExchangeHandlerTests {
    let h: HandlerHarness
    let exchanges = "/api/v1/exchanges"

    init(_ backend: TestBackend = .sqlite) throws { h = try HandlerHarness(backend: backend) }

    @Test(arguments: TestBackend.allCases)
    static func supportedListsEveryExchangeWithItsFields(_ backend: TestBackend) throws { try Self(backend).supportedListsEveryExchangeWithItsFields() }
    func supportedListsEveryExchangeWithItsFields() throws {
        let response = h.call("GET", "\(exchanges)/supported")
        #expect(response.status == 200)
        let list = try #require(response.json["exchanges"] as? [[String: Any]])
        #expect(list.compactMap { $0["id"] as? String } == ExchangeID.allCases.map(\.rawValue))
        for exchange in list {
            let fields = try #require(exchange["credentialFields"] as? [String])
            #expect(fields.contains("apiSecret"))
            #expect(exchange["requiresPassphrase"] as? Bool == fields.contains("passphrase"))
            #expect(exchange["name"] is String && exchange["regions"] is [Any] && exchange["permissionsCheckable"] is Bool)
        }
    }

    @Test(arguments: TestBackend.allCases)
    static func testWithGoodCredentialsSucceedsAndSavesNothing(_ backend: TestBackend) throws { try Self(backend).testWithGoodCredentialsSucceedsAndSavesNothing() }
    func testWithGoodCredentialsSucceedsAndSavesNothing() throws {
        let response = h.call("POST", "\(exchanges)/test", json: h.credentials(h.account(.kucoin)))
        #expect(response.status == 200)
        #expect(response.json["success"] as? Bool == true)
        #expect((response.json["balancesCount"] as? Int ?? 0) > 0)
        #expect(response.json["error"] == nil)
        #expect((h.call("GET", "\(exchanges)/connections").json["connections"] as? [Any])?.isEmpty == true)
    }

    /// The exchange's verdict on the credentials is a 200 with the catalogue code, not an error response.
    @Test(arguments: TestBackend.allCases)
    static func testWithAWrongSecretIsAVerdictWithACatalogueCode(_ backend: TestBackend) throws { try Self(backend).testWithAWrongSecretIsAVerdictWithACatalogueCode() }
    func testWithAWrongSecretIsAVerdictWithACatalogueCode() throws {
        let response = h.call("POST", "\(exchanges)/test", json: h.credentials(h.account(.kucoin), apiSecret: "wrong-secret"))
        #expect(response.status == 200)
        #expect(response.json["success"] as? Bool == false)
        let error = try #require(response.json["error"] as? [String: Any])
        let code = try #require(error["code"] as? String)
        #expect(ErrorCode(rawValue: code)?.status == 422, "\(code)")
        #expect(!response.bodyText.contains("wrong-secret"))
    }

    /// An exchange that answers "slow down" gave no verdict: 503 `rate_limited` with its Retry-After, saying the key
    /// was not checked (before: a 200 `success: false`, which read as a verdict).
    @Test(arguments: TestBackend.allCases)
    static func testAgainstARateLimitingExchangeIs503NotAVerdict(_ backend: TestBackend) throws { try Self(backend).testAgainstARateLimitingExchangeIs503NotAVerdict() }
    func testAgainstARateLimitingExchangeIs503NotAVerdict() throws {
        h.fault(.kucoin, Faults(rateLimited: true, retryAfterSeconds: 7))
        let response = h.call("POST", "\(exchanges)/test", json: h.credentials(h.account(.kucoin)))
        #expect(response.status == 503)
        #expect(response.errorCode == ErrorCode.rateLimited.rawValue)
        #expect(response.header("Retry-After") == "7")
        #expect(response.json["success"] == nil)
        let message = try #require(response.error?["message"] as? String)
        #expect(message.hasPrefix("KuCoin asked Holdfast to slow down; your key was not checked."), "\(message)")
    }

    @Test(arguments: TestBackend.allCases)
    static func testWithBadInputIs422WithFields(_ backend: TestBackend) throws { try Self(backend).testWithBadInputIs422WithFields() }
    func testWithBadInputIs422WithFields() throws {
        let response = h.call("POST", "\(exchanges)/test", json: #"{"exchange":"nope"}"#)
        #expect(response.status == 422)
        #expect(response.errorCode == ErrorCode.validationFailed.rawValue)
        let fields = try #require(response.error?["fields"] as? [String: String])
        #expect(fields["exchange"] != nil && fields["apiSecret"] != nil)
    }

    @Test(arguments: TestBackend.allCases)
    static func connectSavesSyncsAndAnswers201(_ backend: TestBackend) throws { try Self(backend).connectSavesSyncsAndAnswers201() }
    func connectSavesSyncsAndAnswers201() throws {
        let response = h.call("POST", "\(exchanges)/connect", json: h.credentials(h.account(.kucoin), label: "Main"))
        #expect(response.status == 201)
        let connection = try #require(response.json["connection"] as? [String: Any])
        #expect(connection["label"] as? String == "Main")
        #expect(connection["exchange"] as? String == "kucoin")
        #expect((response.json["holdingsCount"] as? Int ?? 0) > 0)
        #expect(!response.bodyText.contains(h.account(.kucoin).apiSecret))
    }

    /// Bad input never reaches the exchange: 422 with one message per field (unknown fields included).
    @Test(arguments: TestBackend.allCases, [
        (#"{"exchange":"kucoin"}"#, ["apiKey", "apiSecret", "passphrase"]),
        (#"{"exchange":"binance","apiKey":"k","apiSecret":"s","colour":"red"}"#, ["colour"]),
        (#"{"exchange":"okx","apiKey":"k","apiSecret":"s","passphrase":"p","region":"mars"}"#, ["region"]),
        (#"{"exchange":"nope","apiKey":"k","apiSecret":"s"}"#, ["exchange"]),
    ])
    static func connectWithBadInputIs422WithFields(_ backend: TestBackend, _ input: (String, [String])) throws {
        try Self(backend).connectWithBadInputIs422WithFields(body: input.0, fields: input.1)
    }
    func connectWithBadInputIs422WithFields(body: String, fields expected: [String]) throws {
        let before = ExchangeID.allCases.map { h.sandbox.state.stats($0).requests }
        let response = h.call("POST", "\(exchanges)/connect", json: body)
        #expect(response.status == 422)
        #expect(response.errorCode == ErrorCode.validationFailed.rawValue)
        let fields = try #require(response.error?["fields"] as? [String: String])
        #expect(Set(fields.keys) == Set(expected))
        #expect(ExchangeID.allCases.map { h.sandbox.state.stats($0).requests } == before)
    }

    @Test(arguments: TestBackend.allCases)
    static func connectWithCredentialsTheExchangeRefusesIs422WithItsCode(_ backend: TestBackend) throws { try Self(backend).connectWithCredentialsTheExchangeRefusesIs422WithItsCode() }
    func connectWithCredentialsTheExchangeRefusesIs422WithItsCode() throws {
        let response = h.call("POST", "\(exchanges)/connect", json: h.credentials(h.account(.kucoin), apiSecret: "wrong-secret"))
        #expect(response.status == 422)
        let code = try #require(response.errorCode)
        #expect(ErrorCode(rawValue: code)?.status == 422, "\(code)")
        #expect(code != ErrorCode.validationFailed.rawValue)
        #expect((h.call("GET", "\(exchanges)/connections").json["connections"] as? [Any])?.isEmpty == true)
    }

    @Test(arguments: TestBackend.allCases)
    static func connectingTheSameKeyTwiceIs409(_ backend: TestBackend) throws { try Self(backend).connectingTheSameKeyTwiceIs409() }
    func connectingTheSameKeyTwiceIs409() throws {
        _ = try h.connect(.kucoin)
        let response = h.call("POST", "\(exchanges)/connect", json: h.credentials(h.account(.kucoin)))
        #expect(response.status == 409)
        #expect(response.errorCode == ErrorCode.conflict.rawValue)
        // Another user may connect the same key: the check is per user.
        _ = try h.connect(.kucoin, as: h.bob)
    }

    @Test(arguments: TestBackend.allCases)
    static func connectAgainstAnUnavailableExchangeIs503WithRetryAfter(_ backend: TestBackend) throws { try Self(backend).connectAgainstAnUnavailableExchangeIs503WithRetryAfter() }
    func connectAgainstAnUnavailableExchangeIs503WithRetryAfter() throws {
        h.fault(.kucoin, Faults(serverError: 503))
        let response = h.call("POST", "\(exchanges)/connect", json: h.credentials(h.account(.kucoin)))
        #expect(response.status == 503)
        let code = try #require(response.errorCode)
        #expect(ErrorCode(rawValue: code)?.status == 503, "\(code)")
        #expect(response.header("Retry-After") != nil)
    }

    @Test(arguments: TestBackend.allCases)
    static func aServerThatRequiresReadOnlyKeysRefusesATradingKey(_ backend: TestBackend) throws { try Self(backend).aServerThatRequiresReadOnlyKeysRefusesATradingKey() }
    func aServerThatRequiresReadOnlyKeysRefusesATradingKey() throws {
        let strict = try HandlerHarness(backend: h.t.backend, extraEnvironment: ["HOLDFAST_REQUIRE_READ_ONLY_KEYS": "1"])
        let account = strict.account(.kucoin)
        #expect(strict.sandbox.state.apply(FixtureUpdate(apiKey: account.apiKey, canTrade: true), exchange: .kucoin))
        let response = strict.call("POST", "\(exchanges)/connect", json: strict.credentials(account))
        #expect(response.status == 422)
        #expect(response.errorCode == ErrorCode.readOnlyKeyRequired.rawValue)
    }
}
