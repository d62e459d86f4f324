import Foundation

/// The Bybit part of `Vectors/okx-bybit-bitvavo.json` (exchanges-okx-bybit-bitvavo.md §D): ccxt-derived signed
/// requests with fake credentials and a frozen clock, every one re-derived independently.
enum BybitVectorFile {
    /// The parsed JSON document.
    // Read-only after the lazy initializer runs once.
    nonisolated(unsafe) static let document: [String: Any] = {
        let url = Bundle.module.url(forResource: "okx-bybit-bitvavo", withExtension: "json", subdirectory: "Vectors")!
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    /// The Bybit vector entry.
    static var vector: [String: Any] {
        (document["vectors"] as! [[String: Any]]).first { $0["exchange"] as? String == "bybit" }!
    }

    /// The fake Bybit credentials (`apiKey`, `secret`).
    static var credentials: [String: String] {
        (document["credentials_FAKE"] as! [String: Any])["bybit"] as! [String: String]
    }

    /// Every signed request the entry records (both flows and the direct requests), as (url, headers).
    static var requests: [(url: String, headers: [String: String])] {
        var all: [[String: Any]] = []
        for flow in ["flow_unified", "flow_funding"] {
            all += ((vector[flow] as! [String: Any])["requests"] as! [[String: Any]])
        }
        all += (vector["direct_requests"] as! [String: Any]).values.map { $0 as! [String: Any] }
        return all.map { ($0["url"] as! String, $0["headers"] as! [String: String]) }
    }
}
