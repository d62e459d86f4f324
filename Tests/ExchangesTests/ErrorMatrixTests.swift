import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// Each error class, per exchange, as the sandbox answers with the real bodies.
struct ErrorMatrixTests {
    /// The code a client gets for `account` after applying account-level `faults`.
    private func code(
        _ exchange: ExchangeID, label: String? = nil, faults: Faults, timeout: TimeInterval = 10
    ) async throws -> ExchangeError? {
        try await SandboxHarness.run { h in
            let account = h.account(exchange, label: label)
            try await h.update(exchange, FixtureUpdate(apiKey: account.apiKey, faults: faults))
            let client = try h.client(account, timeout: timeout)
            return await exchangeError { _ = try await client.fetchBalances() }
        }
    }

    @Test(arguments: ExchangeID.allCases)
    func unknownKeyIsInvalidCredentials(exchange: ExchangeID) async throws {
        try await SandboxHarness.run { h in
            let account = h.account(exchange)
            let fakeKey = exchange == .coinbase ? "organizations/x/apiKeys/unknown" : "Zz" + String(account.apiKey.dropFirst(2))
            let error = await exchangeError { _ = try await h.client(account, apiKey: fakeKey).fetchBalances() }
            #expect(error?.code == .invalidCredentials)
            #expect(error?.exchange == exchange)
            let message = error?.message ?? ""
            #expect(message.contains(account.apiSecret) == false)
        }
    }

    @Test(arguments: [ExchangeID.coinbaseexchange, .kucoin, .okx])
    func wrongPassphrase(exchange: ExchangeID) async throws {
        try await SandboxHarness.run { h in
            let error = await exchangeError {
                _ = try await h.client(h.account(exchange), passphrase: "not-the-passphrase").fetchBalances()
            }
            #expect(error?.code == .invalidPassphrase)
        }
    }

    @Test(arguments: [
        (ExchangeID.binance, ExchangeError.Code.invalidSignature),
        (.coinbaseexchange, .invalidSignature),
        (.kraken, .invalidSignature),
        // KuCoin checks the HMAC'd passphrase (keyed by the secret) before the signature.
        (.kucoin, .invalidPassphrase),
        // Coinbase answers every JWT problem with a bare 401.
        (.coinbase, .invalidCredentials),
        // OKX sends the passphrase in clear, so only the signature shows a wrong secret (§A.3).
        (.okx, .invalidSignature),
        (.bitvavo, .invalidSignature),  // 309
        (.bybit, .invalidSignature),
    ])
    func wrongSecret(exchange: ExchangeID, expected: ExchangeError.Code) async throws {
        try await SandboxHarness.run { h in
            let account = h.account(exchange)
            let secret: String
            switch exchange {
            case .binance: secret = String(account.apiSecret.reversed())
            case .kucoin: secret = "00000000-0000-0000-0000-000000000000"
            case .coinbase: secret = h.account(.coinbase, label: "Ed25519").apiSecret
            case .okx: secret = VectorFile.credentials("kraken")["secret"]!.prefix(32).uppercased()
            case .bybit: secret = String(account.apiSecret.reversed())
            default: secret = VectorFile.credentials("kraken")["secret"]!
            }
            let error = await exchangeError { _ = try await h.client(account, apiSecret: secret).fetchBalances() }
            #expect(error?.code == expected)
        }
    }

    @Test(arguments: [
        (ExchangeID.binance, ExchangeError.Code.invalidCredentials),  // -2015 cannot tell permission from key
        (.coinbase, .permissionDenied), (.coinbaseexchange, .permissionDenied),
        (.kraken, .permissionDenied), (.kucoin, .permissionDenied), (.okx, .permissionDenied),
        (.bitvavo, .permissionDenied), (.bybit, .permissionDenied),
    ])
    func keyWithoutReadPermission(exchange: ExchangeID, expected: ExchangeError.Code) async throws {
        #expect(try await code(exchange, faults: Faults(noReadPermission: true))?.code == expected)
    }

    @Test(arguments: [
        (ExchangeID.binance, ExchangeError.Code.ipNotAllowed), (.coinbaseexchange, .ipNotAllowed),
        (.kucoin, .ipNotAllowed), (.okx, .ipNotAllowed), (.bitvavo, .ipNotAllowed), (.bybit, .ipNotAllowed),
        // Coinbase: bare 401; Kraken: permission error (both [A] in exchanges.md).
        (.coinbase, .invalidCredentials), (.kraken, .permissionDenied),
    ])
    func ipRestrictedKey(exchange: ExchangeID, expected: ExchangeError.Code) async throws {
        #expect(try await code(exchange, faults: Faults(ipRestricted: true))?.code == expected)
    }

