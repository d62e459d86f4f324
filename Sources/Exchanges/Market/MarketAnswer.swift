import Foundation

/// Reading public market-data answers row by row, shared by the `MarketDataClient`s.
///
/// Answers are parsed with `JSONSerialization` rather than `Decodable`: one row of a wrong type (a `null`
/// price, a number where a string belongs) must skip that row, not fail the whole ticker, and each row is kept
/// as the `raw` text of its quote. The body is already bounded by the transport (`HTTPTransport.maximumBodyBytes`),
/// and a number token too long to be exact is refused before parsing (`ResponseSupport.hasOverlongNumber`), so a
/// hostile answer costs at most one linear pass per row.
enum MarketAnswer {
    /// Longest `raw` text kept per quote, in bytes (the `MarketQuote.raw` contract: 1 KiB).
    static let maxRawBytes = 1024

    /// The JSON value of `result`'s body, or `bad_response` when it is not JSON (or carries an overlong number).
    static func json(_ result: HTTPResult, exchange: ExchangeID) throws -> Any {
        if ResponseSupport.hasOverlongNumber(result.body) {
            throw ExchangeError(.badResponse, exchange: exchange, detail: "number too long (HTTP \(result.status))")
        }
        guard let value = try? JSONSerialization.jsonObject(with: result.body, options: [.fragmentsAllowed]) else {
            throw ExchangeError(.badResponse, exchange: exchange, detail: "unreadable JSON (HTTP \(result.status))")
        }
        return value
    }

    /// The canonical text of `value` when it is a JSON string holding a decimal greater than zero, else nil.
    /// Numbers are not accepted: every exchange here sends prices as strings, and a JSON number would already
    /// have passed through `Double`.
    static func price(_ value: Any?) -> String? {
        guard let text = value as? String, let canonical = DecimalString.canonical(text),
              !canonical.hasPrefix("-"), !DecimalString.isZero(canonical) else { return nil }
        return canonical
    }

    /// `value` when it is a non-empty string of at most 64 bytes (market and asset ids), else nil.
    static func identifier(_ value: Any?) -> String? {
        guard let text = value as? String, !text.isEmpty, text.utf8.count <= 64 else { return nil }
        return text
    }

    /// `row` as compact JSON (keys sorted: Foundation does not keep the exchange's member order), cut to
    /// `maxRawBytes` on a character boundary.
    static func raw(_ row: Any) -> String {
        guard JSONSerialization.isValidJSONObject([row]),
              let data = try? JSONSerialization.data(withJSONObject: row,
                                                     options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return "" }
        var text = String(decoding: data, as: UTF8.self)
        // Cutting whole characters keeps the text valid UTF-8; each step removes at least one byte.
        while text.utf8.count > maxRawBytes { text.removeLast() }
        return text
    }

    /// The quotes of `rows` whose assets are both in `assets`, first row per market winning, in answer order.
    static func filtered(_ rows: [MarketQuote], assets: Set<String>) -> [MarketQuote] {
        var seen = Set<String>()
        return rows.filter { assets.contains($0.base) && assets.contains($0.quote) && seen.insert($0.market).inserted }
    }

    /// The market list of `pairs`, the first pair per market id winning (the form `quotes` takes).
    static func marketList(_ pairs: [MarketPair]) -> [String: MarketPair] {
        var list: [String: MarketPair] = [:]
        for pair in pairs where list[pair.market] == nil { list[pair.market] = pair }
        return list
    }

    /// `pairs` without repeated market ids, the first one winning.
    static func unique(_ pairs: [MarketPair]) -> [MarketPair] {
        var seen = Set<String>()
        return pairs.filter { seen.insert($0.market).inserted }
    }

    /// An ISO 8601 time such as `2020-03-20T00:22:57.833Z` (any number of fraction digits, read to the
    /// millisecond), or nil for anything else. Never later than `receivedAt`: a time after the answer arrived can
    /// only be a skewed or hostile clock, and would make a quote look fresher than it is.
    static func time(_ value: Any?, receivedAt: Date) -> Date? {
        guard var text = value as? String, text.utf8.count <= 40, text.hasSuffix("Z") else { return nil }
        text.removeLast()
        var fraction = ""
        if let dot = text.firstIndex(of: ".") {
            fraction = String(text[text.index(after: dot)...])
            text = String(text[..<dot])
            guard !fraction.isEmpty, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let seconds = formatter.date(from: text + "Z") else { return nil }
        let millis = Double(String((fraction + "000").prefix(3)))! / 1000
        return min(seconds.addingTimeInterval(millis), receivedAt)
    }
}
