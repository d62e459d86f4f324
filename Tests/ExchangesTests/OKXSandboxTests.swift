import Exchanges
import Foundation
import Primitives
import Testing
@testable import Sandbox
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The OKX simulator's own checks (`OKXSignatureCheck`, `OKXSimulator`) against the vector file and raw requests
/// built here from the documented algorithm (exchanges-okx-bybit-bitvavo.md §A.2–§A.6), never with the client's
/// signer: each refusal must come with OKX's code.
struct OKXSandboxTests {
    @Test func vectorSignaturesVerifyAndOneByteChangesAreRefused() {
        let secret = ExchangeVectorFile.credentials("okx")["secret"]!
        let checks = ExchangeVectorFile.vector("okx")["checks"] as! [[String: Any]]
        let timestamp = "2023-11-14T22:13:20.000Z"
        for check in checks {
            let signed = check["string_to_sign"] as! String
            let path = String(signed.dropFirst((timestamp + "GET").count))
            let signature = check["ccxt_OK-ACCESS-SIGN"] as! String
            #expect(OKXSignatureCheck.isValidSignature(signature, timestamp: timestamp, method: "GET", requestPath: path,
                                                       body: [], secret: secret))
            #expect(!OKXSignatureCheck.isValidSignature(signature, timestamp: timestamp, method: "GET",
                                                        requestPath: path + "x", body: [], secret: secret))
            #expect(!OKXSignatureCheck.isValidSignature(signature, timestamp: "2023-11-14T22:13:20.001Z", method: "GET",
                                                        requestPath: path, body: [], secret: secret))
            #expect(!OKXSignatureCheck.isValidSignature(signature, timestamp: timestamp, method: "GET", requestPath: path,
                                                        body: Array(" ".utf8), secret: secret))
            #expect(!OKXSignatureCheck.isValidSignature(signature, timestamp: timestamp, method: "GET", requestPath: path,
                                                        body: [], secret: secret.lowercased()))
        }
    }

    /// `sign` computed here: base64 HMAC-SHA256 over the prehash, keyed with the secret's text.
    private func sign(_ prehash: String, _ secret: String) -> String {
        Base64.encode(HMAC.authenticationCode(.sha256, for: prehash, using: secret))
    }

    /// A raw signed GET of `path` under `prefix` (a region's path on the sandbox), with `timestamp` and extras.
    private func get(_ h: SandboxHarness, prefix: String = "", path: String, account: FixtureAccount,
                     timestamp: String, signedPath: String? = nil, extra: [String: String] = [:]) async throws -> (Int, String) {
        let base = h.sandbox.baseURL(for: .okx).absoluteString
        var request = URLRequest(url: URL(string: base + prefix + path)!)
        request.setValue(account.apiKey, forHTTPHeaderField: "OK-ACCESS-KEY")
        request.setValue(timestamp, forHTTPHeaderField: "OK-ACCESS-TIMESTAMP")
        request.setValue(account.passphrase, forHTTPHeaderField: "OK-ACCESS-PASSPHRASE")
        request.setValue(sign(timestamp + "GET" + (signedPath ?? path), account.apiSecret), forHTTPHeaderField: "OK-ACCESS-SIGN")
        for (name, value) in extra { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    private func now(offsetMs: Int64 = 0) -> String {
        let ms = Int64(Date().timeIntervalSince1970 * 1000) + offsetMs
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    @Test func refusalsCarryOKXCodes() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.okx)
            let path = "/api/v5/account/balance"
            let ok = try await get(h, path: path, account: account, timestamp: now())
            #expect(ok.0 == 200 && ok.1.contains(#""code":"0""#))
            // Unix milliseconds instead of ISO 8601 (§A.3, §A.9).
            let unix = try await get(h, path: path, account: account, timestamp: String(Int64(Date().timeIntervalSince1970 * 1000)))
            #expect(unix.0 == 401 && unix.1.contains(#""code":"50112""#))
            // 31 s old: beyond the ±30 s window (§A.4).
            let old = try await get(h, path: path, account: account, timestamp: now(offsetMs: -31_000))
            #expect(old.0 == 401 && old.1.contains(#""code":"50102""#))
            // A live key with the demo header (§A.2).
            let demo = try await get(h, path: path, account: account, timestamp: now(), extra: ["x-simulated-trading": "1"])
            #expect(demo.0 == 401 && demo.1.contains(#""code":"50101""#))
            // Wrong passphrase, then a signature over other bytes.
            var wrong = account
            wrong.passphrase = "nope"
            let passphrase = try await get(h, path: path, account: wrong, timestamp: now())
            #expect(passphrase.0 == 401 && passphrase.1.contains(#""code":"50105""#))
            let signature = try await get(h, path: path, account: account, timestamp: now(), signedPath: path + "?ccy=BTC")
            #expect(signature.0 == 401 && signature.1.contains(#""code":"50113""#) && signature.1.contains(#""data":[]"#))
            // The key on another region's host: 401 50119, with the body OKX sends (§A.2).
            let eea = try await get(h, prefix: "/eea", path: path, account: account, timestamp: now())
            #expect(eea.0 == 401 && eea.1.contains(#""code":"50119""#) && eea.1.contains("API key doesn't exist"))
        }
    }

    /// On a regional host the signature covers the API path, never the `/eea` prefix of the base URL.
    @Test func regionalHostChecksTheSignatureWithoutItsPrefix() async throws {
        try await SandboxHarness.run { h in
            var account = h.account(.okx)
            account.region = "eea"
            try await h.update(.okx, FixtureUpdate(account: account))
            let path = "/api/v5/asset/balances"
            let good = try await get(h, prefix: "/eea", path: path, account: account, timestamp: now())
            #expect(good.0 == 200 && good.1.contains(#""ccy":"BETH""#))
            let prefixed = try await get(h, prefix: "/eea", path: path, account: account, timestamp: now(),
                                         signedPath: "/eea" + path)
            #expect(prefixed.0 == 401 && prefixed.1.contains(#""code":"50113""#))
            let global = try await get(h, path: path, account: account, timestamp: now())
            #expect(global.1.contains(#""code":"50119""#))
        }
    }
}
