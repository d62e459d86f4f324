/// Matches a method and path to a handler, with `:name` segments captured as parameters.
///
/// An unknown path is 404; a known path with another method is 405 with an `Allow` header.
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
        routes.append(Route(method: method.uppercased(), segments: Self.segments(pattern), handler: handler))
    }

    /// The handler and parameters for `request`, or the 404/405 error.
    public func match(_ request: Request) throws -> (Handler, Parameters) {
        let segments = Self.segments(request.path)
        var allowed: [String] = []
        for route in routes {
            guard let parameters = Self.bind(route.segments, to: segments) else { continue }
            if route.method == request.method { return (route.handler, parameters) }
            allowed.append(route.method)
        }
        if allowed.isEmpty { throw APIError.notFound }
        throw APIError.methodNotAllowed(allowed: allowed)
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func bind(_ pattern: [Substring], to path: [Substring]) -> Parameters? {
        guard pattern.count == path.count else { return nil }
        var parameters = Parameters()
        for (expected, actual) in zip(pattern, path) {
            if expected.hasPrefix(":") {
                parameters.values[String(expected.dropFirst())] = String(actual).removingPercentEncoding ?? String(actual)
            } else if expected != actual {
                return nil
            }
        }
        return parameters
    }
}
