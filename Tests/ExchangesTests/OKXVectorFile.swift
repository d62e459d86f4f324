import Foundation

/// The OKX entry of `Vectors/okx-bybit-bitvavo.json` (exchanges-okx-bybit-bitvavo.md §D): ccxt-signed requests
/// with fake credentials at the frozen time 1700000000000 ms, plus the hand and docs-input vectors.
enum OKXVectorFile {
    /// The parsed document.
    // Read-only after the lazy initializer runs once.
    nonisolated(unsafe) static let document: [String: Any] = {
        let url = Bundle.module.url(forResource: "okx-bybit-bitvavo", withExtension: "json", subdirectory: "Vectors")!
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    /// The OKX vector entry.
    static var vector: [String: Any] {
        (document["vectors"] as! [[String: Any]]).first { $0["exchange"] as? String == "okx" }!
    }

    /// The fake OKX credentials: `apiKey`, `secret`, `password` (the passphrase).
    static var credentials: [String: String] {
        (document["credentials_FAKE"] as! [String: Any])["okx"] as! [String: String]
    }

    /// Every signed request in the entry: the `flow_*` requests, the direct requests and the demo request, each
    /// as (URL, headers).
    static var requests: [(url: String, headers: [String: String])] {
        var all: [[String: Any]] = []
        for (name, value) in vector where name.hasPrefix("flow_") {
            all += (value as! [String: Any])["requests"] as! [[String: Any]]
        }
        all += ((vector["direct_requests"] as! [String: Any]).values.map { $0 as! [String: Any] })
        all.append(vector["demo_request"] as! [String: Any])
        return all.map { ($0["url"] as! String, $0["headers"] as! [String: String]) }
    }
}
