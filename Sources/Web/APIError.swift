/// The everyday `HTTPResponseError`: a catalogue code with its status, a message for people, and for
/// validation failures one message per bad field.
public struct APIError: HTTPResponseError, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String
    public var fields: [String: String]?
    public var headers: [String: String]

    /// An error with `code`'s status from the catalogue. `code` must be one the responder sends
    /// (`ErrorCode.status` not nil); an nginx-only code would be a bug, answered as 500.
    public init(_ code: ErrorCode, _ message: String, fields: [String: String]? = nil, headers: [String: String] = [:]) {
        self.init(status: code.status ?? 500, code: code.rawValue, message: message, fields: fields, headers: headers)
    }

    /// An error with an explicit status and code. Prefer `init(_:_:)`: `code` must be an `ErrorCode` raw value,
    /// and the status the catalogue gives it.
    public init(status: Int, code: String, message: String, fields: [String: String]? = nil, headers: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    public static func validation(_ fields: [String: String]) -> APIError {
        APIError(.validationFailed, "Some fields are invalid.", fields: fields)
    }
    public static let unauthorized = APIError(.unauthorized, "Authentication required.")
    public static let csrfFailed = APIError(.csrfFailed, "Missing or invalid CSRF token.")
    public static let notFound = APIError(.notFound, "Not found.")
    public static func methodNotAllowed(allowed: [String]) -> APIError {
        APIError(.methodNotAllowed, "Method not allowed.", headers: ["Allow": allowed.joined(separator: ", ")])
    }
    /// A 409: `conflict`, or a more specific code of that status (`sync_in_progress`, `connection_paused`).
    public static func conflict(_ message: String, code: ErrorCode = .conflict) -> APIError {
        APIError(code, message)
    }
    public static let payloadTooLarge = APIError(.payloadTooLarge, "The request body is larger than 64 KiB.")
    public static let unsupportedMediaType = APIError(.unsupportedMediaType, "Send the body as application/json.")
    public static let internalError = APIError(.internal, "Internal error.")
    public static func unavailable(_ message: String) -> APIError { APIError(.serviceUnavailable, message) }
}
