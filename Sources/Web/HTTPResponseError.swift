/// An error that knows how it looks on the wire: the HTTP status, a stable code from the catalogue
/// (`ErrorCode`), a message for people, and any header fields and body members it needs.
///
/// Modelled on Hummingbird's `HTTPResponseError`. Handlers and the layers below them throw these; exactly one
/// site, `Application.serve`, turns a thrown error into a response (`Response.init(error:)` builds the body).
/// Anything thrown that is not one of these becomes a logged 500 `internal`, so SQL, paths and stack traces
/// never reach a client.
///
/// The body is always `{"error":{"code","message"[,"fields"]}}`, plus the top-level members of `bodyMembers`
/// (a failed sync adds `connection` beside `error`).
public protocol HTTPResponseError: Error {
    /// The HTTP status, e.g. 422.
    var status: Int { get }
    /// The stable machine-readable code: an `ErrorCode` raw value. Clients switch on it; never rename one.
    var code: String { get }
    /// What went wrong and what to do, for people. Never a secret, SQL or a path.
    var message: String { get }
    /// Header fields the response carries (`Retry-After`, `Allow`). Default: none.
    var headers: [String: String] { get }
    /// One message per bad input field (`validation_failed`), inside the `error` object. Default: nil.
    var fields: [String: String]? { get }
    /// Extra top-level members of the body beside `error`, encoded into the same JSON object; must encode as a
    /// keyed container (a struct), and must not itself have an `error` member. Default: nil.
    var bodyMembers: (any Encodable & Sendable)? { get }
}

extension HTTPResponseError {
    /// No header fields beyond those every response gets.
    public var headers: [String: String] { [:] }
    /// No per-field messages.
    public var fields: [String: String]? { nil }
    /// Nothing beside `error`.
    public var bodyMembers: (any Encodable & Sendable)? { nil }

    /// The `code`/`message` pair as it appears in bodies that report an error without failing the request
    /// (a credentials test's verdict, one connection's result in a sync-all).
    public var detail: ErrorDetail { ErrorDetail(code: code, message: message) }
}

/// `{"code","message"}`: an error as a member of a successful body (the `ErrorDetail` schema of openapi.yaml).
public struct ErrorDetail: Encodable, Sendable, Equatable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

extension Response {
    /// The JSON error response for `error`: its status, its header fields (in name order, so responses are
    /// stable), and `{"error":{...}}` merged with its `bodyMembers`.
    ///
    /// Only `Application.serve` calls this; everything else throws.
    public init(error: any HTTPResponseError) {
        self = Response.json(ErrorEnvelope(error: error), status: error.status)
        for (name, value) in error.headers.sorted(by: { $0.key < $1.key }) { addHeader(name, value) }
    }
}

/// The body of an error response. `bodyMembers` encode into the same keyed container as `error` (JSONEncoder
/// merges containers requested twice from one encoder), so they sit beside it at the top level.
private struct ErrorEnvelope: Encodable {
    let error: any HTTPResponseError

    private struct Body: Encodable {
        let code: String
        let message: String
        let fields: [String: String]?
    }

    private enum Keys: String, CodingKey { case error }

    func encode(to encoder: any Encoder) throws {
        try error.bodyMembers?.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(Body(code: error.code, message: error.message, fields: error.fields), forKey: .error)
    }
}
