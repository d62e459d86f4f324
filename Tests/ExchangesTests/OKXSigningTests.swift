import Foundation
import Testing
@testable import Exchanges
@testable import Sandbox

/// OKX signing known answers (exchanges-okx-bybit-bitvavo.md §A.3, §D): D4, D6 and every OKX request of the
/// vector file, on every host; and the ISO 8601 timestamp, checked against the sandbox's own parser.
struct OKXSigningTests {
    @Test func documentationInputsVectorD4() {
        #expect(OKXSigner.signature(timestamp: "2020-12-08T09:08:57.715Z", method: "GET",
                                    requestPath: "/api/v5/account/balance?ccy=BTC",
                                    secret: "22582BD0CFF14C41EDBF1AB98506286D")
            == "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=")
    }

    @Test func handVectorD6() throws {
        let hand = ExchangeVectorFile.vector("okx")["hand_vector"] as! [String: Any]
        let inputs = hand["inputs"] as! [String: String]
        #expect(inputs["secret"] == "2D072B4696494744FD572D73CA700969")
        #expect(OKXSigner.signature(timestamp: inputs["timestamp"]!, method: inputs["method"]!,
                                    requestPath: inputs["requestPath"]!, body: inputs["body"]!, secret: inputs["secret"]!)
            == "kHQtU51FLXg/SCWpUmDzwjKTvl4IpqB4BcI8dVi4myo=")
        #expect(hand["OK-ACCESS-SIGN"] as? String == "kHQtU51FLXg/SCWpUmDzwjKTvl4IpqB4BcI8dVi4myo=")
    }

    /// Every request ccxt signed (flows, direct calls, the demo request): our headers equal ccxt's, the
    /// passphrase in clear, the signature over path and query only.
    @Test func everyVectorRequest() throws {
        let credentials = ExchangeVectorFile.credentials("okx")
        let requests = ExchangeVectorFile.requests("okx")
        #expect(requests.count == 7)
        for request in requests {
            let url = try #require(URL(string: request.url))
            let requestPath = url.path + (url.query.map { "?" + $0 } ?? "")
            let headers = OKXSigner.headers(apiKey: credentials["apiKey"]!, secret: credentials["secret"]!,
                                            passphrase: credentials["password"]!,
                                            timestamp: OKXSigner.timestamp(milliseconds: 1_700_000_000_000),
                                            method: "GET", requestPath: requestPath)
            for name in ["OK-ACCESS-KEY", "OK-ACCESS-SIGN", "OK-ACCESS-TIMESTAMP", "OK-ACCESS-PASSPHRASE"] {
                #expect(headers[name] == request.headers[name], "\(name) of \(request.url)")
            }
        }
        // The demo request differs only by its header (§A.2).
        let demo = ExchangeVectorFile.vector("okx")["demo_request"] as! [String: Any]
        #expect((demo["headers"] as! [String: String])["x-simulated-trading"] == "1")
    }

    /// The `checks` list: string to sign and signature, including the comma ccxt percent-encodes.
    @Test func everyCheck() {
        let secret = ExchangeVectorFile.credentials("okx")["secret"]!
        let checks = ExchangeVectorFile.vector("okx")["checks"] as! [[String: Any]]
        #expect(checks.count == 6)
        for check in checks {
            let signed = check["string_to_sign"] as! String
            let prefix = "2023-11-14T22:13:20.000ZGET"
            #expect(signed.hasPrefix(prefix))
            #expect(OKXSigner.signature(timestamp: "2023-11-14T22:13:20.000Z", method: "get",
                                        requestPath: String(signed.dropFirst(prefix.count)), secret: secret)
                == (check["ccxt_OK-ACCESS-SIGN"] as! String))
        }
    }

    /// www, eea and us hosts: the same signature, because the host is never signed (§D `regional_hosts`).
    @Test func regionalHostsSignIdentically() throws {
        let regional = ExchangeVectorFile.vector("okx")["regional_hosts"] as! [String: [String: String]]
        #expect(Set(regional.keys) == ["okx", "myokx", "okxus"])
        let secret = ExchangeVectorFile.credentials("okx")["secret"]!
        for (_, entry) in regional {
            let url = try #require(URL(string: entry["url"]!))
            #expect(OKXSigner.signature(timestamp: "2023-11-14T22:13:20.000Z", method: "GET", requestPath: url.path,
                                        secret: secret) == entry["OK-ACCESS-SIGN"])
        }
        let hosts = Set(regional.values.compactMap { URL(string: $0["url"]!)?.host })
        let known = Set(ExchangeID.okx.info.regions.compactMap { $0.productionURL.host })
        #expect(hosts == known)
    }

    @Test(arguments: [
        (Int64(1_700_000_000_000), "2023-11-14T22:13:20.000Z"), (1_607_418_537_715, "2020-12-08T09:08:57.715Z"),
        (0, "1970-01-01T00:00:00.000Z"), (1, "1970-01-01T00:00:00.001Z"), (-1, "1969-12-31T23:59:59.999Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"), (4_107_542_399_999, "2100-02-28T23:59:59.999Z"),
        (1_709_251_199_050, "2024-02-29T23:59:59.050Z"), (7_258_118_400_000, "2200-01-01T00:00:00.000Z"),
    ])
    func timestampFormat(milliseconds: Int64, text: String) {
        #expect(OKXSigner.timestamp(milliseconds: milliseconds) == text)
    }

    /// The client's formatter and the sandbox's parser (written separately) agree on every millisecond of a
    /// pseudo-random walk over two centuries; the parser refuses the forms OKX refuses (50112).
    @Test func timestampRoundTripsThroughTheSandboxParser() {
        var ms: Int64 = ServerClock.earliestServerTimeMs
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        while ms < ServerClock.latestServerTimeMs {
            #expect(OKXSignatureCheck.milliseconds(OKXSigner.timestamp(milliseconds: ms)) == ms)
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            ms += Int64(state >> 33) % 90_000_000_000 + 1
        }
        for bad in ["1700000000000", "2023-11-14T22:13:20Z", "2023-11-14T22:13:20.00Z", "2023-11-14T22:13:20.0000Z",
                    "2023-11-14T23:13:20.000+01:00", "2023-11-14 22:13:20.000Z", "2023-13-14T22:13:20.000Z",
                    "2023-11-14T22:13:20.000z", ""] {
            #expect(OKXSignatureCheck.milliseconds(bad) == nil, "\(bad)")
        }
    }
}
