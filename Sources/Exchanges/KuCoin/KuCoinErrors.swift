/// Classifies KuCoin answers from the `{"code":"…","msg":…}` body ("200000" is success), then the status.
enum KuCoinErrors {
    private struct Body: Decodable { let code: String? }

    /// The error in `result`, or nil for success.
    static func classify(_ result: HTTPResult) -> ExchangeError? {
        guard let code = (try? JSONDecoderCache.decoder.decode(Body.self, from: result.body))?.code else {
            return ResponseSupport.statusError(result, exchange: .kucoin)
        }
        switch code {
        case "200000", "200":
            return ResponseSupport.statusError(result, exchange: .kucoin)
        case "400001", "400003":
            return ExchangeError(.invalidCredentials, exchange: .kucoin, detail: code)
        case "400002":
            return ExchangeError(.clockSkew, exchange: .kucoin, detail: code)
        case "400004":
            return ExchangeError(.invalidPassphrase, exchange: .kucoin, detail: code)
        case "400005":
            return ExchangeError(.invalidSignature, exchange: .kucoin, detail: code)
        case "400006":
            return ExchangeError(.ipNotAllowed, exchange: .kucoin, detail: code)
        case "400007", "411100":
            return ExchangeError(.permissionDenied, exchange: .kucoin, detail: code)
        case "429000", "1015":
            return ExchangeError(.rateLimited, exchange: .kucoin, detail: code,
                                 retryAfter: ResponseSupport.retryAfter(result) ?? 30)
        case "500000", "503000", "900001":
            // 500000 internal error, 503000 service unavailable (HTTP 503): outages (exchanges.md §9.4).
            return ExchangeError(.exchangeUnavailable, exchange: .kucoin, detail: code)
        default:
            return ResponseSupport.unmappedCode(code, result, exchange: .kucoin)
        }
    }
}
