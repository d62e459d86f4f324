import Foundation

/// Bitvavo's rate-limit answers (exchanges-okx-bybit-bitvavo.md §C.6, verified): every answer carries
/// `bitvavo-ratelimit-limit` (weight per minute), `bitvavo-ratelimit-remaining` and `bitvavo-ratelimit-resetat`
/// (ms since the epoch); a ban's errorCode 105 text ends "The ban expires at <ms>." (§C.5).
///
/// Both times are Bitvavo's clock, compared here with ours: a few seconds of skew only shift a wait that is
/// clamped to 1 s … one day anyway (`ResponseSupport.maxRetryAfterSeconds`).
enum BitvavoRateHeaders {
    /// Weight used this minute (`limit − remaining`), or nil when either header is absent, not a small
    /// non-negative integer, or `remaining > limit` (an answer that contradicts itself is not trusted).
    static func usedWeight(_ result: HTTPResult) -> Int? {
        guard let limit = integer(result.headers["bitvavo-ratelimit-limit"]),
              let remaining = integer(result.headers["bitvavo-ratelimit-remaining"]), remaining <= limit
        else { return nil }
        return limit - remaining
    }

    /// Whole seconds from `now` until `bitvavo-ratelimit-resetat`, at least 1; nil when the header is absent or
    /// not an integer.
    static func secondsUntilReset(_ result: HTTPResult, now: Date = Date()) -> Int? {
        guard let text = result.headers["bitvavo-ratelimit-resetat"]?.trimmingCharacters(in: .whitespaces),
              text.utf8.count <= 16, let resetAt = Int64(text) else { return nil }
        return secondsUntil(milliseconds: resetAt, now: now)
    }

    /// Whole seconds (rounded up, at least 1, at most one day) from `now` until `milliseconds` since the epoch.
    static func secondsUntil(milliseconds: Int64, now: Date) -> Int {
        let seconds = (Double(milliseconds) - now.timeIntervalSince1970 * 1000) / 1000
        return max(1, ResponseSupport.clampedSeconds(seconds))
    }

    /// Seconds to wait after a rate-limit answer, most specific first: a `Retry-After` header, the ban's end named
    /// in the body's text (errorCode 105/110), `bitvavo-ratelimit-resetat`, else one minute (the documented key
    /// block, §C.6). Used by the error (`BitvavoErrors`) and the budget (`BudgetFeedback`) alike, so both wait
    /// the same time.
    static func retryAfter(_ result: HTTPResult, now: Date = Date()) -> Int {
        if let header = ResponseSupport.retryAfter(result) { return header }
        if result.body.count <= 4096, let expiry = banExpiry(result.text) {
            return secondsUntil(milliseconds: expiry, now: now)
        }
        return secondsUntilReset(result, now: now) ?? 60
    }

    /// The time in an errorCode 105 text ("… The ban expires at 1700000060000."), or nil when it has none.
    static func banExpiry(_ text: String) -> Int64? {
        guard let marker = text.range(of: "expires at ", options: .caseInsensitive) else { return nil }
        let digits = text[marker.upperBound...].prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        return Int64(digits)
    }

    /// A header holding a non-negative integer of at most 12 digits, or nil.
    private static func integer(_ text: String?) -> Int? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), text.utf8.count <= 12,
              let value = Int(text), value >= 0 else { return nil }
        return value
    }
}
