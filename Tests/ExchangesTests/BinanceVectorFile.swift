import Foundation

/// The §7–§12 known answers shipped in `Vectors/exchanges-7-12.json` (a verbatim copy of
/// `../shared/vectors/exchanges-7-12.json`; exchanges.md §12.1).
enum BinanceVectorFile {
    /// The parsed JSON document.
    // Read-only after the lazy initializer runs once.
    nonisolated(unsafe) static let document: [String: Any] = {
        let url = Bundle.module.url(forResource: "exchanges-7-12", withExtension: "json", subdirectory: "Vectors")!
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    /// One request vector of the `binance` list: payload, parameters in order, signatures per key type.
    struct Request {
        let id: String
        let parameters: [(String, String)]
        let payloadSigned: String
        let hmacSecret: String
        let signatures: [String: String]
        let raw: [String: Any]
    }

    /// The `binance` request vectors, in file order.
    static var requests: [Request] {
        (document["binance"] as! [[String: Any]]).map { entry in
            Request(id: entry["id"] as! String,
                    parameters: (entry["params_in_order"] as! [[String]]).map { ($0[0], $0[1]) },
                    payloadSigned: entry["payload_signed"] as! String,
                    hmacSecret: entry["hmac_secret"] as! String,
                    signatures: entry["signatures"] as! [String: String],
                    raw: entry)
        }
    }

    /// The request vector with `id`.
    static func request(_ id: String) -> Request { requests.first { $0.id == id }! }

    /// `binance_keys.<type>.<field>` (type `ed25519` or `rsa`).
    static func key(_ type: String, _ field: String) -> String {
        ((document["binance_keys"] as! [String: Any])[type] as! [String: Any])[field] as! String
    }
}
