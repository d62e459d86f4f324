import Foundation
import Testing
@testable import Exchanges
@testable import Sandbox

/// The Bitvavo entries of `Vectors/okx-bybit-bitvavo.json` (exchanges-okx-bybit-bitvavo.md §D).
private enum BitvavoVectors {
    static var entry: [String: Any] { ExchangeVectorFile.vector("bitvavo") }
    static var credentials: [String: String] { ExchangeVectorFile.credentials("bitvavo") }
    static var requests: [(url: String, headers: [String: String])] { ExchangeVectorFile.requests("bitvavo") }

    /// The signed target of a production URL: `/v2/...?query`.
    static func target(_ url: String) -> String { String(url.dropFirst("https://api.bitvavo.com".count)) }
}

struct BitvavoVectorTests {
    /// D1 (REST docs) and D2 (RFQ docs): the only published vectors that reproduce (§D).
    @Test func documentationVectors() {
        #expect(BitvavoSigner.signature(
            timestamp: "1548172481125", method: "POST", path: "/v2/order",
            body: #"{"market":"BTC-EUR","side":"buy","price":"5000","amount":"1.23","orderType":"limit"}"#,
            secret: "bitvavo") == "44d022723a20973a18f7ee97398b9fdd405d2d019c8d39e24b8cc0dcb39ca016")
        #expect(BitvavoSigner.signature(timestamp: "1548172481125", method: "GET", path: "/v2/rfq/trades",
                                        secret: "bitvavo")
            == "5cabebe6735355a6e359bebc4a3c9ceef649afa455b7cf6cc11af65627cb99f3")
    }

    /// D3 is a documentation bug (§C.8, §D): the WebSocket page's published value is no encoding of the
    /// documented algorithm. We check our signer gives the file's recomputed hex, and that it is not the
    /// published text, so nobody "fixes" the signer to match the bug.
    @Test func websocketDocsValueIsADocsBug() throws {
        let d3 = try #require((BitvavoVectors.entry["docs_vectors"] as! [[String: Any]]).first { $0["match"] as? Bool == false })
        let ours = BitvavoSigner.signature(timestamp: "1548175200641", method: "GET", path: "/v2/websocket", secret: "bitvavo")
        #expect(ours == d3["computed"] as? String)
        #expect(ours != d3["published"] as? String)
    }

    /// D8 and every ccxt request in the file: signature and all four headers (names case-insensitive,
    /// window 10000), from the same inputs.
    @Test func everyCCXTRequestIsReproduced() throws {
        let requests = BitvavoVectors.requests
        #expect(requests.count == 4)
        let key = BitvavoVectors.credentials["apiKey"]!, secret = BitvavoVectors.credentials["secret"]!
        for request in requests {
            let ours = BitvavoSigner.headers(apiKey: key, secret: secret, timestampMs: 1_700_000_000_000,
                                             method: "GET", path: BitvavoVectors.target(request.url))
            let lowered = { (h: [String: String]) in Dictionary(uniqueKeysWithValues: h.map { ($0.key.lowercased(), $0.value) }) }
            #expect(lowered(ours) == lowered(request.headers), "\(request.url)")
        }
        let hand = try #require(BitvavoVectors.entry["hand_vector"] as? [String: Any])
        #expect(BitvavoSigner.signature(timestamp: "1700000000000", method: "GET", path: "/v2/balance", secret: secret)
            == hand["Bitvavo-Access-Signature"] as? String)
    }

    /// The sandbox's own check accepts every vector and refuses a one-character change of each input.
    @Test func sandboxCheckAgreesWithTheVectors() throws {
        let secret = BitvavoVectors.credentials["secret"]!
        for check in BitvavoVectors.entry["checks"] as! [[String: Any]] {
            let target = BitvavoVectors.target(check["url"] as! String)
            let signature = check["ccxt_BITVAVO-ACCESS-SIGNATURE"] as! String
            #expect(BitvavoSignatureCheck.hasValidShape(signature))
            #expect(BitvavoSignatureCheck.isValid(signature, timestamp: "1700000000000", method: "GET", target: target,
                                                  body: [], secret: secret))
            #expect(!BitvavoSignatureCheck.isValid(signature, timestamp: "1700000000001", method: "GET", target: target,
                                                   body: [], secret: secret))
            #expect(!BitvavoSignatureCheck.isValid(signature, timestamp: "1700000000000", method: "GET",
                                                   target: String(target.dropFirst(3)), body: [], secret: secret))
            #expect(!BitvavoSignatureCheck.isValid(signature, timestamp: "1700000000000", method: "GET", target: target,
                                                   body: Array("{}".utf8), secret: secret))
            #expect(!BitvavoSignatureCheck.isValid(signature.uppercased(), timestamp: "1700000000000", method: "GET",
                                                   target: target, body: [], secret: secret))
        }
        #expect(!BitvavoSignatureCheck.hasValidShape(String(repeating: "a", count: 63)))
        #expect(!BitvavoSignatureCheck.hasValidShape(String(repeating: "g", count: 64)))
    }
}
