import Exchanges
import Foundation

/// The sandbox's `GET /0/public/Assets` (exchanges.md §8.2): a slice of Kraken's real list plus every unsuffixed
/// id a Kraken fixture account holds, in Kraken's shape `{id: {aclass, altname, decimals, display_decimals,
/// collateral_value, status}}`. Suffixed ids are listed with `altname` equal to the id, as Kraken does; lock-up
/// stems such as `DOT28` are not assets of their own.
enum KrakenAssetList {
    /// `(id, altname)` of the currency class.
    static let currencies: [(String, String)] = [
        ("XXBT", "XBT"), ("XETH", "ETH"), ("XXDG", "XDG"), ("XLTC", "LTC"), ("XXRP", "XRP"), ("XXTZ", "XTZ"),
        ("ZUSD", "USD"), ("ZEUR", "EUR"), ("ZGBP", "GBP"), ("CHF", "CHF"), ("USDT", "USDT"), ("USDC", "USDC"),
        ("ADA", "ADA"), ("DOT", "DOT"), ("SOL", "SOL"), ("ATOM", "ATOM"), ("KSM", "KSM"), ("GRT", "GRT"),
        ("KAVA", "KAVA"), ("FLOW", "FLOW"), ("API3", "API3"), ("1INCH", "1INCH"), ("ZRX", "ZRX"), ("XCN", "XCN"),
        ("ETH2", "ETH2"), ("KFEE", "FEE"),
        ("ETH2.S", "ETH2.S"), ("DOT.S", "DOT.S"), ("ATOM.S", "ATOM.S"), ("SOL.S", "SOL.S"), ("XBT.M", "XBT.M"),
        ("DOT28.S", "DOT28.S"), ("SOL03.S", "SOL03.S"), ("ATOM21.S", "ATOM21.S"), ("USD.HOLD", "USD.HOLD"),
    ]

    /// `(id, altname)` of the `tokenized_asset` class (xStocks), listed only when asked for that class.
    static let tokenized: [(String, String)] = [("AAPLx", "AAPLx"), ("TSLAx", "TSLAx")]

    /// The answer for `query` (`aclass=tokenized_asset` selects xStocks), given the ids fixture accounts hold.
    static func response(query: String, heldIDs: [String]) -> ServerResponse {
        let aclass = ServerRequest.parameters(query)["aclass"] ?? "currency"
        var entries = aclass == "tokenized_asset" ? tokenized : currencies
        if aclass == "currency" {
            let listed = Set(entries.map(\.0))
            for id in heldIDs where !id.contains(".") && !listed.contains(id) { entries.append((id, id)) }
        }
        var result: [String: Any] = [:]
        for (id, altname) in entries {
            result[id] = ["aclass": aclass, "altname": altname, "decimals": 10, "display_decimals": 5,
                          "status": "enabled"]
        }
        return .json(200, object: ["error": [String](), "result": result])
    }
}
