import Foundation

/// The ccxt-derived known answers shipped in `Vectors/ccxt-signed-requests.json`.
enum VectorFile {
    /// The parsed JSON document.
    // Read-only after the lazy initializer runs once.
    nonisolated(unsafe) static let document: [String: Any] = {
        let url = Bundle.module.url(forResource: "ccxt-signed-requests", withExtension: "json", subdirectory: "Vectors")!
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    /// The vector entries for `exchange`, in file order.
    static func vectors(_ exchange: String) -> [[String: Any]] {
        (document["vectors"] as! [[String: Any]]).filter { $0["exchange"] as? String == exchange }
    }

    /// The fake credentials for `exchange`.
    static func credentials(_ exchange: String) -> [String: String] {
        (document["credentials_FAKE"] as! [String: Any])[exchange] as! [String: String]
    }
}
