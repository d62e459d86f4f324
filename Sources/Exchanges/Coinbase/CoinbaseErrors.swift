/// Classifies Coinbase Advanced Trade answers. Any JWT problem is a plain-text 401 "Unauthorized", so key,
/// signature and clock problems cannot be told apart from the body.
enum CoinbaseErrors {
    private struct Body: Decodable {
        let error: String?
        let error_details: String?
        let message: String?
    }

    /// The error in `result`, or nil for success.
    static func classify(_ result: HTTPResult) -> ExchangeError? {
        if (200..<300).contains(result.status) { return nil }
        // A location block (451, a CDN's country page) before the 403 rules: it is not the key's permission.
        if let blocked = RegionBlock.error(result, exchange: .coinbase) { return blocked }
        // A server-side failure is transient whatever its text says (exchanges.md §2a: 5xx bodies are not a
        // contract); reading words such as "ip" or "allow" out of an outage page would misclassify it.
        if result.status >= 500 { return ResponseSupport.statusError(result, exchange: .coinbase) }
        let body = try? JSONDecoderCache.decoder.decode(Body.self, from: result.body)
        let text = [body?.error, body?.error_details, body?.message].compactMap { $0 }.joined(separator: " ")
        if result.status == 401 || text.localizedCaseInsensitiveContains("unauthenticated") {
            return ExchangeError(.invalidCredentials, exchange: .coinbase, detail: "401")
        }
        if body?.error == "PERMISSION_DENIED" || text.localizedCaseInsensitiveContains("missing required scopes") {
            return ExchangeError(.permissionDenied, exchange: .coinbase, detail: body?.error_details ?? "403")
        }
        if text.localizedCaseInsensitiveContains("ip") && text.localizedCaseInsensitiveContains("allow") {
            return ExchangeError(.ipNotAllowed, exchange: .coinbase, detail: "\(result.status)")
        }
        if body?.error == "RESOURCE_EXHAUSTED" || result.status == 429 {
            return ExchangeError(.rateLimited, exchange: .coinbase, detail: "\(result.status)",
                                 retryAfter: ResponseSupport.retryAfter(result))
        }
        if result.status == 403 {
            return ExchangeError(.permissionDenied, exchange: .coinbase, detail: "403")
        }
        return ResponseSupport.statusError(result, exchange: .coinbase)
    }
}
