import Web

/// Why an outbound request to a user-given URL was refused or failed, with a stable code.
///
/// Codes: `invalid_url`, `target_not_allowed` (also at API time, as 422), `target_redirect`, `target_tls`,
/// `target_unreachable`, `target_timeout`, `target_too_large`, `target_bad_response`, and `target_http_<status>`
/// for an answer of 400 or more. The message names the host at most, never the URL's path or query (a webhook
/// URL may itself be a secret), never a header.
public struct OutboundError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable code, e.g. `target_timeout`.
    public let code: String
    /// What happened, for people; never a secret.
    public let message: String

    /// An error with `code` and `message`.
    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    /// "code: message", for logs.
    public var description: String { "\(code): \(message)" }

    /// The 422 answer of an API call whose `field` holds the refused URL: `invalid_url` or `target_not_allowed`
    /// with the message under `fields[field]`; any other code (never thrown by `validate`) as `invalid_url`.
    public func apiError(field: String) -> APIError {
        let catalogued: ErrorCode = code == ErrorCode.targetNotAllowed.rawValue ? .targetNotAllowed : .invalidURL
        return APIError(catalogued, message, fields: [field: message])
    }
}
