import Foundation
import Testing
@testable import Exchanges

/// Bybit HMAC signing against the known answers of exchanges-okx-bybit-bitvavo.md §D (D7 and every Bybit request
/// of the vector file), and the local refusal of RSA keys.
struct BybitSigningTests {
    @Test func handVectorD7() {
        #expect(BybitSigner.signature(timestamp: "1700000000000", apiKey: "FAKEBYBITKEY000001", recvWindow: "5000",
                                      query: "accountType=UNIFIED", secret: "FAKEBYBITSECRET000000000000000000001")
            == "1d5405dcaa35e7f9a256233ab915b67c9e18a584cb91454d0eb6d8b452865b3c")
    }

    /// Each recorded request: the signature over its query (ccxt's bare trailing `?` signs an empty query), and
    /// the other headers as Holdfast sends them.
    @Test func everyRecordedRequest() throws {
        let credentials = ExchangeVectorFile.credentials("bybit")
        let requests = ExchangeVectorFile.requests("bybit")
        #expect(requests.count == 10)
        for (url, headers) in requests {
            let query = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().first
                .map(String.init) ?? ""
            let ours = BybitSigner.headers(
                timestamp: headers["X-BAPI-TIMESTAMP"]!, query: query,
                credentials: Credentials(apiKey: credentials["apiKey"]!, apiSecret: credentials["secret"]!))
            #expect(ours["X-BAPI-SIGN"] == headers["X-BAPI-SIGN"], "\(url)")
            #expect(ours["X-BAPI-API-KEY"] == headers["X-BAPI-API-KEY"])
            #expect(ours["X-BAPI-RECV-WINDOW"] == headers["X-BAPI-RECV-WINDOW"])
            #expect(ours["X-BAPI-TIMESTAMP"] == headers["X-BAPI-TIMESTAMP"])
        }
    }

    /// The file's own checks: the signed string and both signatures.
    @Test func vectorChecks() {
        let secret = ExchangeVectorFile.credentials("bybit")["secret"]!
        let checks = ExchangeVectorFile.vector("bybit")["checks"] as! [[String: Any]]
        #expect(checks.count == 10)
        for check in checks {
            let signed = check["string_to_sign"] as! String
            let query = String(signed.dropFirst("1700000000000FAKEBYBITKEY0000015000".count))
            #expect(BybitSigner.signature(timestamp: "1700000000000", apiKey: "FAKEBYBITKEY000001", query: query,
                                          secret: secret) == (check["ccxt_X-BAPI-SIGN"] as! String))
        }
    }

    /// Holdfast sends no `?` for a parameterless GET (§B.3): the URL built is the path alone.
    @Test func noQuestionMarkWithoutQuery() throws {
        let url = try ResponseSupport.url(URL(string: "https://api.bybit.com")!, path: "/v5/user/query-api", query: "")
        #expect(url.absoluteString == "https://api.bybit.com/v5/user/query-api")
        // A regional base URL's path prefix stays in the URL but never in what is signed.
        let regional = try ResponseSupport.url(URL(string: "http://127.0.0.1:1/nl")!, path: "/v5/account/info")
        #expect(regional.absoluteString == "http://127.0.0.1:1/nl/v5/account/info")
    }

    @Test(arguments: [
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----",
    ])
    func rsaKeyIsRefusedBeforeAnyRequest(secret: String) async throws {
        // Nothing listens on port 9: a request would fail with exchange_unavailable, not invalid_key_format.
        let configuration = ExchangeConfiguration(baseURLs: [.bybit: URL(string: "http://127.0.0.1:9")!], timeout: 2)
        let client = try ExchangeClients.client(for: .bybit, credentials: Credentials(apiKey: "k", apiSecret: secret),
                                                configuration: configuration)
        for call in [{ _ = try await client.readBalances() }, { _ = try await client.permissions() }] as
            [@Sendable () async throws -> Void] {
            let error = await exchangeError(call)
            #expect(error?.code == .invalidKeyFormat)
            #expect(error?.message.contains("System-generated") == true)
            #expect(error?.message.contains("MII") == false)
        }
    }
}
