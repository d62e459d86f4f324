/// Classifies Binance answers from the `{"code":…,"msg":…}` body, then the status.
enum BinanceErrors {
    private struct Body: Decodable {
        let code: Int
        let msg: String?
    }

    /// True when `result` is Binance saying the key lacks permission for this call: `-2015` "Invalid API-key, IP,
    /// or permissions for action." (any status, with or without the IP suffix) or `-1002` "You are not authorized
    /// to execute this request." (exchanges.md §1.4). Only meaningful after a call with the same key succeeded
    /// from the same IP: then neither the key nor the IP can be what is wrong, so the permission is.
    static func isPermissionRefusal(_ result: HTTPResult) -> Bool {
        guard (400..<500).contains(result.status),
              let body = try? JSONDecoderCache.decoder.decode(Body.self, from: result.body) else { return false }
        return body.code == -2015 || body.code == -1002
    }

    /// The error in `result`, or nil for success.
    static func classify(_ result: HTTPResult) -> ExchangeError? {
        // A location block comes first: its body has `code` 0 (not negative) or is an HTML page (§7.8).
        if let blocked = RegionBlock.error(result, exchange: .binance) { return blocked }
        if let body = try? JSONDecoderCache.decoder.decode(Body.self, from: result.body), body.code < 0 {
            let detail = "\(body.code)"
            let retryAfter = ResponseSupport.retryAfter(result)
            switch body.code {
            case -2014, -2008:
                return ExchangeError(.invalidCredentials, exchange: .binance, detail: detail)
            case -2015:
                // One message covers unknown key, missing permission and IP; only the IP case names an IP.
                if (body.msg ?? "").localizedCaseInsensitiveContains("request ip") {
                    return ExchangeError(.ipNotAllowed, exchange: .binance, detail: detail)
                }
                return ExchangeError(.invalidCredentials, exchange: .binance, detail: detail)
            case -1022:
                return ExchangeError(.invalidSignature, exchange: .binance, detail: detail)
            case -1021:
                return ExchangeError(.clockSkew, exchange: .binance, detail: detail)
            case -1003, -1015:
                return ExchangeError(.rateLimited, exchange: .binance, detail: detail, retryAfter: retryAfter ?? 60)
            case -1000, -1001, -1006, -1007, -1008, -1016:
                return ExchangeError(.exchangeUnavailable, exchange: .binance, detail: detail)
            case -2010, -2011, -1002:
                return ExchangeError(.permissionDenied, exchange: .binance, detail: detail)
            default:
                return ResponseSupport.unmappedCode(detail, result, exchange: .binance)
            }
        }
        if result.status == 403 {
            // Binance's WAF answers 403 without the JSON contract: nothing the user's key can fix.
            return ExchangeError(.exchangeUnavailable, exchange: .binance, detail: "HTTP 403 (WAF)")
        }
        return ResponseSupport.statusError(result, exchange: .binance)
    }
}
