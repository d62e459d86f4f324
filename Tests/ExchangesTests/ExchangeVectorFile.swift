import Foundation

/// `Vectors/okx-bybit-bitvavo.json` (exchanges-okx-bybit-bitvavo.md §D): per exchange, ccxt-signed requests with
/// fake credentials at the frozen time 1700000000000 ms, every one re-derived independently, plus the docs and
/// hand vectors.
enum ExchangeVectorFile {
    /// The parsed document.
    // Read-only after the lazy initializer runs once.
    nonisolated(unsafe) static let document: [String: Any] = {
        let url = Bundle.module.url(forResource: "okx-bybit-bitvavo", withExtension: "json", subdirectory: "Vectors")!
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    /// The vector entry of `exchange` ("okx", "bybit", "bitvavo").
    static func vector(_ exchange: String) -> [String: Any] {
        (document["vectors"] as! [[String: Any]]).first { $0["exchange"] as? String == exchange }!
    }

    /// The fake credentials of `exchange`: `apiKey`, `secret`, and for OKX `password` (the passphrase).
    static func credentials(_ exchange: String) -> [String: String] {
        (document["credentials_FAKE"] as! [String: Any])[exchange] as! [String: String]
    }

    /// Every signed request of `exchange`'s entry: each `flow_*`'s requests, the direct requests and the demo
    /// request where there is one, as (URL, headers).
    static func requests(_ exchange: String) -> [(url: String, headers: [String: String])] {
        let entry = vector(exchange)
        var all: [[String: Any]] = []
        for (name, value) in entry where name.hasPrefix("flow_") {
            all += (value as! [String: Any])["requests"] as! [[String: Any]]
        }
        all += (entry["direct_requests"] as! [String: Any]).values.map { $0 as! [String: Any] }
        if let demo = entry["demo_request"] as? [String: Any] { all.append(demo) }
        return all.map { ($0["url"] as! String, $0["headers"] as! [String: String]) }
    }
}
