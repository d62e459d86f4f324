import Foundation

/// Kraken's asset list, `GET /0/public/Assets` (exchanges.md §8.2): the ids and altnames that are real assets,
/// which `KrakenAssetID` needs to tell a lock-up id (`DOT28.S`) from a ticker that ends in digits (`API3`).
///
/// Read only when a balance id cannot be settled without it; `KrakenAssetCache` keeps it for ten minutes.
enum KrakenAssetCatalog {
    private struct Envelope: Decodable {
        struct Info: Decodable { let altname: String? }
        let result: [String: Info]?
    }

    /// Every asset id and altname Kraken lists, uppercased. Errors are classified as for any Kraken call; an
    /// answer without `result` is `bad_response` (an empty asset list is not a real answer).
    static func knownCodes(configuration: ExchangeConfiguration) async throws -> Set<String> {
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(configuration.baseURL(for: .kraken), path: "/0/public/Assets"),
            cost: configuration.cost(.krakenPublic, weight: 1))
        if let error = KrakenErrors.classify(result) { throw error }
        guard let assets = try ResponseSupport.decode(Envelope.self, from: result, exchange: .kraken).result else {
            throw ExchangeError(.badResponse, exchange: .kraken, detail: "asset list without result")
        }
        var codes = Set<String>()
        for (id, info) in assets {
            codes.insert(id.uppercased())
            if let altname = info.altname { codes.insert(altname.uppercased()) }
        }
        return codes
    }
}

/// `KrakenAssetCatalog.knownCodes` remembered per configuration for `maxAge`: the list is the same for every
/// key, and Kraken's public limit is about one call per second per IP (exchanges.md §11.2), so a timer run
/// over many Kraken connections must not read it once per connection. Concurrent first reads share one request.
actor KrakenAssetCache {
    /// The process-wide cache.
    static let shared = KrakenAssetCache()
    /// How long a read list is used: new assets are rare, and an id missing from a stale list only makes a
    /// lock-up id read as its own asset until the next refresh.
    static let maxAge: TimeInterval = 600

    private var entries: [String: (codes: Set<String>, readAt: Date)] = [:]
    private var loading: [String: Task<Set<String>, Error>] = [:]

    /// The known codes for `configuration`, read through `KrakenAssetCatalog.knownCodes` when missing or older
    /// than `maxAge`. A failed read is not remembered.
    func knownCodes(configuration: ExchangeConfiguration) async throws -> Set<String> {
        let key = configuration.clockKey(for: .kraken)
        if let entry = entries[key], Date().timeIntervalSince(entry.readAt) < Self.maxAge { return entry.codes }
        let task = loading[key] ?? Task { try await KrakenAssetCatalog.knownCodes(configuration: configuration) }
        loading[key] = task
        defer { loading[key] = nil }
        let codes = try await task.value
        entries[key] = (codes, Date())
        return codes
    }
}