    @Test(arguments: ExchangeID.allCases)
    func rateLimitedCarriesRetryAfter(exchange: ExchangeID) async throws {
        let error = try await code(exchange, faults: Faults(rateLimited: true, retryAfterSeconds: 7))
        #expect(error?.code == .rateLimited)
        // Kraken's body has no Retry-After; the client falls back to its counter decay time.
        #expect(error?.retryAfter == (exchange == .kraken ? 15 : 7))
    }

    @Test(arguments: ExchangeID.allCases)
    func serverErrorIsUnavailable(exchange: ExchangeID) async throws {
        #expect(try await code(exchange, faults: Faults(serverError: 503))?.code == .exchangeUnavailable)
    }

    @Test(arguments: ExchangeID.allCases)
    func htmlErrorPageIsUnavailable(exchange: ExchangeID) async throws {
        #expect(try await code(exchange, faults: Faults(htmlError: true))?.code == .exchangeUnavailable)
    }

    @Test(arguments: ExchangeID.allCases)
    func malformedJSONIsBadResponse(exchange: ExchangeID) async throws {
        #expect(try await code(exchange, faults: Faults(malformedJSON: true))?.code == .badResponse)
    }

    @Test(arguments: ExchangeID.allCases)
    func truncatedJSONIsBadResponse(exchange: ExchangeID) async throws {
        #expect(try await code(exchange, faults: Faults(truncatedJSON: true))?.code == .badResponse)
    }

    @Test(arguments: [ExchangeID.binance, .kraken, .okx, .bitvavo, .bybit])
    func hangingExchangeTimesOut(exchange: ExchangeID) async throws {
        // The sandbox would answer normally after 10 s; a `timeout` code proves the client gave up first.
        // (How long that took is not asserted: wall time on a loaded machine is not a test.)
        let error = try await code(exchange, faults: Faults(hangSeconds: 10), timeout: 1)
        #expect(error?.code == .timeout)
    }

    @Test func missingPassphraseIsRejectedBeforeAnyRequest() async throws {
        let credentials = Credentials(apiKey: "k", apiSecret: "s", passphrase: "  ")
        #expect(throws: ExchangeError.self) {
            try ExchangeClients.client(for: .kucoin, credentials: credentials, configuration: ExchangeConfiguration())
        }
        let description = Credentials(apiKey: "AKIDEXAMPLE1234", apiSecret: "SECRETVALUE", passphrase: "PASS").description
        #expect(description.contains("SECRETVALUE") == false)
        #expect(description.contains("PASS") == false)
        #expect(description.contains("AKIDEX"))
    }

    @Test func kucoinBadSignatureWithGoodPassphrase() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.kucoin)
            let timestamp = String(Int64(Date().timeIntervalSince1970 * 1000))
            var request = URLRequest(url: h.sandbox.baseURL(for: .kucoin).appendingPathComponent("api/v1/accounts"))
            request.setValue(account.apiKey, forHTTPHeaderField: "KC-API-KEY")
            request.setValue(timestamp, forHTTPHeaderField: "KC-API-TIMESTAMP")
            request.setValue(KuCoinSigner.passphrase(account.passphrase!, secret: account.apiSecret),
                             forHTTPHeaderField: "KC-API-PASSPHRASE")
            request.setValue("2", forHTTPHeaderField: "KC-API-KEY-VERSION")
            // Signed without the leading slash: the bytes signed differ from the bytes sent.
            request.setValue(KuCoinSigner.signature(timestamp: timestamp, method: "GET", endpoint: "api/v1/accounts",
                                                    secret: account.apiSecret), forHTTPHeaderField: "KC-API-SIGN")
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as! HTTPURLResponse).statusCode
            #expect(status == 401)
            let result = HTTPResult(status: status, headers: [:], body: data, sentAt: Date(), receivedAt: Date())
            #expect(KuCoinErrors.classify(result)?.code == .invalidSignature)

            // Without the version header the server compares the plaintext passphrase: 400004.
            request.setValue(nil, forHTTPHeaderField: "KC-API-KEY-VERSION")
            let (plain, _) = try await URLSession.shared.data(for: request)
            #expect(String(decoding: plain, as: UTF8.self).contains("400004"))
        }
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
