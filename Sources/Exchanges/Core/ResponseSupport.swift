import Foundation

/// Decoding and status-based fallbacks shared by the clients. Classification looks at the body first; these
/// helpers cover bodies that say nothing usable (HTML error pages, empty 5xx).
enum ResponseSupport {
    /// Decodes a JSON body, or throws `bad_response` (no body text in the error: it may echo request data).
    /// A body with a number too long to be read exactly is refused too (see `hasOverlongNumber`).
    static func decode<T: Decodable>(_ type: T.Type, from result: HTTPResult, exchange: ExchangeID) throws -> T {
        if hasOverlongNumber(result.body) {
            throw ExchangeError(.badResponse, exchange: exchange, detail: "number too long (HTTP \(result.status))")
        }
        do {
            return try JSONDecoder().decode(T.self, from: result.body)
        } catch {
            throw ExchangeError(.badResponse, exchange: exchange, detail: "unreadable JSON (HTTP \(result.status))")
        }
    }

    /// The longest wait Holdfast takes from an exchange (one day): a hostile "Retry-After: 1e300" must neither
    /// trap on conversion nor park a connection for ever.
    static let maxRetryAfterSeconds = 86_400

    /// The `Retry-After` header in whole seconds (delay-seconds form, RFC 9110 §10.2.3; a fraction is rounded
    /// up), clamped to 0…`maxRetryAfterSeconds`; nil when absent or not a number (an HTTP-date falls back to
    /// the caller's default).
    static func retryAfter(_ result: HTTPResult) -> Int? {
        guard let text = result.headers["retry-after"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Int(text) { return min(max(0, seconds), maxRetryAfterSeconds) }
        // Only plain decimals: Double(_:) would also take "nan", "inf" and hex floats.
        guard !text.isEmpty, text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") }),
              let seconds = Double(text) else { return nil }
        return clampedSeconds(seconds)
    }

    /// `seconds` rounded up and clamped to 0…`maxRetryAfterSeconds`; 0 for NaN. Never traps.
    static func clampedSeconds(_ seconds: Double) -> Int {
        guard !seconds.isNaN else { return 0 }
        return Int(min(max(0, seconds.rounded(.up)), Double(maxRetryAfterSeconds)))
    }

    /// Most digits a JSON number may carry: `AmountText` reads numbers through `Decimal`, whose 38-digit
    /// mantissa would silently round a longer one; 30 leaves a margin and is far above any real amount or time.
    static let maxNumberDigits = 30

    /// True when `body`, read as JSON, holds a number token (outside strings) with more than `maxNumberDigits`
    /// digits. A lexical scan in one pass: cheap, and it runs before the decoder sees a 10^6-digit token.
    static func hasOverlongNumber(_ body: Data) -> Bool {
        var inString = false, escaped = false, run = 0
        for byte in body {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true; run = 0
            case 48...57:
                run += 1
                if run > maxNumberDigits { return true }
            case UInt8(ascii: "."): break  // inside a mantissa: its digits count together
            default: run = 0
            }
        }
        return false
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

/// An integer that exchanges send either as a JSON number or as a string ("1700000000"). A fraction is
/// truncated; NaN, infinities, hex and anything outside Int64 are a decoding error (so `bad_response`), never a
/// trap.
struct LenientInt64: Decodable, Sendable {
    let value: Int64

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let number = try? container.decode(Double.self) {
            guard let exact = Self.integer(number) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "integer out of range")
            }
            value = exact
        } else {
            let text = try container.decode(String.self)
            if let number = Int64(text) {
                value = number
                return
            }
            // Double(_:) alone would take "nan", "inf", "0x10" and surrounding garbage it tolerates.
            let plain = text.utf8.allSatisfy {
                ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
                    || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+")
            }
            guard plain, text.utf8.count <= 64, let number = Double(text).flatMap(Self.integer) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an integer")
            }
            value = number
        }
    }

    /// `number` truncated toward zero, or nil when it is not finite or outside Int64.
    static func integer(_ number: Double) -> Int64? {
        guard number.isFinite else { return nil }
        return Int64(exactly: number.rounded(.towardZero))
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

/// An id or code an exchange sends as a JSON string or a number (Binance `positionId`, `productId`; OKX `code`),
/// kept as text.
struct LenientID: Decodable, Sendable {
    let text: String

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else {
            text = String(try container.decode(LenientInt64.self).value)
        }
    }
}
