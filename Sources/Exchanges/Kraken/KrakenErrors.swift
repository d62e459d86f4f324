import Foundation

/// Classifies Kraken answers from the `error` array (Kraken answers API errors with HTTP 200), then the status.
enum KrakenErrors {
    private struct Envelope: Decodable { let error: [String]? }

    /// The error in `result`, or nil when the body reports success.
    static func classify(_ result: HTTPResult, now: Date = Date()) -> ExchangeError? {
        guard let envelope = try? JSONDecoderCache.decoder.decode(Envelope.self, from: result.body) else {
            return bodylessError(result)
        }
        guard let first = envelope.error?.first else {
            return ResponseSupport.statusError(result, exchange: .kraken)
        }
        let detail = String(first.prefix(80))
        // Kraken writes "EService: Throttled" with a space and "EService:Unavailable" without: match both forms.
        let text = first.replacingOccurrences(of: ": ", with: ":")
        switch text {
        case let text where text.hasPrefix("EAPI:Invalid key"):
            return ExchangeError(.invalidCredentials, exchange: .kraken, detail: detail)
        case let text where text.hasPrefix("EAPI:Invalid signature"):
            return ExchangeError(.invalidSignature, exchange: .kraken, detail: detail)
        case let text where text.hasPrefix("EAPI:Invalid nonce"):
            return ExchangeError(.nonceConflict, exchange: .kraken, detail: detail)
        case let text where text.hasPrefix("EGeneral:Permission denied"):
            return ExchangeError(.permissionDenied, exchange: .kraken, detail: detail)
        case let text where text.hasPrefix("EAPI:Rate limit exceeded"):
            return ExchangeError(.rateLimited, exchange: .kraken, detail: detail,
                                 retryAfter: ResponseSupport.retryAfter(result) ?? 15)
        case let text where text.hasPrefix("EGeneral:Temporary lockout"):
            return ExchangeError(.rateLimited, exchange: .kraken, detail: detail, retryAfter: 900)
        case let text where text.hasPrefix("EService:") && text.contains("Throttled"):
            // "EService: Throttled: <unix seconds>" names the moment the throttle lifts.
            let until = text.split(separator: ":").last.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            // Clamped: a hostile or absurd timestamp must not trap on conversion.
            let wait = until.map { max(1, ResponseSupport.clampedSeconds($0 - now.timeIntervalSince1970)) }
            return ExchangeError(.rateLimited, exchange: .kraken, detail: detail, retryAfter: wait ?? 5)
        case let text where text.hasPrefix("EService:"):
            // Unavailable, Busy, Deadline elapsed, cancel_only/post_only market modes (exchanges.md §8.4).
            return ExchangeError(.exchangeUnavailable, exchange: .kraken, detail: detail)
        case let text where text.hasPrefix("EGeneral:Internal error") || text.hasPrefix("EDatabase:"):
            // Server-side faults Kraken asks to retry (§8.4; ccxt: ExchangeNotAvailable).
            return ExchangeError(.exchangeUnavailable, exchange: .kraken, detail: detail)
        default:
            return ResponseSupport.unmappedCode(detail, result, exchange: .kraken)
        }
    }

    /// A non-2xx answer without Kraken's envelope never came from Kraken's API: Kraken reports every API error
    /// in the body with HTTP 200, so an HTML or empty error page is its edge failing to reach it, a transient
    /// outage (exchanges.md §8.4). Rate limits and timeouts keep their own codes.
    private static func bodylessError(_ result: HTTPResult) -> ExchangeError? {
        guard let error = ResponseSupport.statusError(result, exchange: .kraken) else { return nil }
        guard error.code == .badResponse, result.status >= 400 else { return error }
        return ExchangeError(.exchangeUnavailable, exchange: .kraken, detail: "HTTP \(result.status) without a Kraken body")
    }
}
