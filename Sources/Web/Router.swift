/// Matches a method and path to a handler, with `:name` segments captured as parameters.
///
/// An unknown path is 404; a known path with another method is 405 with an `Allow` header.
///
/// `HEAD` runs the `GET` route of the path (RFC 9110 §9.3.2: the same status and header fields as GET, no
/// content); `Response.withoutBody()` then drops the body. Uptime monitors commonly send HEAD.
///
/// Each route has exactly one spelling. The path is the raw one the client sent (`REQUEST_URI`), and a raw
/// path that is not canonical — a trailing slash, an empty segment (`//`), a `.` or `..` segment, or any
/// percent-encoding — is 404 before any route is looked at. nginx matches its `location` blocks (and so its
/// rate limits) against the *normalised* path, so if `/api/v1/auth/login/` or `/api/v1/auth/%6cogin` reached
/// the login handler here, a client could pick the weaker limit by spelling the path differently. No route
/// needs `%`: every fixed segment is plain ASCII and every `:id` is a UUID.
public struct Router<Context: Sendable>: Sendable {
    /// What a route runs.
    public typealias Handler = @Sendable (Request, Parameters, Context) throws -> Response

    /// Captured `:name` path segments.
    public struct Parameters: Sendable {
        public var values: [String: String] = [:]
        public subscript(_ name: String) -> String? { values[name] }
    }

    private struct Route: Sendable {
        let method: String
        let segments: [Substring]
        let handler: Handler
    }

    private var routes: [Route] = []

    public init() {}

    /// Registers `handler` for `method` on `pattern` (e.g. `/api/v1/things/:id`).
    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        precondition(Self.canonicalSegments(pattern) != nil, "route pattern \(pattern) is not in canonical form")
        routes.append(Route(method: method.uppercased(), segments: Self.segments(pattern), handler: handler))
    }

    /// The handler and parameters for `request`, or the 404/405 error.
    public func match(_ request: Request) throws -> (Handler, Parameters) {
        guard let segments = Self.canonicalSegments(request.path) else { throw APIError.notFound }
        // A HEAD route of its own wins; otherwise HEAD is answered by the path's GET route.
        let fallback = request.method == "HEAD" ? "GET" : nil
        var allowed: [String] = []
        var viaFallback: (Handler, Parameters)?
        for route in routes {
            guard let parameters = Self.bind(route.segments, to: segments) else { continue }
            if route.method == request.method { return (route.handler, parameters) }
            if route.method == fallback, viaFallback == nil { viaFallback = (route.handler, parameters) }
            allowed.append(route.method)
            if route.method == "GET", !routes.contains(where: { $0.method == "HEAD" && $0.segments == route.segments }) {
                allowed.append("HEAD")
            }
        }
        if let viaFallback { return viaFallback }
        if allowed.isEmpty { throw APIError.notFound }
        throw APIError.methodNotAllowed(allowed: allowed)
    }

    /// The segments of `path` when it is the one canonical spelling of itself, else nil: it starts with `/`,
    /// has no empty, `.` or `..` segment (so no `//` and no trailing slash, except the root `/` itself),
    /// and contains no `%` at all.
    static func canonicalSegments(_ path: String) -> [Substring]? {
        guard path.first == "/", !path.contains("%") else { return nil }
        if path == "/" { return [] }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments where segment.isEmpty || segment == "." || segment == ".." { return nil }
        return segments
    }

    private static func segments(_ pattern: String) -> [Substring] {
        pattern.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func bind(_ pattern: [Substring], to path: [Substring]) -> Parameters? {
        guard pattern.count == path.count else { return nil }
        var parameters = Parameters()
        for (expected, actual) in zip(pattern, path) {
            if expected.hasPrefix(":") {
                // No decoding: a canonical path has no `%`, so the segment is the value as sent.
                parameters.values[String(expected.dropFirst())] = String(actual)
            } else if expected != actual {
                return nil
            }
        }
        return parameters
    }
}
