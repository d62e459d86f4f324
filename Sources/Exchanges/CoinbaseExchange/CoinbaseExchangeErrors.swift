/// Classifies Coinbase Exchange answers from the `{"message":…}` body, then the status.
enum CoinbaseExchangeErrors {
    private struct Body: Decodable { let message: String? }

    /// The error in `result`, or nil for success.
    static func classify(_ result: HTTPResult) -> ExchangeError? {
        if (200..<300).contains(result.status) { return nil }
        // A location block (451, a CDN's country page) before the 403 rules: it is not the key's permission.
        if let blocked = RegionBlock.error(result, exchange: .coinbaseexchange) { return blocked }
        // Server-side failures are transient whatever the message says (a 5xx text mentioning "permission" or
        // "timestamp" is not the key's fault).
        if result.status >= 500 { return ResponseSupport.statusError(result, exchange: .coinbaseexchange) }
        let message = (try? JSONDecoderCache.decoder.decode(Body.self, from: result.body))?.message ?? ""
        let lower = message.lowercased()
        let detail = message.isEmpty ? "HTTP \(result.status)" : String(message.prefix(80))
        if lower.contains("invalid passphrase") {
            return ExchangeError(.invalidPassphrase, exchange: .coinbaseexchange, detail: detail)
        }
        if lower.contains("invalid signature") {
            return ExchangeError(.invalidSignature, exchange: .coinbaseexchange, detail: detail)
        }
        if lower.contains("timestamp") {
            return ExchangeError(.clockSkew, exchange: .coinbaseexchange, detail: detail)
        }
        if lower.contains("invalid api key") || lower.contains("api key") {
            return ExchangeError(.invalidCredentials, exchange: .coinbaseexchange, detail: detail)
        }
        if lower.contains("ip") && (lower.contains("whitelist") || lower.contains("allow")) {
            return ExchangeError(.ipNotAllowed, exchange: .coinbaseexchange, detail: detail)
        }
        if lower.contains("rate limit") {
            return ExchangeError(.rateLimited, exchange: .coinbaseexchange, detail: detail,
                                 retryAfter: ResponseSupport.retryAfter(result) ?? 1)
        }
        if result.status == 403 || lower.contains("forbidden") || lower.contains("permission") {
            return ExchangeError(.permissionDenied, exchange: .coinbaseexchange, detail: detail)
        }
        if result.status == 401 {
            return ExchangeError(.invalidCredentials, exchange: .coinbaseexchange, detail: detail)
        }
        return ResponseSupport.statusError(result, exchange: .coinbaseexchange)
    }
}
