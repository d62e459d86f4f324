import Foundation

/// What a value point's total is made of (the `detail` JSON of `value_points`, migration 0010): per-exchange
/// subtotals (exchange id → decimal text in the point's currency), the connections whose balances were stale,
/// whose last sync failed or that are paused (connection ids), and how many assets were unpriced or valued from
/// a stale quote. Encoded with sorted keys, so equal details are equal text.
struct ValuePointDetail: Sendable, Equatable, Codable {
    var exchanges: [String: String] = [:]
    var stale: [String] = []
    var failed: [String] = []
    var paused: [String] = []
    var unpricedCount = 0
    var staleCount = 0

    /// The JSON stored in `value_points.detail`.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The detail stored as `json`, nil when it is not one.
    static func decode(_ json: String) -> ValuePointDetail? {
        try? JSONDecoder().decode(ValuePointDetail.self, from: Data(json.utf8))
    }
}
