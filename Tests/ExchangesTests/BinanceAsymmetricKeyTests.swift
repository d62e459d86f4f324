import Foundation
import Testing
import Primitives
@testable import Exchanges
import Sandbox
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The Binance client with Ed25519 and RSA keys against the in-process sandbox, which verifies with the
/// registered public key (exchanges.md §7.6) and answers a bad signature as Binance does (§1.4: 400, -1022).
struct BinanceAsymmetricKeyTests {
    @Test(arguments: [("Ed25519", ["BTC": "0.25", "SOL": "13"]), ("RSA", ["ETH": "1.75", "USDC": "320.5"])])
    func demoKeyReadsBalances(label: String, expected: [String: String]) async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.binance, label: label)
            #expect(account.publicKey != nil)
            let balances = try await h.client(account).fetchBalances()
            var totals: [String: String] = [:]
            for balance in balances { totals[balance.asset] = balance.total }
            #expect(totals == expected)
        }
    }

    /// The vector keys registered as a fixture account: the signer's output for each key type is accepted.
    @Test(arguments: ["ed25519", "rsa"])
    func vectorKeyIsAccepted(type: String) async throws {
        let fixture = Fixture(accounts: [FixtureAccount(
            exchange: .binance, apiKey: "bnTestKey0000000000000000000000000000000000000000000000000000001",
            apiSecret: BinanceVectorFile.key(type, "private_pkcs8_pem"),
            balances: [FixtureBalance(asset: "BTC", free: "1")],
            publicKey: BinanceVectorFile.key(type, "public_spki_pem_to_register_with_binance"))])
        try await SandboxHarness.run(fixture: fixture) { h in
            let balances = try await h.client(h.account(.binance)).fetchBalances()
            #expect(balances.map(\.asset) == ["BTC"])
        }
    }

    /// A private key that is not the registered one, or an HMAC secret for an asymmetric key: -1022.
    @Test(arguments: ["Ed25519", "RSA"])
    func wrongKeyIsInvalidSignature(label: String) async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.binance, label: label)
            let wrongSecrets = [
                BinanceVectorFile.key("ed25519", "private_pkcs8_pem"),
                BinanceVectorFile.key("rsa", "private_pkcs8_pem"),
                h.account(.binance, label: "read-only").apiSecret,
            ]
            for secret in wrongSecrets {
                let error = await exchangeError { _ = try await h.client(account, apiSecret: secret).fetchBalances() }
                #expect(error?.code == .invalidSignature)
                #expect(error?.detail == "-1022")
                // An asymmetric key is told it does not match the registered public key; HMAC keeps its text.
                let mentionsPair = error?.message.contains("public key registered") ?? false
                #expect(mentionsPair == secret.contains("PRIVATE KEY"))
            }
        }
    }

    /// An encrypted private key fails before any request is sent.
    @Test func encryptedKeyFailsBeforeAnyRequest() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.binance, label: "Ed25519")
            let error = await exchangeError {
                _ = try await h.client(account, apiSecret: BinanceVectorFile.key("ed25519", "encrypted_pkcs8_pem"))
                    .fetchBalances()
            }
            #expect(error?.code == .invalidKeyFormat)
            let accountCalls = try await h.count(.binance, path: "/api/v3/account")
            let timeCalls = try await h.count(.binance, path: "/api/v3/time")
            #expect(accountCalls == 0 && timeCalls == 0)
        }
    }

    /// The sandbox's own check: a base64 signature sent without percent-encoding (`+` read as a space) or
    /// with its case changed is refused, as Binance's case-sensitive check does.
    @Test func sandboxRefusesMisencodedSignatures() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.binance, label: "Ed25519")
            let key = try BinanceKey(secret: account.apiSecret)
            var attempts: [String] = []
            while attempts.count < 2 {
                let now = Int64(Date().timeIntervalSince1970 * 1000) + Int64(attempts.count)
                let payload = BinanceSigner.payload(BinanceSigner.accountParameters(timestampMs: now))
                let value = try BinanceSigner.signatureValue(payload: payload, key: key)
                let decoded = value.removingPercentEncoding ?? value
                // Only signatures whose base64 has a '+' or a letter tell the two cases apart.
                if decoded.contains("+") { attempts.append(payload + "&signature=" + decoded) }
                if attempts.count < 2, decoded != decoded.lowercased() {
                    attempts.append(payload + "&signature=" + value.lowercased())
                }
            }
            for query in attempts {
                var request = URLRequest(url: URL(string: h.sandbox.baseURL(for: .binance).absoluteString
                                                  + "/api/v3/account?" + query)!)
                request.setValue(account.apiKey, forHTTPHeaderField: "X-MBX-APIKEY")
                let (data, response) = try await URLSession.shared.data(for: request)
                #expect((response as? HTTPURLResponse)?.statusCode == 400)
                #expect(String(decoding: data, as: UTF8.self).contains("-1022"))
            }
        }
    }
}
