/// The stable error codes of the API. Clients may switch on these; never rename one.
public enum ErrorCode: String, Sendable, Codable {
    case badRequest = "bad_request"
    case validationFailed = "validation_failed"
    case unauthorized
    case csrfFailed = "csrf_failed"
    case forbidden
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case conflict
    case payloadTooLarge = "payload_too_large"
    case unsupportedMediaType = "unsupported_media_type"
    case rateLimited = "rate_limited"
    case serviceUnavailable = "service_unavailable"
    case `internal`
}

/// An error that knows how it looks on the wire: status, stable code, a message for people, and for
/// validation failures one message per bad field.
///
/// Anything thrown by a handler that is not an `APIError` becomes a logged 500 `internal` with a generic
/// message, so SQL, paths and stack traces never reach a response body.
public struct APIError: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String
    public var fields: [String: String]?
    public var headers: [String: String]

    public init(status: Int, code: String, message: String, fields: [String: String]? = nil, headers: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    public init(_ status: Int, _ code: ErrorCode, _ message: String, fields: [String: String]? = nil) {
        self.init(status: status, code: code.rawValue, message: message, fields: fields)
    }

    public static func badRequest(_ message: String) -> APIError { APIError(400, .badRequest, message) }
    public static func validation(_ fields: [String: String]) -> APIError {
        APIError(422, .validationFailed, "Some fields are invalid.", fields: fields)
    }
    public static let unauthorized = APIError(401, .unauthorized, "Authentication required.")
    public static let csrfFailed = APIError(403, .csrfFailed, "Missing or invalid CSRF token.")
    public static let notFound = APIError(404, .notFound, "Not found.")
    public static func methodNotAllowed(allowed: [String]) -> APIError {
        var error = APIError(405, .methodNotAllowed, "Method not allowed.")
        error.headers["Allow"] = allowed.joined(separator: ", ")
        return error
    }
    public static func conflict(_ message: String, code: String = ErrorCode.conflict.rawValue) -> APIError {
        APIError(status: 409, code: code, message: message)
    }
    public static let payloadTooLarge = APIError(413, .payloadTooLarge, "The request body is larger than 64 KiB.")
    public static let unsupportedMediaType = APIError(415, .unsupportedMediaType, "Send the body as application/json.")
    public static let internalError = APIError(500, .internal, "Internal error.")
    public static func unavailable(_ message: String) -> APIError { APIError(503, .serviceUnavailable, message) }

    /// The `{"error":{...}}` response.
    public var response: Response {
        var response = Response.json(Envelope(error: Body(code: code, message: message, fields: fields)), status: status)
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { response.addHeader(name, value) }
        return response
    }

    private struct Envelope: Encodable { let error: Body }
    private struct Body: Encodable {
        let code: String
        let message: String
        let fields: [String: String]?
    }
}
