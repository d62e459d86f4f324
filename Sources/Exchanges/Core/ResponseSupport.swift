import Foundation

/// Decoding and status-based fallbacks shared by the clients. Classification looks at the body first; these
/// helpers cover bodies that say nothing usable (HTML error pages, empty 5xx).
enum ResponseSupport {
    /// Decodes a JSON body, or throws `bad_response` (no body text in the error: it may echo request data).
    static func decode<T: Decodable>(_ type: T.Type, from result: HTTPResult, exchange: ExchangeID) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: result.body)
        } catch {
            throw ExchangeError(.badResponse, exchange: exchange, detail: "unreadable JSON (HTTP \(result.status))")
        }
    }

    /// The `Retry-After` header in whole seconds, if present.
    static func retryAfter(_ result: HTTPResult) -> Int? {
        guard let text = result.headers["retry-after"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Int(text) { return max(0, seconds) }
        if let seconds = Double(text) { return max(0, Int(seconds.rounded(.up))) }
        return nil
    }

    /// The error implied by the HTTP status alone, or nil for 2xx.
    static func statusError(_ result: HTTPResult, exchange: ExchangeID) -> ExchangeError? {
        if let blocked = RegionBlock.error(result, exchange: exchange) { return blocked }
        switch result.status {
        case 200..<300: return nil
        case 429, 418:
            return ExchangeError(.rateLimited, exchange: exchange, detail: "HTTP \(result.status)",
                                 retryAfter: retryAfter(result))
        case 408, 504:
            return ExchangeError(.timeout, exchange: exchange, detail: "HTTP \(result.status)")
        case 500..<600:
            return ExchangeError(.exchangeUnavailable, exchange: exchange, detail: "HTTP \(result.status)")
        default:
            return ExchangeError(.badResponse, exchange: exchange, detail: "HTTP \(result.status)")
        }
    }

    /// The error for an exchange error code the classifier does not know: on a 5xx answer it is a server-side
    /// fault, so `exchange_unavailable` (transient, backed off; exchanges.md §9.4 "HTTP 5xx with any unmapped
    /// code", §1.4 "5xx: retry later"); on any other status `bad_response`.
    static func unmappedCode(_ code: String, _ result: HTTPResult, exchange: ExchangeID) -> ExchangeError {
        let detail = String(code.prefix(80))
        if (500..<600).contains(result.status) {
            return ExchangeError(.exchangeUnavailable, exchange: exchange, detail: "HTTP \(result.status) " + detail)
        }
        return ExchangeError(.badResponse, exchange: exchange, detail: detail)
    }

    /// Appends `query` to `base` + `path` without re-encoding it: the bytes sent must be the bytes signed.
    static func url(_ base: URL, path: String, query: String = "") throws -> URL {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        text += path
        if !query.isEmpty { text += "?" + query }
        guard let url = URL(string: text) else {
            throw ExchangeError(.invalidRequest, message: "Could not build the request URL.", detail: path)
        }
        return url
    }
}

/// An integer that exchanges send either as a JSON number or as a string ("1700000000").
struct LenientInt64: Decodable, Sendable {
    let value: Int64

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let number = try? container.decode(Double.self) {
            value = Int64(number)
        } else {
            let text = try container.decode(String.self)
            guard let number = Int64(text) ?? Double(text).map({ Int64($0) }) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an integer")
            }
            value = number
        }
    }
}

/// A decimal amount sent as a string or (rarely) a JSON number, kept as text.
struct AmountText: Decodable, Sendable {
    let text: String

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else {
            // A JSON number is re-read through Decimal's description, which never uses an exponent for sane values.
            text = try container.decode(Decimal.self).description
        }
    }
}

/// One shared decoder: JSONDecoder is Sendable and safe to use from several threads once configured.
enum JSONDecoderCache {
    static let decoder = JSONDecoder()
}
