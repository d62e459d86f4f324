import Foundation

extension BudgetFeedback {
    /// What `result` says about `pool`'s count:
    /// - Binance: `X-MBX-USED-WEIGHT-1M` on `/api`, `X-SAPI-USED-IP-WEIGHT-1M` on `/sapi` (header names are
    ///   lowercased by `HTTPTransport`, so matched case-insensitively as Binance's SDK does; exchanges.md §7.7).
    /// - Any exchange: HTTP 429 or 418 pauses the scope for `Retry-After` seconds (§1.4, §2a, §2b, §4.3), or
    ///   for the policy's default pause when the answer names none (Coinbase's HTML 429 page, §2a).
    /// - Kraken: `EAPI:Rate limit exceeded` in a 200 body means the key's counter is full (§3.4).
    /// - Bitvavo: `bitvavo-ratelimit-limit` minus `bitvavo-ratelimit-remaining` is the weight used this minute;
    ///   a 429 blocks for `BitvavoRateHeaders.retryAfter` (`Retry-After`, the ban's end in the body, or
    ///   `bitvavo-ratelimit-resetat`; exchanges-okx-bybit-bitvavo.md §C.5, §C.6).
    static func read(_ result: HTTPResult, pool: BudgetPool, policy: BudgetPolicy) -> BudgetFeedback {
        var feedback = BudgetFeedback()
        switch pool {
        case .binanceAPI: feedback.usedWeight = header(result, "x-mbx-used-weight-1m")
        case .binanceSAPI: feedback.usedWeight = header(result, "x-sapi-used-ip-weight-1m")
        case .krakenPrivate, .krakenPublic:
            if result.body.count < 4096, result.text.contains("EAPI:Rate limit exceeded") { feedback.counterFull = true }
        case .bitvavoPrivate, .bitvavoPublic: feedback.usedWeight = BitvavoRateHeaders.usedWeight(result)
        default: break
        }
        if result.status == 429 || result.status == 418 {
            feedback.blockedForSeconds = pool.exchange == .bitvavo ? BitvavoRateHeaders.retryAfter(result)
                : ResponseSupport.retryAfter(result) ?? policy.defaultPauseSeconds
        }
        return feedback
    }

    /// A non-negative integer header, or nil (absent, not a number, negative or absurd: ignored, not trusted).
    private static func header(_ result: HTTPResult, _ name: String) -> Int? {
        guard let text = result.headers[name]?.trimmingCharacters(in: .whitespaces), text.utf8.count <= 12,
              let value = Int(text), value >= 0 else { return nil }
        return value
    }
}
