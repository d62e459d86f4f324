/// The catalogue of error codes: every `code` any error response of Holdfast can carry, whether the responder
/// or nginx sends it, with its HTTP status and what it means. Clients may switch on these; never rename one.
///
/// This is the one home of the codes. It lives in Web, below the router and body parser that throw some of
/// them; the exchange taxonomy (`ExchangeError.Code`, in a module that knows nothing of HTTP) is mapped onto
/// it case by case in App (`ExchangeError+HTTP.swift`), and tests check that `openapi.yaml`'s error-code enum,
/// the README's error-code table and nginx's own error pages list exactly these codes with these statuses.
public enum ErrorCode: String, Sendable, Codable, CaseIterable {
    // Request and session.
    case badRequest = "bad_request"
    case validationFailed = "validation_failed"
    case unauthorized
    case csrfFailed = "csrf_failed"
    case forbidden
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case payloadTooLarge = "payload_too_large"
    case unsupportedMediaType = "unsupported_media_type"
    case rateLimited = "rate_limited"
    case loginThrottled = "login_throttled"
    // State of the resource.
    case conflict
    case syncInProgress = "sync_in_progress"
    case connectionPaused = "connection_paused"
    case readOnlyKeyRequired = "read_only_key_required"
    // Outbound requests to user-given URLs (webhooks, ntfy, Ghostfolio).
    case invalidURL = "invalid_url"
    case targetNotAllowed = "target_not_allowed"
    // The server.
    case serviceUnavailable = "service_unavailable"
    case `internal`
    case timeout
    // The exchange (the `ExchangeError.Code` taxonomy).
    case invalidCredentials = "invalid_credentials"
    case invalidPassphrase = "invalid_passphrase"
    case invalidSignature = "invalid_signature"
    case permissionDenied = "permission_denied"
    case ipNotAllowed = "ip_not_allowed"
    case regionRestricted = "region_restricted"
    case invalidKeyFormat = "invalid_key_format"
    case invalidRequest = "invalid_request"
    case clockSkew = "clock_skew"
    case nonceConflict = "nonce_conflict"
    case exchangeUnavailable = "exchange_unavailable"
    case badResponse = "bad_response"
    // Only nginx answers these, before a request reaches the responder.
    case requestTimeout = "request_timeout"
    case lengthRequired = "length_required"
    case preconditionFailed = "precondition_failed"
    case uriTooLong = "uri_too_long"
    case rangeNotSatisfiable = "range_not_satisfiable"
    case headerTooLarge = "header_too_large"
    case notImplemented = "not_implemented"
    case httpVersionNotSupported = "http_version_not_supported"

    /// The status the responder answers this code with; nil for a code only nginx sends.
    public var status: Int? {
        switch self {
        case .badRequest: 400
        case .unauthorized: 401
        case .csrfFailed: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .conflict, .syncInProgress, .connectionPaused: 409
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .validationFailed, .readOnlyKeyRequired, .invalidURL, .targetNotAllowed: 422
        // The person must act: retrying the same key cannot help.
        case .invalidCredentials, .invalidPassphrase, .invalidSignature, .permissionDenied, .ipNotAllowed,
             .regionRestricted, .invalidKeyFormat, .invalidRequest: 422
        case .loginThrottled: 429
        case .internal: 500
        // Holdfast or the exchange is having trouble; a later try may work (Retry-After says when).
        case .serviceUnavailable, .rateLimited, .timeout, .clockSkew, .nonceConflict, .exchangeUnavailable,
             .badResponse: 503
        case .forbidden, .requestTimeout, .lengthRequired, .preconditionFailed, .uriTooLong, .rangeNotSatisfiable,
             .headerTooLarge, .notImplemented, .httpVersionNotSupported: nil
        }
    }

    /// The status nginx answers this code with on its own (`nginx/snippets/holdfast-errors.conf`), or nil when
    /// nginx never sends it.
    public var nginxStatus: Int? {
        switch self {
        case .badRequest: 400
        case .forbidden: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .requestTimeout: 408
        case .lengthRequired: 411
        case .preconditionFailed: 412
        case .payloadTooLarge: 413
        case .uriTooLong: 414
        case .rangeNotSatisfiable: 416
        case .rateLimited: 429
        case .headerTooLarge: 431
        case .internal: 500
        case .notImplemented: 501
        case .serviceUnavailable: 502
        case .timeout: 504
        case .httpVersionNotSupported: 505
        default: nil
        }
    }

    /// One line on what the code means, for the README's table and for people reading the code.
    public var meaning: String {
        switch self {
        case .badRequest: "The request is malformed: a body that is not a UTF-8 JSON object, a bad Content-Length."
        case .validationFailed: "Some fields are invalid; `fields` has one message per field."
        case .unauthorized: "No valid session (or a wrong email or password at login)."
        case .csrfFailed: "A changing request without the session's `X-CSRF-Token`."
        case .forbidden: "Not available from this address."
        case .notFound: "No such path, or no such resource of the signed-in user."
        case .methodNotAllowed: "The path exists but not with this method; `Allow` lists the methods."
        case .payloadTooLarge: "The request body is larger than 64 KiB."
        case .unsupportedMediaType: "The body is not sent as `application/json`."
        case .rateLimited: "Too many requests: nginx's per-client limits (429), or an exchange's (503); see Retry-After."
        case .loginThrottled: "Too many failed logins for this account; Retry-After says when to try again."
        case .conflict: "The change clashes with what is stored: an API key already connected, an alert channel past the tenth, a push of a paused feed."
        case .syncInProgress: "A sync of this connection is already running."
        case .connectionPaused: "The connection is paused; resume it before syncing."
        case .readOnlyKeyRequired: "This server accepts only keys that can neither trade nor withdraw."
        case .invalidURL: "A URL Holdfast would send to is not an http(s) URL with a host and without a user or password."
        case .targetNotAllowed: "The URL points at an address that is not public (loopback, private, link-local, reserved) the operator has not allowed."
        case .serviceUnavailable: "The database (503) or the responder (502 from nginx) is unavailable for now."
        case .internal: "Something went wrong on the server; the log has the request id."
        case .timeout: "The exchange (503) or Holdfast (504 from nginx) took too long to answer."
        case .invalidCredentials: "The exchange does not accept this API key or secret."
        case .invalidPassphrase: "The exchange does not accept this passphrase."
        case .invalidSignature: "The exchange rejects the request signature: usually a wrong secret."
        case .permissionDenied: "The key may not read balances."
        case .ipNotAllowed: "The key is bound to IP addresses that do not include this server's."
        case .regionRestricted: "The exchange refuses this server's location, whatever the key."
        case .invalidKeyFormat: "The key as entered cannot be a key of this exchange (found before any request)."
        case .invalidRequest: "Input that never reached an exchange: an unknown exchange, malformed credentials."
        case .clockSkew: "This server's clock is too far from the exchange's."
        case .nonceConflict: "The exchange saw a nonce that was not larger than the last one; retried later."
        case .exchangeUnavailable: "The exchange is down, in maintenance, or has no free slot for now."
        case .badResponse: "The exchange's answer could not be read or proven complete."
        case .requestTimeout: "The request was not received in time."
        case .lengthRequired: "The request needs a Content-Length."
        case .preconditionFailed: "A precondition of the request does not hold."
        case .uriTooLong: "The request URI is too long."
        case .rangeNotSatisfiable: "The requested range is not available."
        case .headerTooLarge: "The request header is too large."
        case .notImplemented: "This Transfer-Encoding or method is not supported."
        case .httpVersionNotSupported: "Use HTTP/1.1 or HTTP/2."
        }
    }
}
