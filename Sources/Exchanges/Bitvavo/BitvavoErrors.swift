import Foundation

/// Classifies Bitvavo answers by the body's `errorCode` (`{"errorCode":309,"error":"…"}`,
/// exchanges-okx-bybit-bitvavo.md §C.5), never by the HTTP status alone (§E.10): the per-code status of the
/// 3xx codes is UNVERIFIED. Bodies without an `errorCode` fall back to the status (`ResponseSupport`).
enum BitvavoErrors {
    /// The error body. `errorCode` is an integer on the wire; a string is tolerated (`LenientInt64`).
    private struct Body: Decodable {
        let errorCode: LenientInt64?
        let error: String?
    }

    /// errorCode 311, "This key does not allow showing account information." (§C.5): the key lacks View. On
    /// `/stakingBalance` alone this makes the staking wallet unread, not the read failed.
    static let noViewRight = "311"

    /// The error `result` stands for, or nil for a success. `now` dates a rate-limit ban (tests pass it).
    static func classify(_ result: HTTPResult, now: Date = Date()) -> ExchangeError? {
        if let blocked = RegionBlock.error(result, exchange: .bitvavo) { return blocked }
        // Success bodies are arrays or objects without `errorCode`, so they fall through to the status.
        guard let body = try? JSONDecoderCache.decoder.decode(Body.self, from: result.body),
              let code = body.errorCode?.value else {
            return ResponseSupport.statusError(result, exchange: .bitvavo)
        }
        let detail = String(code)
        switch code {
        case 300, 301, 305:
            // 300 headers missing, 301 key not 64 characters, 305 no active key with this id.
            return ExchangeError(.invalidCredentials, exchange: .bitvavo, detail: detail)
        case 306:
            return ExchangeError(.invalidCredentials, message:
                "Bitvavo has not activated this API key yet. Confirm the key from the e-mail Bitvavo sent when it " +
                "was created, then try again.", exchange: .bitvavo, detail: detail)
        case 308, 309:
            return ExchangeError(.invalidSignature, exchange: .bitvavo, detail: detail)
        case 302, 304:
            // 302 timestamp not in ms, 304 request arrived after its access window (§C.3): the caller
            // re-measures the clock and retries once (`ServerClock.withClockRetry`).
            return ExchangeError(.clockSkew, exchange: .bitvavo, detail: detail)
        case 303:
            // Access window outside 100…60000 ms. Holdfast always sends `BitvavoSigner.accessWindowMs`, so this
            // is Holdfast's own bug, not the server clock: `invalid_request` (decided; a clock retry cannot help).
            return ExchangeError(.invalidRequest, message:
                "Bitvavo refused the access window Holdfast sent (errorCode 303). This is a Holdfast bug; please " +
                "report it.", exchange: .bitvavo, detail: detail)
        case 307:
            return ExchangeError(.ipNotAllowed, exchange: .bitvavo, detail: detail)
        case 311:
            return ExchangeError(.permissionDenied, message:
                "The Bitvavo API key is not allowed to read balances (errorCode 311). Edit the key on Bitvavo and " +
                "tick \"View\" (only that one), or create a new key with View only.",
                exchange: .bitvavo, detail: detail)
        case 317:
            // Account locked (ccxt: AccountSuspended). Decided: `permission_denied` rather than
            // `invalid_credentials`, because the key is not at fault and re-entering it cannot help.
            return ExchangeError(.permissionDenied, message:
                "Bitvavo reports this account as locked (errorCode 317), so no API key can read it. Contact " +
                "Bitvavo support to unlock the account; the key itself does not need to change.",
                exchange: .bitvavo, detail: detail)
        case 103, 105, 110:
            // 110 is the 2026 docs' code, 103/105 older ones (§C.5); 105's text names when the ban ends.
            return ExchangeError(.rateLimited, exchange: .bitvavo, detail: detail,
                                 retryAfter: BitvavoRateHeaders.retryAfter(result, now: now))
        case 101, 404:
            // 101 "Unknown error" (HTTP 500), 404 maintenance / node down (ccxt: OnMaintenance).
            return ExchangeError(.exchangeUnavailable, exchange: .bitvavo, detail: detail)
        default:
            return ResponseSupport.unmappedCode(detail, result, exchange: .bitvavo)
        }
    }
}
