import Foundation

/// Kraken's asset list, `GET /0/public/Assets` (exchanges.md §8.2): the ids and altnames that are real assets,
/// which `KrakenAssetID` needs to tell a lock-up id (`DOT28.S`) from a ticker that ends in digits (`API3`).
///
/// Read only when a balance id cannot be settled without it, and not cached: one public call per sync at most.
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
