/// Every failure of an exchange call, classified into one taxonomy with stable codes across exchanges.
///
/// The message is written for the user and says what to do. It never contains a secret, a signature or a
/// signed URL; `detail` carries the exchange's own short error text (e.g. "-1022", "EAPI:Invalid nonce").
public struct ExchangeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine-readable codes: the exchange taxonomy, stored as `error_code` and sent to clients.
    ///
    /// Each spelling is a code of the one catalogue, `ErrorCode` (Sources/Web/ErrorCatalogue.swift), which is their
    /// home and gives them their HTTP status. This module knows nothing of HTTP, so the raw values are written out
    /// here too; App maps each case to its catalogue code (`ExchangeError+HTTP.swift`, a switch the compiler keeps
    /// total), and `ErrorCatalogueTests.everyExchangeCodeHasAnExplicitStatus` fails when a spelling differs.
    public enum Code: String, Sendable, Codable, CaseIterable {
        case invalidCredentials = "invalid_credentials"
        case invalidPassphrase = "invalid_passphrase"
        case invalidSignature = "invalid_signature"
        case permissionDenied = "permission_denied"
        case ipNotAllowed = "ip_not_allowed"
        case clockSkew = "clock_skew"
        case nonceConflict = "nonce_conflict"
        case rateLimited = "rate_limited"
        case exchangeUnavailable = "exchange_unavailable"
        case timeout = "timeout"
        case badResponse = "bad_response"
        /// The exchange refuses requests from where this server runs (its country or cloud region), whatever the
        /// key: Binance's HTTP 451 "restricted location" or a CDN's country block (exchanges.md §7.8). Not retried.
        case regionRestricted = "region_restricted"
        /// The key or secret as entered cannot be a key of this exchange, or not one Holdfast can sign with
        /// (truncated, a public key, an encrypted or EC PEM for Binance, an expired Coinbase legacy key…); found
        /// locally, before any request (exchanges.md §7.6, §10.1–§10.2).
        case invalidKeyFormat = "invalid_key_format"
        /// Input that never reached an exchange: unknown exchange id, malformed credential JSON.
        case invalidRequest = "invalid_request"
    }

    /// The stable code.
    public var code: Code
    /// What happened and what the user should do.
    public var message: String
    /// Seconds to wait before trying again, when the exchange said (rate limits).
    public var retryAfter: Int?
    /// Measured server-minus-local clock offset in milliseconds (clock errors).
    public var clockOffsetMs: Int64?
    /// The exchange that answered, if any.
    public var exchange: ExchangeID?
    /// The exchange's own error code or text, safe to log (never credentials).
    public var detail: String?

    /// An error with an explicit message.
    public init(
        _ code: Code, message: String, exchange: ExchangeID? = nil, detail: String? = nil,
        retryAfter: Int? = nil, clockOffsetMs: Int64? = nil
    ) {
        self.code = code
        self.message = message
        self.exchange = exchange
        self.detail = detail
        self.retryAfter = retryAfter
        self.clockOffsetMs = clockOffsetMs
    }

    /// An error with the standard user-facing message for `code` on `exchange`.
    public init(
        _ code: Code, exchange: ExchangeID, detail: String? = nil, retryAfter: Int? = nil, clockOffsetMs: Int64? = nil
    ) {
        self.init(
            code, message: ExchangeError.standardMessage(code, exchange: exchange, retryAfter: retryAfter,
                                                          clockOffsetMs: clockOffsetMs),
            exchange: exchange, detail: detail, retryAfter: retryAfter, clockOffsetMs: clockOffsetMs)
    }

    /// "code: message (detail)" — safe for logs.
    public var description: String {
        "\(code.rawValue): \(message)" + (detail.map { " [\($0)]" } ?? "")
    }

    /// The error with `clockOffsetMs` set and the message rewritten to mention it.
    func withClockOffset(_ offset: Int64) -> ExchangeError {
        guard let exchange else { return self }
        var copy = ExchangeError(code, exchange: exchange, detail: detail, retryAfter: retryAfter, clockOffsetMs: offset)
        copy.detail = detail
        return copy
    }
}
