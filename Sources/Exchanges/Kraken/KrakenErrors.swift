import Foundation

/// Classifies Kraken answers from the `error` array (Kraken answers API errors with HTTP 200), then the status.
enum KrakenErrors {
    private struct Envelope: Decodable { let error: [String]? }

    /// The error in `result`, or nil when the body reports success.
    static func classify(_ result: HTTPResult, now: Date = Date()) -> ExchangeError? {
        guard let envelope = try? JSONDecoderCache.decoder.decode(Envelope.self, from: result.body) else {
            return ResponseSupport.statusError(result, exchange: .kraken)
        }
        guard let first = envelope.error?.first else {
            return ResponseSupport.statusError(result, exchange: .kraken)
        }
        let detail = String(first.prefix(80))
        switch first {
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
            return ExchangeError(.exchangeUnavailable, exchange: .kraken, detail: detail)
        default:
            return ExchangeError(.badResponse, exchange: .kraken, detail: detail)
        }
    }
}
